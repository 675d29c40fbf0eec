"""The shared HTTP policy: retries, Retry-After, the circuit breaker, bounded concurrency, stats."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from magspec_pipelines.http import (
    CallPolicy,
    CallStats,
    CircuitBreaker,
    CircuitOpen,
    OutcomeUnknown,
    RemoteUnavailable,
    RetryPolicy,
    map_bounded,
)


class Script:
    """A MockTransport handler answering from a list: a status, (status, headers) or an
    exception class; the last entry repeats."""

    def __init__(self, *steps: object) -> None:
        self.steps = list(steps)
        self.calls = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        step = self.steps[min(self.calls, len(self.steps) - 1)]
        self.calls += 1
        if isinstance(step, type) and issubclass(step, Exception):
            raise step("scripted", request=request)
        status, headers = step if isinstance(step, tuple) else (step, {})
        return httpx.Response(status, headers=headers, text="x")


def make(script: Script, **retry: object) -> tuple[CallPolicy, httpx.Client, list[float]]:
    slept: list[float] = []
    policy = CallPolicy(
        retry=RetryPolicy(sleep=slept.append, random=lambda: 1.0, **retry),  # type: ignore[arg-type]
        breaker=CircuitBreaker(failure_threshold=100),
    )
    return policy, httpx.Client(transport=httpx.MockTransport(script)), slept


def send(policy: CallPolicy, client: httpx.Client, idempotent: bool = True) -> httpx.Response:
    request = client.build_request("GET", "http://remote/x")
    return policy.send(client, request, endpoint="GET /x", idempotent=idempotent)


def test_backoff_doubles_up_to_the_cap_and_is_jittered_below_it() -> None:
    top = RetryPolicy(backoff_base=0.5, backoff_cap=3.0, random=lambda: 1.0)
    assert [top.backoff(n) for n in range(1, 6)] == [0.5, 1.0, 2.0, 3.0, 3.0]
    half = RetryPolicy(backoff_base=0.5, backoff_cap=3.0, random=lambda: 0.5)
    assert half.backoff(3) == 1.0


def test_server_errors_are_retried_with_backoff_until_success() -> None:
    script = Script(503, 502, 200)
    policy, client, slept = make(script, backoff_base=0.1, backoff_cap=10.0)
    assert send(policy, client).status_code == 200
    assert script.calls == 3
    assert slept == [0.1, 0.2]
    assert policy.stats.requests == 3 and policy.stats.retries == 2


def test_connect_errors_are_retried_even_for_writes() -> None:
    script = Script(httpx.ConnectError, 200)
    policy, client, _ = make(script)
    assert send(policy, client, idempotent=False).status_code == 200
    assert script.calls == 2


def test_429_honours_retry_after_seconds() -> None:
    script = Script((429, {"Retry-After": "7"}), 200)
    policy, client, slept = make(script)
    assert send(policy, client).status_code == 200
    assert slept == [7.0]
    assert policy.stats.throttled == 1


def test_429_honours_retry_after_http_date() -> None:
    now = datetime(2025, 3, 1, 12, 0, 0, tzinfo=UTC)
    header = format_datetime(now + timedelta(seconds=12), usegmt=True)
    script = Script((429, {"Retry-After": header}), 200)
    policy, client, slept = make(script)
    policy.retry = RetryPolicy(sleep=slept.append, now=lambda: now)
    send(policy, client)
    assert slept == [12.0]


def test_retry_after_is_capped() -> None:
    script = Script((429, {"Retry-After": "3600"}), 200)
    policy, client, slept = make(script, retry_after_cap=5.0)
    send(policy, client)
    assert slept == [5.0]


def test_throttling_that_never_ends_returns_the_last_429() -> None:
    script = Script((429, {"Retry-After": "1"}))
    policy, client, _ = make(script, max_attempts=3)
    assert send(policy, client).status_code == 429
    assert script.calls == 3 and policy.stats.throttled == 3


def test_client_errors_are_not_retried() -> None:
    script = Script(404)
    policy, client, slept = make(script)
    assert send(policy, client).status_code == 404
    assert script.calls == 1 and slept == []


def test_persistent_connect_errors_raise_remote_unavailable() -> None:
    script = Script(httpx.ConnectError)
    policy, client, _ = make(script, max_attempts=4)
    with pytest.raises(RemoteUnavailable) as caught:
        send(policy, client)
    assert caught.value.attempts == 4 and script.calls == 4


def test_a_lost_answer_is_retried_for_reads() -> None:
    script = Script(httpx.ReadTimeout, 200)
    policy, client, _ = make(script)
    assert send(policy, client, idempotent=True).status_code == 200
    assert script.calls == 2


@pytest.mark.parametrize("step", [httpx.ReadTimeout, httpx.RemoteProtocolError, 504, 502])
def test_a_lost_answer_is_never_retried_for_writes(step: object) -> None:
    script = Script(step, 200)
    policy, client, _ = make(script)
    with pytest.raises(OutcomeUnknown):
        send(policy, client, idempotent=False)
    assert script.calls == 1


def test_503_on_a_write_is_retried_because_it_was_refused() -> None:
    script = Script(503, 200)
    policy, client, _ = make(script)
    assert send(policy, client, idempotent=False).status_code == 200
    assert script.calls == 2


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_breaker_opens_after_consecutive_failures_and_refuses_calls() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(failure_threshold=2, cool_down=30.0, clock=clock)
    script = Script(httpx.ConnectError)
    policy = CallPolicy(retry=RetryPolicy(max_attempts=1), breaker=breaker)
    client = httpx.Client(transport=httpx.MockTransport(script))
    for _ in range(2):
        with pytest.raises(RemoteUnavailable):
            send(policy, client)
    with pytest.raises(CircuitOpen) as caught:
        send(policy, client)
    assert script.calls == 2  # the refused call never reached the remote
    assert caught.value.retry_in == pytest.approx(30.0)
    assert breaker.state == "open"


def test_breaker_lets_one_trial_through_after_cool_down_and_closes_on_success() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(failure_threshold=1, cool_down=10.0, clock=clock)
    script = Script(httpx.ConnectError, 200)
    policy = CallPolicy(retry=RetryPolicy(max_attempts=1), breaker=breaker)
    client = httpx.Client(transport=httpx.MockTransport(script))
    with pytest.raises(RemoteUnavailable):
        send(policy, client)
    clock.now += 9.9
    with pytest.raises(CircuitOpen):
        send(policy, client)
    clock.now += 0.2
    assert breaker.state == "half-open"
    assert send(policy, client).status_code == 200
    assert breaker.state == "closed"


def test_a_failed_trial_opens_the_breaker_again() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(failure_threshold=3, cool_down=10.0, clock=clock)
    for _ in range(3):
        breaker.before_call()
        breaker.record_failure()
    clock.now += 10
    breaker.before_call()  # the trial
    with pytest.raises(CircuitOpen):
        breaker.before_call()  # only one trial at a time
    breaker.record_failure()
    assert breaker.state == "open"


def test_map_bounded_keeps_order_and_limits_concurrency() -> None:
    running = 0
    peak = 0
    changed = threading.Condition()

    def work(n: int) -> int:
        nonlocal running, peak
        with changed:
            running += 1
            peak = max(peak, running)
            changed.notify_all()
            # The first three calls wait until the limit is reached, so the peak does not depend
            # on timing; a map that runs fewer side by side fails after the wait.
            if n < 3:
                changed.wait_for(lambda: peak >= 3, timeout=5.0)
            running -= 1
        return n * n

    assert map_bounded(work, range(20), limit=3) == [n * n for n in range(20)]
    assert peak == 3


def test_call_stats_count_per_endpoint_across_threads() -> None:
    stats = CallStats()

    def hammer(endpoint: str) -> None:
        for _ in range(500):
            stats.record(endpoint, requests=1, retries=1)

    map_bounded(hammer, ["GET /a", "GET /b"] * 4, limit=8)
    per = stats.by_endpoint()
    assert per["GET /a"].requests == 2000 and per["GET /b"].retries == 2000
    assert stats.snapshot()["requests"] == 4000
