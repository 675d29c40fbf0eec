"""Fault injection shared by both sandboxes.

Faults are rules held by a `FaultInjector`; its ASGI middleware applies them to matching requests
before (latency, errors, throttling, timeouts) or after (a lost answer) the sandbox handles them.
Rules are added through the admin routes (`POST <admin>/faults`) or directly from tests.

A rule matches a request when its `match` text occurs in the path plus query string or in the
request body (Specter names its action in either), and its `method`, if set, is the request's.
`count` limits a rule to the next N matching requests; `rate` makes it probabilistic with a seeded
random generator, so a chaos run can be repeated.

The injector also applies the sandbox's `CostModel` (`cost.py`) to every request that reaches the
app: at most `concurrency` at once, each served in `max(real time, latency + items * item cost)`.
Latency rules add on top of it; answers a rule makes up (errors, throttling, timeouts) never reach
the app and cost nothing. The model is read and replaced at `GET/PUT <admin>/cost`.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import threading
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from magspec_sandbox.cost import Classifier, CostModel, no_writes

FaultKind = Literal["latency", "error", "throttle", "timeout", "lost_answer"]
FAULT_KINDS: tuple[str, ...] = ("latency", "error", "throttle", "timeout", "lost_answer")


@dataclass
class FaultRule:
    """One fault. `seconds` is the added latency, or how long a timeout or lost answer hangs."""

    kind: FaultKind
    match: str = ""
    method: str | None = None
    rate: float = 1.0
    count: int | None = None
    status: int = 503
    retry_after: float = 1.0
    seconds: float = 30.0
    body: str | None = None
    id: int = 0
    hits: int = 0

    def matches(self, method: str, target: str, body: str) -> bool:
        if self.method and self.method.upper() != method.upper():
            return False
        if self.count is not None and self.hits >= self.count:
            return False
        return not self.match or self.match in target or self.match in body


@dataclass
class _Stats:
    requests: Counter = field(default_factory=Counter)
    faults: Counter = field(default_factory=Counter)
    writes: Counter = field(default_factory=Counter)
    items: int = 0
    busy_seconds: float = 0.0
    modelled_seconds: float = 0.0
    max_in_flight: int = 0


class FaultInjector:
    """Holds fault rules, the cost model and request counters for one sandbox; thread-safe.
    `clock` and `sleep` are what it measures service times and waits with (tests pass fakes)."""

    def __init__(
        self,
        seed: int = 0,
        base_latency: float = 0.0,
        cost: CostModel | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self._rules: list[FaultRule] = []
        self._ids = itertools.count(1)
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self._stats = _Stats()
        self.base_latency = base_latency
        self._cost = cost or CostModel()
        self._clock, self._sleep = clock, sleep
        self._in_flight = 0
        # (event loop, concurrency, semaphore): made in the loop that serves the app, anew when
        # the concurrency changes; requests holding a slot of the old one release it there.
        self._slots: tuple[asyncio.AbstractEventLoop, int, asyncio.Semaphore] | None = None

    # -- cost model --------------------------------------------------------------------------
    @property
    def cost(self) -> CostModel:
        with self._lock:
            return self._cost

    @cost.setter
    def cost(self, model: CostModel) -> None:
        with self._lock:
            self._cost = model

    # -- rules -------------------------------------------------------------------------------
    def add(self, rule: FaultRule | None = None, **kwargs: Any) -> FaultRule:
        rule = rule or FaultRule(**kwargs)
        if rule.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {rule.kind!r}; allowed: {', '.join(FAULT_KINDS)}")
        with self._lock:
            rule.id = next(self._ids)
            self._rules.append(rule)
        return rule

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def rules(self) -> list[FaultRule]:
        with self._lock:
            return list(self._rules)

    def reset_stats(self) -> None:
        with self._lock:
            self._stats = _Stats(max_in_flight=self._in_flight)

    def stats(self) -> dict[str, Any]:
        """Requests per `METHOD path`, faults per kind, and what the cost model saw: write
        requests per `METHOD path`, items written, the sum of service times as measured
        (`busy_seconds`) and as modelled (`modelled_seconds`, latency + items * item cost), and
        the most requests served at once. A request's times are counted before its answer is
        sent, so a caller that has its answer sees them."""
        with self._lock:
            stats = self._stats
            return {
                "requests": dict(stats.requests),
                "total_requests": sum(stats.requests.values()),
                "faults": dict(stats.faults),
                "write_requests": sum(stats.writes.values()),
                "items": stats.items,
                "writes": dict(stats.writes),
                "busy_seconds": stats.busy_seconds,
                "modelled_seconds": stats.modelled_seconds,
                "max_in_flight": stats.max_in_flight,
            }

    def _pick(self, method: str, target: str, body: str) -> list[FaultRule]:
        picked = []
        with self._lock:
            for rule in self._rules:
                if rule.matches(method, target, body) and (
                    rule.rate >= 1.0 or self._random.random() < rule.rate
                ):
                    rule.hits += 1
                    self._stats.faults[rule.kind] += 1
                    picked.append(rule)
        return picked

    def _count(self, key: str) -> None:
        with self._lock:
            self._stats.requests[key] += 1

    def _count_write(self, key: str, items: int) -> None:
        with self._lock:
            self._stats.writes[key] += 1
            self._stats.items += items

    def _enter(self) -> None:
        with self._lock:
            self._in_flight += 1
            self._stats.max_in_flight = max(self._stats.max_in_flight, self._in_flight)

    def _served(self, busy: float, modelled: float) -> None:
        with self._lock:
            self._stats.busy_seconds += busy
            self._stats.modelled_seconds += modelled

    def _leave(self) -> None:
        with self._lock:
            self._in_flight -= 1

    def _slot(self, concurrency: int) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        with self._lock:
            if self._slots is None or self._slots[:2] != (loop, concurrency):
                # asyncio.Semaphore hands freed slots to the waiters in arrival order.
                self._slots = (loop, concurrency, asyncio.Semaphore(concurrency))
            return self._slots[2]

    async def _serve(
        self,
        app: ASGIApp,
        scope: Scope,
        receive: Receive,
        send: Send,
        classify: Callable[[], int],
    ) -> None:
        """Run `app` under the cost model: wait for a slot, then answer no sooner than the
        modelled service time. `classify()` counts the request's writes and returns its items;
        it runs once the slot is held, so its time is part of the service time too."""
        cost, clock = self.cost, self._clock
        if not cost.active:
            self._enter()
            started = clock()
            try:
                classify()
                await app(scope, receive, send)
            finally:
                self._served(clock() - started, 0.0)
                self._leave()
            return
        slot = self._slot(cost.concurrency) if cost.concurrency else None
        if slot is not None:
            await slot.acquire()
        self._enter()
        started = clock()
        served = False
        try:
            items = classify()
            answer: list[Message] = []

            async def keep(message: Message) -> None:
                answer.append(message)

            await app(scope, receive, keep)
            modelled = cost.service_seconds(items)
            remaining = modelled - (clock() - started)
            if remaining > 0:
                await self._sleep(remaining)
            self._served(clock() - started, modelled)
            served = True
            for message in answer:
                await send(message)
        finally:
            if not served:
                self._served(clock() - started, 0.0)
            self._leave()
            if slot is not None:
                slot.release()

    # -- ASGI --------------------------------------------------------------------------------
    def middleware(
        self, app: ASGIApp, admin_prefix: str, classify: Classifier = no_writes
    ) -> ASGIApp:
        """Wrap `app`; requests under `admin_prefix` are never faulted, costed nor counted.

        `classify(method, path, query, body)` says whether a request writes and how many items
        (`cost.py`); it decides the request's modelled service time and the write counters.
        """

        async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http" or scope["path"].startswith(admin_prefix):
                await app(scope, receive, send)
                return
            chunks = []
            more = True
            while more:
                message = await receive()
                chunks.append(message.get("body", b""))
                more = message.get("more_body", False)
            raw = b"".join(chunks)
            replayed = False

            async def replay() -> Message:
                nonlocal replayed
                if not replayed:
                    replayed = True
                    return {"type": "http.request", "body": raw, "more_body": False}
                return await receive()

            query = scope.get("query_string", b"").decode("latin-1")
            target = scope["path"] + ("?" + query if query else "")
            self._count(f"{scope['method']} {scope['path']}")
            rules = self._pick(scope["method"], target, raw.decode("latin-1"))
            delay = self.base_latency + sum(r.seconds for r in rules if r.kind == "latency")
            if delay:
                await self._sleep(delay)
            for rule in rules:
                if rule.kind == "timeout":
                    await self._sleep(rule.seconds)
                    await _send_plain(send, 504, "Gateway Timeout")
                    return
                if rule.kind == "throttle":
                    await _send_plain(
                        send,
                        429,
                        rule.body or "Too Many Requests",
                        [(b"retry-after", _retry_after(rule.retry_after))],
                    )
                    return
                if rule.kind == "error":
                    await _send_plain(send, rule.status, rule.body or "Service Unavailable")
                    return

            def measure() -> int:
                is_write, items = classify(scope["method"], scope["path"], query, raw)
                if is_write:
                    self._count_write(f"{scope['method']} {scope['path']}", items)
                return items

            if any(r.kind == "lost_answer" for r in rules):
                # The sandbox commits the write; the answer never reaches the caller.
                async def swallow(message: Message) -> None:
                    return None

                await self._serve(app, scope, replay, swallow, measure)
                hang = max(r.seconds for r in rules if r.kind == "lost_answer")
                await self._sleep(hang)
                await _send_plain(send, 504, "Gateway Timeout")
                return
            await self._serve(app, scope, replay, send, measure)

        return wrapped

    def routes(self, admin_prefix: str) -> list[Route]:
        """Admin routes: GET/POST/DELETE `<prefix>/faults`, GET/DELETE `<prefix>/requests`,
        GET/PUT `<prefix>/cost`."""

        async def list_faults(request: Request) -> Response:
            return JSONResponse([asdict(r) for r in self.rules()])

        async def add_fault(request: Request) -> Response:
            try:
                payload = await request.json()
                rules = payload if isinstance(payload, list) else [payload]
                added = [asdict(self.add(FaultRule(**r))) for r in rules]
            except (TypeError, ValueError, json.JSONDecodeError) as exc:
                return JSONResponse({"error": str(exc)}, status_code=400)
            return JSONResponse(added, status_code=201)

        async def clear_faults(request: Request) -> Response:
            self.clear()
            return JSONResponse({"cleared": True})

        async def get_stats(request: Request) -> Response:
            return JSONResponse(self.stats())

        async def clear_stats(request: Request) -> Response:
            self.reset_stats()
            return JSONResponse({"cleared": True})

        async def get_cost(request: Request) -> Response:
            return JSONResponse(self.cost.to_json())

        async def put_cost(request: Request) -> Response:
            try:
                self.cost = CostModel.from_json(await request.json())
            except (TypeError, ValueError, json.JSONDecodeError) as exc:
                return JSONResponse({"error": str(exc)}, status_code=400)
            return JSONResponse(self.cost.to_json())

        return [
            Route(f"{admin_prefix}/faults", list_faults, methods=["GET"]),
            Route(f"{admin_prefix}/faults", add_fault, methods=["POST"]),
            Route(f"{admin_prefix}/faults", clear_faults, methods=["DELETE"]),
            Route(f"{admin_prefix}/requests", get_stats, methods=["GET"]),
            Route(f"{admin_prefix}/requests", clear_stats, methods=["DELETE"]),
            Route(f"{admin_prefix}/cost", get_cost, methods=["GET"]),
            Route(f"{admin_prefix}/cost", put_cost, methods=["PUT"]),
        ]


def _retry_after(seconds: float) -> bytes:
    # Retry-After carries whole seconds (RFC 9110); sub-second values round up so that
    # a client honouring it never comes back too early.
    return str(max(0, int(-(-seconds // 1)))).encode()


async def _send_plain(
    send: Send, status: int, text: str, headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    body = text.encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
