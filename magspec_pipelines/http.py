"""The HTTP policy both clients share: retries with backoff, a circuit breaker, bounded
concurrency and call statistics.

A caller states per request whether it may be repeated when its outcome is unknown (the request
left, the answer did not arrive). Reads may; writes that could already have been committed may
not: they raise `OutcomeUnknown` and the flow decides (look the record up, or rely on the remote's
duplicate control).
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Self, TypeVar

import httpx

from magspec_pipelines.http_errors import (
    CircuitOpen,
    HttpPolicyError,
    OutcomeUnknown,
    RemoteUnavailable,
)

# The errors live in http_errors (no httpx) so that error vocabularies such as specter.errors
# load without the HTTP stack; they are re-exported here.
__all__ = [
    "CallPolicy",
    "CallStats",
    "CircuitBreaker",
    "CircuitOpen",
    "ClosingClient",
    "ConcurrencyLimit",
    "EndpointStats",
    "HttpPolicyError",
    "OutcomeUnknown",
    "RemoteUnavailable",
    "RetryPolicy",
    "map_bounded",
]

T = TypeVar("T")
R = TypeVar("R")

# Failures where the request provably never reached the server: always safe to repeat.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


# -- retry policy ----------------------------------------------------------------------------
@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to repeat a failed request.

    `sleep`, `random` and `now` are injectable so that tests neither wait nor depend on chance.
    """

    max_attempts: int = 5
    backoff_base: float = 0.5
    backoff_cap: float = 30.0
    retry_after_cap: float = 120.0
    retry_statuses: frozenset[int] = frozenset({502, 503, 504})
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False, compare=False)
    random: Callable[[], float] = field(default=random.random, repr=False, compare=False)
    now: Callable[[], datetime] = field(
        default=lambda: datetime.now(UTC), repr=False, compare=False
    )

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")

    def backoff(self, attempt: int) -> float:
        """Full-jitter delay after failed attempt number `attempt` (1-based)."""
        ceiling = min(self.backoff_cap, self.backoff_base * 2 ** (attempt - 1))
        return self.random() * ceiling

    def retry_after(self, header: str | None) -> float | None:
        """Seconds the server asked us to wait (delta-seconds or HTTP-date), capped."""
        if not header:
            return None
        header = header.strip()
        try:
            seconds = float(header)
        except ValueError:
            try:
                when = parsedate_to_datetime(header)
            except (TypeError, ValueError):
                return None
            if when.tzinfo is None:
                when = when.replace(tzinfo=UTC)
            seconds = (when - self.now()).total_seconds()
        return min(max(seconds, 0.0), self.retry_after_cap)

    def with_sleep(self, sleep: Callable[[float], None]) -> RetryPolicy:
        return replace(self, sleep=sleep)


# -- circuit breaker -------------------------------------------------------------------------
class CircuitBreaker:
    """Opens after `failure_threshold` consecutive failed calls; after `cool_down` seconds one
    trial call is let through (half-open): success closes it, failure opens it again."""

    def __init__(
        self,
        name: str = "remote",
        failure_threshold: int = 5,
        cool_down: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.name = name
        self.failure_threshold = failure_threshold
        self.cool_down = cool_down
        self._clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at: float | None = None
        self._trial_running = False

    @property
    def state(self) -> str:
        with self._lock:
            return self._state()

    def _state(self) -> str:
        if self._opened_at is None:
            return "closed"
        if self._clock() - self._opened_at >= self.cool_down:
            return "half-open"
        return "open"

    def before_call(self) -> None:
        """Raise `CircuitOpen` unless a call may go out now."""
        with self._lock:
            state = self._state()
            if state == "closed":
                return
            if state == "half-open" and not self._trial_running:
                self._trial_running = True
                return
            assert self._opened_at is not None
            retry_in = max(0.0, self._opened_at + self.cool_down - self._clock())
            raise CircuitOpen(self.name, retry_in)

    def record_success(self) -> None:
        with self._lock:
            self._failures = 0
            self._opened_at = None
            self._trial_running = False

    def record_failure(self) -> None:
        with self._lock:
            self._failures += 1
            if self._trial_running or self._failures >= self.failure_threshold:
                self._opened_at = self._clock()
            self._trial_running = False


# -- statistics ------------------------------------------------------------------------------
@dataclass
class EndpointStats:
    requests: int = 0
    retries: int = 0
    throttled: int = 0
    failures: int = 0


class CallStats:
    """Counts of requests sent, retries, 429 answers and failed calls, in total and per
    endpoint; safe to share between threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_endpoint: dict[str, EndpointStats] = {}

    def record(
        self,
        endpoint: str,
        *,
        requests: int = 0,
        retries: int = 0,
        throttled: int = 0,
        failures: int = 0,
    ) -> None:
        with self._lock:
            entry = self._by_endpoint.setdefault(endpoint, EndpointStats())
            entry.requests += requests
            entry.retries += retries
            entry.throttled += throttled
            entry.failures += failures

    def _total(self, name: str) -> int:
        with self._lock:
            return sum(getattr(e, name) for e in self._by_endpoint.values())

    @property
    def requests(self) -> int:
        return self._total("requests")

    @property
    def retries(self) -> int:
        return self._total("retries")

    @property
    def throttled(self) -> int:
        return self._total("throttled")

    @property
    def failures(self) -> int:
        return self._total("failures")

    def by_endpoint(self) -> dict[str, EndpointStats]:
        with self._lock:
            return {k: replace(v) for k, v in self._by_endpoint.items()}

    def snapshot(self) -> dict[str, object]:
        """A plain dict fit for run metadata."""
        per = self.by_endpoint()
        return {
            "requests": sum(e.requests for e in per.values()),
            "retries": sum(e.retries for e in per.values()),
            "throttled": sum(e.throttled for e in per.values()),
            "failures": sum(e.failures for e in per.values()),
            "by_endpoint": {k: vars(v) for k, v in sorted(per.items())},
        }


# -- bounded concurrency ---------------------------------------------------------------------
class ConcurrencyLimit:
    """At most `limit` calls at once through this object (a context manager)."""

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self.limit = limit
        self._semaphore = threading.BoundedSemaphore(limit)

    def __enter__(self) -> ConcurrencyLimit:
        self._semaphore.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self._semaphore.release()


def map_bounded(fn: Callable[[T], R], items: Iterable[T], limit: int) -> list[R]:
    """`[fn(x) for x in items]` with at most `limit` running at once; results keep input order.
    The first exception is raised after the calls already running have finished."""
    if limit < 1:
        raise ValueError("limit must be at least 1")
    with ThreadPoolExecutor(max_workers=limit) as pool:
        return list(pool.map(fn, items))


# -- sending ---------------------------------------------------------------------------------
class CallPolicy:
    """Sends requests through one httpx client under the retry policy, the breaker, the
    concurrency limit, and records them in `stats`."""

    def __init__(
        self,
        retry: RetryPolicy | None = None,
        breaker: CircuitBreaker | None = None,
        max_concurrency: int = 4,
        stats: CallStats | None = None,
    ) -> None:
        self.retry = retry or RetryPolicy()
        self.breaker = breaker
        self.limit = ConcurrencyLimit(max_concurrency)
        self.stats = stats or CallStats()

    def send(
        self,
        client: httpx.Client,
        request: httpx.Request,
        *,
        endpoint: str,
        idempotent: bool,
    ) -> httpx.Response:
        """Send `request`, repeating it where that is safe, and return the last response.

        Returns any response the retry rules do not cover (2xx, 4xx, 500...) and the last one when
        attempts run out on 429/502/503/504; the caller maps statuses to its own errors.
        Raises `CircuitOpen`, `RemoteUnavailable`, or `OutcomeUnknown` (non-idempotent only).
        """
        if self.breaker is not None:
            self.breaker.before_call()
        try:
            return self._send(client, request, endpoint, idempotent)
        except HttpPolicyError:
            raise
        except Exception:
            # Anything unforeseen still ends a half-open trial, so the breaker cannot stick.
            self._failed(endpoint)
            raise

    def _send(
        self, client: httpx.Client, request: httpx.Request, endpoint: str, idempotent: bool
    ) -> httpx.Response:
        policy = self.retry
        attempt = 0
        while True:
            attempt += 1
            self.stats.record(endpoint, requests=1)
            delay: float
            try:
                with self.limit:
                    response = client.send(request)
            except _NOT_SENT as exc:
                if attempt >= policy.max_attempts:
                    self._failed(endpoint)
                    raise RemoteUnavailable(endpoint, attempt, exc) from exc
                delay = policy.backoff(attempt)
            except httpx.TransportError as exc:
                if not idempotent:
                    self._failed(endpoint)
                    raise OutcomeUnknown(endpoint, f"{type(exc).__name__}") from exc
                if attempt >= policy.max_attempts:
                    self._failed(endpoint)
                    raise RemoteUnavailable(endpoint, attempt, exc) from exc
                delay = policy.backoff(attempt)
            else:
                status = response.status_code
                if status == 429:
                    self.stats.record(endpoint, throttled=1)
                elif status not in policy.retry_statuses:
                    if status >= 500:
                        self._failed(endpoint)
                    else:
                        self._succeeded()
                    return response
                elif not idempotent and not _refused_before_processing(status):
                    self._failed(endpoint)
                    raise OutcomeUnknown(endpoint, f"HTTP {status}")
                if attempt >= policy.max_attempts:
                    if status == 429:
                        # Throttling proves the remote is alive; it is no breaker failure.
                        self._succeeded()
                    else:
                        self._failed(endpoint)
                    return response
                hinted = policy.retry_after(response.headers.get("retry-after"))
                delay = hinted if hinted is not None else policy.backoff(attempt)
            self.stats.record(endpoint, retries=1)
            policy.sleep(delay)

    def _succeeded(self) -> None:
        if self.breaker is not None:
            self.breaker.record_success()

    def _failed(self, endpoint: str) -> None:
        self.stats.record(endpoint, failures=1)
        if self.breaker is not None:
            self.breaker.record_failure()


def _refused_before_processing(status: int) -> bool:
    # 503 says the server did not take the request on; 502 and 504 come from a proxy that may
    # have forwarded it, so a write behind them may have been committed.
    return status == 503


class ClosingClient:
    """Close-on-exit for an API client holding an `httpx.Client` as `_http`."""

    _http: httpx.Client

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
