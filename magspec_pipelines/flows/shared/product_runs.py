"""What the two product flows' assets share: their run config (delta or full, dry run), where
the tenant's files are, and how a run's report becomes metadata or a failure."""

import os
import time
from collections import Counter
from enum import Enum

import dagster as dg

from magspec_pipelines.flows.shared.metadata import table
from magspec_pipelines.flows.shared.product_report import SyncReport
from magspec_pipelines.flows.shared.resources import MagspecResource
from magspec_pipelines.tenancy import Tenant


class SyncMode(Enum):
    delta = "delta"
    full = "full"


class ProductSyncConfig(dg.Config):
    mode: SyncMode = SyncMode.delta
    """delta: what changed since the last run; full: initial sync / nightly compare."""
    dry_run: bool = False
    """Report what would be created, updated and left alone; write nothing."""
    chunk_size: int = 0
    """Units per chunk of a full run (0: the tenant's catalog.initial_sync.chunk_size)."""


def tenant_file(tenant: Tenant) -> str:
    return f"tenants/{tenant.id}.yaml"


def tenants_dir(magspec: MagspecResource) -> str:
    return magspec.tenants_dir or os.environ.get("MAGSPEC_TENANTS_DIR") or "tenants"


def report_metadata(report: SyncReport, started: float, **extra) -> dict:
    summary = report.summary()
    nothing = report.written == 0 and not report.failed
    meta = {
        **summary,
        "mode": ("full" if report.full else "delta") + (" (dry run)" if report.dry_run else ""),
        "wrote nothing": nothing,
        "per shop": {code: shop.as_dict() for code, shop in report.shops.items()},
        "parked articles": table(
            [{"article": p.key, "reason": p.reason, "fix": p.fix} for p in report.parked],
            ["article", "reason", "fix"],
        ),
        "repaired": [f"{o.key}: {'; '.join(o.drift[:3])}" for o in report.repaired][:50],
        "would write" if report.dry_run else "written": [
            f"{o.result}: {o.key}" for o in report.outcomes if o.result in ("created", "updated")
        ][:50],
        "failed": [f"{o.key}: {o.reason}" for o in report.failed][:25],
        "duration (s)": round(time.monotonic() - started, 3),
        **extra,
    }
    if report.progress is not None:
        done, total = report.progress
        meta["progress"] = f"{done}/{total}"
        meta["resumed"] = report.resumed_from is not None
        if report.resumed_from is not None:
            meta["resumed after"] = report.resumed_from or "(start)"
            meta["done before resuming"] = report.previously_done
    if report.name_outcomes:
        meta["store view names"] = dict(Counter(o.result for o in report.name_outcomes))
        meta["store view names " + ("to write" if report.dry_run else "written")] = [
            o.key for o in report.names_written
        ][:50]
    if report.mapped:
        meta["mapped SKUs"] = [f"{k} → {v}" for k, v in sorted(report.mapped.items())][:50]
    return meta


def fail_if_failed(report: SyncReport, meta: dict) -> None:
    errors = {code: s.error for code, s in report.shops.items() if s.error}
    if report.failed or errors:
        # Everything that went through is fingerprinted; the retry only redoes the rest.
        raise dg.Failure(
            description=f"{len(report.failed)} unit(s) failed"
            + (f"; shops with errors: {errors}" if errors else ""),
            metadata=meta,
        )
