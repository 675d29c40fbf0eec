"""Cases 1-3: the catalog push Specter → Magento (against a naive per-SKU push and the lower
bound), the same push with nothing changed, and the order export Magento → Specter.

magspec runs here as it runs in production: the real Dagster jobs of the tenant (`bench`,
`benchorders` from `world.write_tenants`), executed in process with their default run config,
state store on SQLite. Every figure comes from the sandboxes' own request statistics.
"""

from __future__ import annotations

import math
import os
import sys
import tempfile
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import dagster as dg

from benchmarks.world import (
    CATALOG_INSTANCE,
    ORDERS_ACCOUNT,
    ORDERS_INSTANCE,
    BenchSpec,
    Sandboxes,
    write_tenants,
)
from magspec_pipelines.definitions import build_definitions
from magspec_pipelines.demo import run_flow, sync_tenant
from magspec_pipelines.flows.shared.resources import MagspecResource
from magspec_pipelines.magento.client import MagentoClient
from magspec_pipelines.magento.models import BasePrice, SourceItem, TierPrice
from magspec_pipelines.magento.rest import Limits
from magspec_pipelines.tenancy import load_registry

# The catalog push as a new tenant's first sync runs it: products, then prices, price lists
# (tier prices) and stock, each job with its default run config.
CATALOG_PUSH = ("products_to_magento", "prices", "price_lists", "stock")
# Magento's async input limit: entities per request.
ASYNC_ENTITIES = 5000
NAIVE_PREFIX = "BN"
# The naive push runs on this many SKUs (or all, when fewer) and is scaled linearly.
NAIVE_SAMPLE = 500


@dataclass
class Usage:
    """What one approach cost the sandboxes."""

    seconds: float
    requests: dict[str, int]
    writes: dict[str, int]
    items: dict[str, int]
    by_route: dict[str, dict[str, int]] = field(default_factory=dict)
    phases: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def total_requests(self) -> int:
        return sum(self.requests.values())


def usage(sandboxes: Sandboxes, seconds: float) -> Usage:
    stats = sandboxes.stats()
    return Usage(
        seconds=seconds,
        requests={k: int(v.get("total_requests", 0)) for k, v in stats.items()},
        writes={k: int(v.get("write_requests", 0)) for k, v in stats.items()},
        items={k: int(v.get("items", 0)) for k, v in stats.items()},
        by_route={k: dict(v.get("requests", {})) for k, v in stats.items()},
    )


def lower_bound(spec: BenchSpec, needed: dict[str, tuple[int, int]]) -> float:
    """Seconds the sandboxes need at least for `needed` = {system: (requests, written items)}:
    every request's service time, spread perfectly over the K requests served at once."""
    latency, item = spec.latency_ms / 1000, spec.item_ms / 1000
    return sum((r * latency + i * item) / spec.concurrency for r, i in needed.values())


@dataclass
class Magspec:
    """The tenants' code location on an ephemeral Dagster instance."""

    defs: dg.Definitions
    instance: dg.DagsterInstance
    resource: MagspecResource


@contextmanager
def magspec_for(sandboxes: Sandboxes, spec: BenchSpec, workdir: Path):
    tenants = workdir / "tenants"
    env = write_tenants(tenants, sandboxes, spec)
    env.update(
        MAGSPEC_TENANTS_DIR=str(tenants),
        MAGSPEC_STATE_URL=f"sqlite:///{workdir / 'state.db'}",
    )
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        resource = MagspecResource(tenants_dir=str(tenants))
        defs = build_definitions(load_registry(str(tenants)), resource)
        with dg.DagsterInstance.ephemeral() as instance:
            yield Magspec(defs, instance, resource)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def push_catalog(sandboxes: Sandboxes, magspec: Magspec) -> tuple[Usage, Counter]:
    """Run the catalog push once; the sandboxes' usage and the flows' counts."""
    sandboxes.reset_stats()
    counts: Counter = Counter()
    started = time.perf_counter()
    phases: dict[str, dict[str, Any]] = {}
    for flow in CATALOG_PUSH:
        before, at = sandboxes.stats(), time.perf_counter()
        run = run_flow(magspec.defs, magspec.instance, CATALOG_INSTANCE, flow, {})
        if not run.success:
            raise RuntimeError(f"the {flow} run failed: {dict(run.numbers)}")
        counts.update({f"{flow} {k}": v for k, v in run.numbers.items()})
        after = sandboxes.stats()
        phases[flow] = {
            "seconds": time.perf_counter() - at,
            "requests": {
                k: after[k]["total_requests"] - before[k]["total_requests"] for k in after
            },
            "items": {k: after[k].get("items", 0) - before[k].get("items", 0) for k in after},
        }
        _progress(f"  {flow}: {dict(run.numbers)} {phases[flow]}")
    result = usage(sandboxes, time.perf_counter() - started)
    result.phases = phases
    return result, counts


def naive_push(sandboxes: Sandboxes, sample: int) -> Usage:
    """One SKU after the other, one request per record and kind, as one-job-per-record
    connectors work: product, base price, tier prices, stock. New SKUs of their own, so the
    magspec tenant's catalog stays as magspec left it."""
    client = MagentoClient(
        sandboxes.magento_base_url(CATALOG_INSTANCE),
        token=sandboxes.magento_token(CATALOG_INSTANCE),
        max_concurrency=1,
        limits=Limits(bulk_threshold=None, concurrency=1),
    )
    with client:
        website = next(int(w["id"]) for w in client.websites() if w.get("code") == "se")
        client.has_msi()  # learnt once, as any connector would cache it
        sandboxes.reset_stats()
        started = time.perf_counter()
        for n in range(sample):
            sku = f"{NAIVE_PREFIX}{n:06d}"
            price = Decimal(100 + n % 900)
            client.save_product(
                {
                    "sku": sku,
                    "name": f"Naive article {n}",
                    "price": float(price),
                    "attribute_set_id": 4,
                    "type_id": "simple",
                    "status": 1,
                    "visibility": 4,
                    "extension_attributes": {"website_ids": [website]},
                }
            )
            _ok(client.update_base_prices([BasePrice(sku, price * Decimal("1.25"))]))
            _ok(
                client.add_tier_prices(
                    [
                        TierPrice(sku, price, "Retailer", 1, website),
                        TierPrice(sku, price * Decimal("0.9"), "Retailer", 10, website),
                    ]
                )
            )
            _ok(client.push_stock([SourceItem(sku, "se_warehouse", n % 50, n % 50 > 0)]))
        return usage(sandboxes, time.perf_counter() - started)


def _ok(result: Any) -> None:
    failed = list(getattr(result, "failed", []) or [])
    if failed:
        raise RuntimeError(f"the naive push was refused: {failed[:3]}")


def catalog_cases(sandboxes: Sandboxes, spec: BenchSpec, workdir: Path) -> list[dict[str, Any]]:
    """Cases 1 and 2."""
    n = spec.skus
    with magspec_for(sandboxes, spec, workdir) as magspec:
        _progress(f"case 1: catalog push of {n} SKUs")
        first, counts = push_catalog(sandboxes, magspec)
        _progress(f"case 2: the same push, nothing changed ({first.seconds:.1f} s before)")
        second, counts2 = push_catalog(sandboxes, magspec)
    sample = min(n, NAIVE_SAMPLE)
    _progress(f"case 1: naive per-SKU push of {sample} SKUs")
    naive = naive_push(sandboxes, sample)
    naive_scaled = naive.seconds * n / sample

    needed = {
        # products, base prices, two tier rows, stock: 5 entities per SKU
        "magento": (
            sum(math.ceil(k / ASYNC_ENTITIES) for k in (n, n, 2 * n, n)),
            5 * n,
        ),
        # the article and the stock queue, read and acknowledged batch by batch, and the two
        # price lists read once each
        "specter": (4 * math.ceil(n / spec.response_max_limit) + 2, 0),
    }
    bound = lower_bound(spec, needed)
    case1 = {
        "case": "1. catalog push",
        "rows": [
            _row("SKUs", n),
            _row("magspec wall time", first.seconds, "s"),
            _row("magspec requests (Magento / Specter)", _pair(first.requests)),
            _row("magspec written items (Magento)", first.items.get("magento", 0)),
            _row("lower bound", bound, "s"),
            _row(
                "lower bound requests (Magento / Specter)",
                _pair({k: v[0] for k, v in needed.items()}),
            ),
            _row("naive push, measured on", sample, "SKUs"),
            _row("naive push, scaled to all SKUs", naive_scaled, "s"),
            _row("naive requests per SKU", naive.total_requests / sample),
            *(
                _row(
                    f"  {flow} phase: wall time / its item work at {spec.concurrency} slots",
                    f"{phase['seconds']:.1f} s / "
                    f"{phase['items'].get('magento', 0) * spec.item_ms / 1000 / spec.concurrency:.1f} s",
                )
                for flow, phase in first.phases.items()
            ),
            _row("magspec / lower bound", first.seconds / bound, "x"),
            _row("naive / magspec", naive_scaled / first.seconds, "x"),
        ],
        "target": "magspec within 1.3x of the lower bound and at least 50x faster than naive",
        "met": first.seconds <= 1.3 * bound and naive_scaled >= 50 * first.seconds,
        "raw": {
            "magspec": first.__dict__,
            "naive": naive.__dict__,
            "needed": needed,
            "flow_counts": dict(counts),
        },
        "notes": [
            f"naive push measured on {sample} SKUs and scaled linearly to {n}",
            "the naive push reads nothing from Specter; magspec's time includes its Specter "
            "reads, its Magento lookups and four Dagster runs",
        ],
    }
    magento_writes = second.writes.get("magento", 0)
    case2 = {
        "case": "2. same push, nothing changed",
        "rows": [
            _row("Magento write requests", magento_writes),
            _row("Specter write requests", second.writes.get("specter", 0)),
            _row("requests (Magento / Specter)", _pair(second.requests)),
            _row("wall time", second.seconds, "s"),
            _row("time / case 1", second.seconds / first.seconds, "x"),
        ],
        "target": "0 writes and under 5% of case 1's time",
        "met": magento_writes == 0 and second.seconds < 0.05 * first.seconds,
        "raw": {"usage": second.__dict__, "flow_counts": dict(counts2)},
        "notes": [],
    }
    return [case1, case2]


def export_orders(sandboxes: Sandboxes, magspec: Magspec) -> tuple[Usage, Counter, int]:
    sandboxes.reset_stats()
    started = time.perf_counter()
    summary = sync_tenant(magspec.defs, magspec.instance, ORDERS_INSTANCE, magspec.resource)
    return usage(sandboxes, time.perf_counter() - started), summary.counts, summary.failed_runs


def order_case(sandboxes: Sandboxes, spec: BenchSpec, workdir: Path) -> dict[str, Any]:
    """Case 3, with its check: every eligible order exported once, none twice on a rerun."""
    eligible = sandboxes.magento_orders(ORDERS_INSTANCE, status="processing")
    m = len(eligible)
    customers = len({str(o.get("customer_email", "")).casefold() for o in eligible})
    with magspec_for(sandboxes, spec, workdir) as magspec:
        _progress(f"case 3: order export of {m} orders")
        first, counts, failed_runs = export_orders(sandboxes, magspec)
        _progress(f"case 3: rerun ({first.seconds:.1f} s before)")
        again, counts_again, _ = export_orders(sandboxes, magspec)
    held = Counter(
        str(o.get("externalOrderNo") or "") for o in sandboxes.specter_orders(ORDERS_ACCOUNT)
    )
    missing = [o["increment_id"] for o in eligible if held[str(o["increment_id"])] == 0]
    twice = sorted(k for k, v in held.items() if k and v > 1)
    needed = {
        "magento": (math.ceil(m / 300), 0),
        # one customer per distinct e-mail, one order per order
        "specter": (m + customers, m + customers),
    }
    bound = lower_bound(spec, needed)
    return {
        "case": "3. order export",
        "rows": [
            _row("orders", m),
            _row("wall time", first.seconds, "s"),
            _row("orders per second", m / first.seconds),
            _row("requests per order (Magento + Specter)", first.total_requests / max(1, m)),
            _row("lower bound", bound, "s"),
            _row("magspec / lower bound", first.seconds / bound, "x"),
            _row(
                "exported once / missing / twice",
                f"{m - len(missing)} / {len(missing)} / {len(twice)}",
            ),
            _row("rerun: created", counts_again.get("created", 0)),
        ],
        "target": "within 1.5x of the lower bound; every order exported exactly once",
        "met": first.seconds <= 1.5 * bound and not missing and not twice,
        "raw": {
            "usage": first.__dict__,
            "rerun": again.__dict__,
            "counts": dict(counts),
            "failed_runs": failed_runs,
            "customers": customers,
            "needed": needed,
            "missing": missing[:20],
            "twice": twice[:20],
        },
        "notes": [f"{customers} distinct customers among {m} orders"],
    }


def _row(label: str, value: Any, unit: str = "") -> dict[str, Any]:
    return {"label": label, "value": value, "unit": unit}


def _pair(values: dict[str, int]) -> str:
    return f"{values.get('magento', 0)} / {values.get('specter', 0)}"


def _progress(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def scratch_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="magspec-bench-"))
