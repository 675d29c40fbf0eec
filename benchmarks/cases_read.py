"""Case 4: reading a large catalog and order history, magspec's `MagentoClient` against
pymagento 2.14.0, on the same sandbox, data, page size and cost model.

Both clients read every product (`GET /V1/products`) and every order (`GET /V1/orders`), one after
the other: magspec, pymagento, magspec again (magspec's figure is the mean of its two runs, the
spread of the two shows the noise). Each request is timed where it leaves the client and where
its answer is fully read, so the notes can say from measurement where the time went: how many
requests, how long each waited for the sandbox, how many were in flight at once, and how much
time the client spent between requests.
"""

from __future__ import annotations

import statistics
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from magspec_pipelines.http import RetryPolicy
from magspec_pipelines.magento.client import MagentoClient
from magspec_pipelines.magento.search import SearchCriteria

CASE = "4: reading a large catalog and order history, magspec vs pymagento"
PYMAGENTO_VERSION = "2.14.0"
KINDS = ("products", "orders")

StatsSource = Callable[[], Any]


def _progress(message: str) -> None:
    print(f"[case 4] {message}", file=sys.stderr, flush=True)


# -- request timing --------------------------------------------------------------------------
@dataclass
class RequestLog:
    """(start, end) of every request a client sent, in monotonic seconds; thread-safe."""

    spans: list[tuple[float, float]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _in_flight: int = 0
    max_in_flight: int = 0

    def begin(self) -> float:
        with self._lock:
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)
        return time.perf_counter()

    def end(self, started: float) -> None:
        ended = time.perf_counter()
        with self._lock:
            self._in_flight -= 1
            self.spans.append((started, ended))

    def reset(self) -> None:
        with self._lock:
            self.spans = []
            self.max_in_flight = self._in_flight

    def busy_seconds(self) -> float:
        """Time during which at least one request was waiting for the sandbox."""
        total, current_end = 0.0, None
        current_start = 0.0
        for start, end in sorted(self.spans):
            if current_end is None or start > current_end:
                if current_end is not None:
                    total += current_end - current_start
                current_start, current_end = start, end
            else:
                current_end = max(current_end, end)
        if current_end is not None:
            total += current_end - current_start
        return total


class TimedTransport(httpx.BaseTransport):
    """An httpx transport that logs each request from sending to its body fully read."""

    def __init__(self, log: RequestLog, inner: httpx.BaseTransport | None = None) -> None:
        self.log = log
        self.inner = inner or httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        started = self.log.begin()
        try:
            response = self.inner.handle_request(request)
            response.read()
            return response
        finally:
            self.log.end(started)

    def close(self) -> None:
        self.inner.close()


# -- the two clients -------------------------------------------------------------------------
def magspec_client(base_url: str, token: str, log: RequestLog) -> MagentoClient:
    """The client as the flows build it (`MagspecResource.magento`), its transport timed."""
    return MagentoClient(
        base_url=base_url,
        token=token,
        timeout=30.0,
        retry=RetryPolicy(max_attempts=5),
        max_concurrency=4,
        transport=TimedTransport(log),
    )


def pymagento_client(base_url: str, token: str, page_size: int, log: RequestLog) -> Any:
    """pymagento as documented: `Magento(base_url=<shop root>, token=..., batch_page_size=...)`.

    It builds `<base_url>/rest/<scope>/V1/...` itself (scope `all` by default), so it takes the
    same shop root as magspec. Its session's `send` is wrapped to time requests; with
    `stream=False` requests reads the whole body inside `send`.
    """
    try:
        import magento
    except ImportError:
        raise RuntimeError(
            f"case 4 needs pymagento {PYMAGENTO_VERSION}: pip install -e '.[bench]'"
        ) from None

    client = magento.Magento(base_url=base_url, token=token, batch_page_size=page_size)
    send = client.send

    def timed_send(request: Any, **kwargs: Any) -> Any:
        started = log.begin()
        try:
            return send(request, **kwargs)
        finally:
            log.end(started)

    client.send = timed_send
    return client


def _magspec_items(client: MagentoClient, kind: str, page_size: int) -> Iterator[dict]:
    if kind == "products":
        # Scope `all`, as the catalog flows read and as pymagento does by default.
        return client.iter_products(SearchCriteria(), page_size=page_size, scope="all")
    return client.iter_orders(SearchCriteria(), page_size=page_size)


def _pymagento_items(client: Any, kind: str) -> Iterator[dict]:
    return client.get_products() if kind == "products" else client.get_orders()


def _item_key(kind: str, item: Mapping[str, Any]) -> Any:
    return item.get("sku") if kind == "products" else item.get("entity_id")


# -- one read --------------------------------------------------------------------------------
@dataclass
class Reading:
    client: str
    kind: str
    seconds: float
    items: int
    distinct: int
    requests: int
    sandbox_requests: int | None
    sandbox_busy_seconds: float | None
    max_in_flight: int
    busy_seconds: float

    @property
    def per_request_ms(self) -> float:
        return 1000 * self.busy_seconds / self.requests if self.requests else 0.0

    @property
    def service_ms(self) -> float | None:
        """The sandbox's own mean service time per request (its cost model's accounting)."""
        if self.sandbox_busy_seconds is None or not self.sandbox_requests:
            return None
        return 1000 * self.sandbox_busy_seconds / self.sandbox_requests

    @property
    def client_seconds(self) -> float:
        """Wall time with no request in flight: the client paging, parsing, building."""
        return max(0.0, self.seconds - self.busy_seconds)

    def as_dict(self) -> dict[str, Any]:
        return {
            "client": self.client,
            "kind": self.kind,
            "seconds": round(self.seconds, 4),
            "items": self.items,
            "distinct": self.distinct,
            "requests": self.requests,
            "sandbox_requests": self.sandbox_requests,
            "sandbox_service_ms": None if self.service_ms is None else round(self.service_ms, 2),
            "max_in_flight": self.max_in_flight,
            "busy_seconds": round(self.busy_seconds, 4),
            "per_request_ms": round(self.per_request_ms, 2),
            "client_seconds": round(self.client_seconds, 4),
        }


def total_requests(snapshot: Any) -> int | None:
    """The request total in a sandbox statistics snapshot: an int, or a mapping with
    `total_requests`, or `requests` as a number or as counts per endpoint."""
    if isinstance(snapshot, bool):
        return None
    if isinstance(snapshot, int):
        return snapshot
    if not isinstance(snapshot, Mapping):
        return None
    for key in ("total_requests", "requests"):
        value = snapshot.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, Mapping):
            return sum(v for v in value.values() if isinstance(v, int))
    for value in snapshot.values():
        found = total_requests(value) if isinstance(value, Mapping) else None
        if found is not None:
            return found
    return None


def sandbox_figures(snapshot: Any) -> tuple[int | None, float | None]:
    """(requests, busy seconds) from a sandbox statistics snapshot: `FaultInjector.stats()`,
    or a mapping of such snapshots per sandbox (the Magento one is used), or a bare count."""
    if isinstance(snapshot, Mapping) and isinstance(snapshot.get("magento"), Mapping):
        snapshot = snapshot["magento"]
    busy = snapshot.get("busy_seconds") if isinstance(snapshot, Mapping) else None
    busy = float(busy) if isinstance(busy, int | float) and not isinstance(busy, bool) else None
    return total_requests(snapshot), busy


def _delta(before: Any, after: Any) -> Any:
    return after - before if before is not None and after is not None else None


def _read(
    name: str,
    kind: str,
    items: Callable[[], Iterator[dict]],
    log: RequestLog,
    stats: StatsSource | None,
) -> Reading:
    log.reset()
    requests_before, busy_before = sandbox_figures(stats()) if stats else (None, None)
    started = time.perf_counter()
    count, keys = 0, set()
    for item in items():
        count += 1
        keys.add(_item_key(kind, item))
    seconds = time.perf_counter() - started
    requests_after, busy_after = sandbox_figures(stats()) if stats else (None, None)
    reading = Reading(
        client=name,
        kind=kind,
        seconds=seconds,
        items=count,
        distinct=len(keys),
        requests=len(log.spans),
        sandbox_requests=_delta(requests_before, requests_after),
        sandbox_busy_seconds=_delta(busy_before, busy_after),
        max_in_flight=log.max_in_flight,
        busy_seconds=log.busy_seconds(),
    )
    _progress(
        f"{name:9} {kind:8} {count:6} items in {seconds:6.2f} s, {reading.requests} requests, "
        f"at most {reading.max_in_flight} in flight"
    )
    return reading


# -- the case --------------------------------------------------------------------------------
def run_read_case(
    magento_base_url: str,
    token: str,
    page_size: int = 300,
    *,
    stats: StatsSource | None = None,
    orders_base_url: str | None = None,
    orders_token: str | None = None,
) -> dict[str, Any]:
    """Read every product and every order with magspec, pymagento, then magspec again.

    `magento_base_url` is the shop root (REST under `<root>/rest`), e.g.
    `http://127.0.0.1:P/bench`; orders are read from `orders_base_url` (with `orders_token`)
    when given, else from the same installation. `stats`, if given, returns the sandbox's request
    statistics (`FaultInjector.stats()`, or such snapshots keyed by sandbox): its request count
    and service time per read are reported next to what each client's timing saw.
    Raises `RuntimeError` if the clients do not read the same numbers of products and orders.
    """
    sources = {
        "products": (magento_base_url, token),
        "orders": (orders_base_url or magento_base_url, orders_token or token),
    }
    magspec_log, pymagento_log = RequestLog(), RequestLog()
    clients: list[Any] = []
    readings: dict[str, list[Reading]] = {"magspec": [], "pymagento": []}
    try:
        magspec = {}
        pymagento = {}
        for kind, (url, secret) in sources.items():
            magspec[kind] = magspec_client(url, secret, magspec_log)
            pymagento[kind] = pymagento_client(url, secret, page_size, pymagento_log)
            clients += [magspec[kind], pymagento[kind]]
        # Untimed: one page each, so connections, the sandbox's first answers and lazy imports
        # do not land on whichever client happens to go first.
        for kind in KINDS:
            next(_magspec_items(magspec[kind], kind, page_size), None)
            next(iter(_pymagento_items(pymagento[kind], kind)), None)
        for name in ("magspec", "pymagento", "magspec"):
            for kind in KINDS:
                if name == "magspec":
                    reading = _read(
                        name,
                        kind,
                        lambda k=kind: _magspec_items(magspec[k], k, page_size),
                        magspec_log,
                        stats,
                    )
                else:
                    reading = _read(
                        name,
                        kind,
                        lambda k=kind: _pymagento_items(pymagento[k], k),
                        pymagento_log,
                        stats,
                    )
                readings[name].append(reading)
    finally:
        for client in clients:
            client.close()
    return _result(readings, page_size)


def _check_same(readings: dict[str, list[Reading]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for kind in KINDS:
        seen = {
            (r.client, r.items, r.distinct)
            for rs in readings.values()
            for r in rs
            if r.kind == kind
        }
        items = {items for _, items, _ in seen}
        if len(items) != 1 or any(items != distinct for _, items, distinct in seen):
            detail = ", ".join(f"{c}: {i} read, {d} distinct" for c, i, d in sorted(seen))
            raise RuntimeError(f"the clients did not read the same {kind}: {detail}")
        (counts[kind],) = items
        if counts[kind] == 0:
            raise RuntimeError(f"no {kind} were read: is the base URL the shop root?")
    return counts


def _result(readings: dict[str, list[Reading]], page_size: int) -> dict[str, Any]:
    counts = _check_same(readings)
    rows: list[dict[str, Any]] = []
    figures: dict[str, Any] = {}
    notes: list[str] = []
    for kind in KINDS:
        ours = [r for r in readings["magspec"] if r.kind == kind]
        theirs = next(r for r in readings["pymagento"] if r.kind == kind)
        mean = statistics.fmean(r.seconds for r in ours)
        ratio = theirs.seconds / mean if mean else float("nan")
        first = ours[0]
        figures[kind] = {
            "items": counts[kind],
            "magspec_seconds": [round(r.seconds, 4) for r in ours],
            "magspec_mean_seconds": round(mean, 4),
            "pymagento_seconds": round(theirs.seconds, 4),
            "ratio_pymagento_over_magspec": round(ratio, 3),
        }
        rows += [
            {"label": f"{kind} read (each client)", "value": counts[kind], "unit": "items"},
            {"label": f"magspec: {kind}, mean of 2 runs", "value": round(mean, 3), "unit": "s"},
            {
                "label": f"magspec: {kind}, spread of the 2 runs",
                "value": round(abs(ours[0].seconds - ours[1].seconds), 3),
                "unit": "s",
            },
            {"label": f"pymagento: {kind}", "value": round(theirs.seconds, 3), "unit": "s"},
            {
                "label": f"pymagento / magspec time, {kind}",
                "value": round(ratio, 2),
                "unit": "x",
            },
            {"label": f"magspec: {kind} requests", "value": first.requests, "unit": "requests"},
            {
                "label": f"pymagento: {kind} requests",
                "value": theirs.requests,
                "unit": "requests",
            },
        ]
        notes.append(_explain(kind, ours, theirs, page_size))
    total_ours = statistics.fmean(
        sum(r.seconds for r in readings["magspec"][i * 2 : i * 2 + 2]) for i in range(2)
    )
    total_theirs = sum(r.seconds for r in readings["pymagento"])
    total_ratio = total_theirs / total_ours if total_ours else float("nan")
    rows.append(
        {
            "label": "pymagento / magspec time, products + orders",
            "value": round(total_ratio, 2),
            "unit": "x",
        }
    )
    sandbox_counts = [
        (r.client, r.kind, r.requests, r.sandbox_requests)
        for rs in readings.values()
        for r in rs
        if r.sandbox_requests is not None
    ]
    if sandbox_counts:
        off = [c for c in sandbox_counts if c[2] != c[3]]
        notes.append(
            "requests counted by the sandbox match each client's own count"
            if not off
            else "sandbox and client request counts differ (retries or other traffic): "
            + ", ".join(f"{c} {k}: client {a}, sandbox {b}" for c, k, a, b in off)
        )
    notes.append(
        "before the timed reads each client read the first page of each kind once (untimed)"
    )
    notes.append(
        f"same page size ({page_size}) for both; magspec reads products under scope `all` "
        "(as the catalog flows do, and as pymagento does by default); pymagento "
        f"{PYMAGENTO_VERSION} needed no adaptation: its default base URL handling "
        "(`<root>/rest/all/V1/...`) reached the sandbox"
    )
    return {
        "case": CASE,
        "rows": rows,
        "target": "magspec faster than pymagento (pymagento / magspec time above 1)",
        "met": total_ratio > 1,
        "notes": notes,
        "page_size": page_size,
        "figures": figures,
        "total_ratio_pymagento_over_magspec": round(total_ratio, 3),
        "readings": [r.as_dict() for rs in readings.values() for r in rs],
    }


def _explain(kind: str, ours: list[Reading], theirs: Reading, page_size: int) -> str:
    """Where the time went, from the request log: requests x wait per request, concurrency,
    and time spent in the client between requests."""
    mine = ours[-1]
    mean = statistics.fmean(r.seconds for r in ours)
    noise = max(r.seconds for r in ours) - min(r.seconds for r in ours)
    if abs(mean - theirs.seconds) <= noise:
        verdict = "no difference beyond the noise"
    else:
        verdict = ("magspec" if mean < theirs.seconds else "pymagento") + " is faster"
    parts = [
        f"{kind}: {verdict} ({mean:.2f} s magspec mean, its two runs {noise:.2f} s apart; "
        f"{theirs.seconds:.2f} s pymagento).",
        "Figures of magspec's second run and of pymagento's run:",
        f"magspec sent {mine.requests} requests, at most {mine.max_in_flight} in flight, "
        f"{mine.per_request_ms:.0f} ms each from sending to the last byte"
        + _served(mine)
        + f", {mine.client_seconds:.2f} s in the client between requests;",
        f"pymagento sent {theirs.requests}, at most {theirs.max_in_flight} in flight, "
        f"{theirs.per_request_ms:.0f} ms each"
        + _served(theirs)
        + f", {theirs.client_seconds:.2f} s in the client.",
    ]
    if mine.max_in_flight <= 1:
        parts.append(
            "magspec pages by key (`entity_id gt <last id of the page before>`, sorted "
            "ascending), so each page waits for the one before and it cannot read ahead."
        )
    else:
        parts.append(f"magspec read up to {mine.max_in_flight} pages at once.")
    if theirs.max_in_flight <= 1:
        parts.append("pymagento pages by offset (`currentPage`), one page after another.")
    if mine.service_ms and theirs.service_ms:
        ratio = mine.service_ms / theirs.service_ms
        if not 0.85 <= ratio <= 1.15:
            parts.append(
                f"The sandbox took {ratio:.2f}x as long to serve a magspec page as a pymagento "
                "page: a read costs max(real handling, L), and its real handling of the keyset "
                "query (filter `entity_id gt`, sort ascending over every row) differs from an "
                "offset page (a slice of rows already in key order); this is the sandbox's own "
                "work, not the cost model (a database would use the primary key for both, and "
                "a deep OFFSET would cost more, not less)."
            )
    if mine.sandbox_busy_seconds is not None and theirs.sandbox_busy_seconds is not None:
        parts.append(
            f"Of the {mine.seconds - theirs.seconds:+.2f} s between these two runs, "
            f"{mine.sandbox_busy_seconds - theirs.sandbox_busy_seconds:+.2f} s is the sandbox's "
            f"service time and {mine.client_seconds - theirs.client_seconds:+.2f} s time in the "
            "client (magspec minus pymagento)."
        )
    extra = mine.requests - theirs.requests
    if extra > 0 and mine.max_in_flight > 1:
        parts.append(
            f"magspec's {extra} extra request(s): one to learn the highest key, and a short "
            "last page for each slice of the key range it reads side by side."
        )
    elif extra > 0 and mine.items % page_size == 0:
        parts.append(
            f"magspec's {extra} extra request(s): {mine.items} is a multiple of {page_size}, "
            "so its last full page is followed by an empty one (it stops on a short page; "
            "pymagento stops when it has total_count items)."
        )
    elif extra:
        parts.append(f"request counts differ by {extra}.")
    return " ".join(parts)


def _served(reading: Reading) -> str:
    service = reading.service_ms
    return "" if service is None else f" (the sandbox served each in {service:.0f} ms)"
