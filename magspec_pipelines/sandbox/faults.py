"""Fault injection shared by both sandboxes.

Faults are rules held by a `FaultInjector`; its ASGI middleware applies them to matching requests
before (latency, errors, throttling, timeouts) or after (a lost answer) the sandbox handles them.
Rules are added through the admin routes (`POST <admin>/faults`) or directly from tests.

A rule matches a request when its `match` text occurs in the path plus query string or in the
request body (Specter names its action in either), and its `method`, if set, is the request's.
`count` limits a rule to the next N matching requests; `rate` makes it probabilistic with a seeded
random generator, so a chaos run can be repeated.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import threading
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

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


class FaultInjector:
    """Holds fault rules and request counters for one sandbox; thread-safe."""

    def __init__(self, seed: int = 0, base_latency: float = 0.0) -> None:
        self._rules: list[FaultRule] = []
        self._ids = itertools.count(1)
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self._stats = _Stats()
        self.base_latency = base_latency

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
            self._stats = _Stats()

    def stats(self) -> dict[str, Any]:
        with self._lock:
            return {
                "requests": dict(self._stats.requests),
                "total_requests": sum(self._stats.requests.values()),
                "faults": dict(self._stats.faults),
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

    # -- ASGI --------------------------------------------------------------------------------
    def middleware(self, app: ASGIApp, admin_prefix: str) -> ASGIApp:
        """Wrap `app`; requests under `admin_prefix` are never faulted nor counted."""

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
                await asyncio.sleep(delay)
            for rule in rules:
                if rule.kind == "timeout":
                    await asyncio.sleep(rule.seconds)
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
            if any(r.kind == "lost_answer" for r in rules):
                # The sandbox commits the write; the answer never reaches the caller.
                async def swallow(message: Message) -> None:
                    return None

                await app(scope, replay, swallow)
                hang = max(r.seconds for r in rules if r.kind == "lost_answer")
                await asyncio.sleep(hang)
                await _send_plain(send, 504, "Gateway Timeout")
                return
            await app(scope, replay, send)

        return wrapped

    def routes(self, admin_prefix: str) -> list[Route]:
        """Admin routes: GET/POST/DELETE `<prefix>/faults`, GET/DELETE `<prefix>/requests`."""

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

        return [
            Route(f"{admin_prefix}/faults", list_faults, methods=["GET"]),
            Route(f"{admin_prefix}/faults", add_fault, methods=["POST"]),
            Route(f"{admin_prefix}/faults", clear_faults, methods=["DELETE"]),
            Route(f"{admin_prefix}/requests", get_stats, methods=["GET"]),
            Route(f"{admin_prefix}/requests", clear_stats, methods=["DELETE"]),
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
