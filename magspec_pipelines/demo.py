"""The demo: every demo tenant synced once against the sandboxes, then a report per tenant.

It runs the real code location: for each tenant the new-order sensor's logic decides which day
partitions have work, and the `orders_sync` job runs for each of them on the embedded Dagster
instance (so the runs are there to inspect in the UI afterwards).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import dagster as dg

from magspec_pipelines.flows.order_export import ExportReport, Result
from magspec_pipelines.flows.order_triggers import OrderCursor, evaluate_new_orders
from magspec_pipelines.flows.orders import MAGENTO_ORDERS, SPECTER_DOCUMENTS
from magspec_pipelines.flows.resources import MagspecResource

# The runs' event logs stay in the instance (and the UI); the terminal gets the report.
QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


@dataclass
class TenantSummary:
    tenant: str
    document: str
    runs: int = 0
    failed_runs: int = 0
    read: int = 0
    counts: Counter = field(default_factory=Counter)
    parked: list[str] = field(default_factory=list)
    specter_calls: int = 0

    def line(self) -> str:
        c = self.counts
        return (
            f"{self.tenant:8} {self.runs:>4} {self.read:>5} {c[Result.CREATED.value]:>8} "
            f"{c[Result.ALREADY_PRESENT.value]:>8} {c[Result.PARKED.value]:>7} "
            f"{c[Result.FAILED.value]:>7}  {self.document}"
        )


def sync_tenant(
    defs: dg.Definitions, instance: dg.DagsterInstance, tenant_id: str, magspec: MagspecResource
) -> TenantSummary:
    tenant = magspec.tenant(tenant_id)
    summary = TenantSummary(tenant=tenant_id, document=tenant.orders.document)
    requests, _ = evaluate_new_orders(tenant, magspec, OrderCursor())
    job = defs.resolve_job_def("orders_sync")
    print(f"{tenant_id}: {len(requests)} day partition(s) with new eligible orders", flush=True)
    for request in requests:
        result = job.execute_in_process(
            partition_key=request.partition_key,
            instance=instance,
            tags=request.tags,
            raise_on_error=False,
            run_config=QUIET,
        )
        summary.runs += 1
        summary.read += (
            len(result.asset_value(MAGENTO_ORDERS)) if _has(result, MAGENTO_ORDERS) else 0
        )
        if not result.success or not _has(result, SPECTER_DOCUMENTS):
            summary.failed_runs += 1
            continue
        report: ExportReport = result.asset_value(SPECTER_DOCUMENTS)
        summary.counts.update(o.result.value for o in report.outcomes)
        summary.parked += [
            f"{o.shop}:{o.increment_id}: {o.reason}\n      fix: {o.fix}" for o in report.parked
        ]
    return summary


def _has(result: dg.ExecuteInProcessResult, key: dg.AssetKey) -> bool:
    return any(event.asset_key == key for event in result.get_asset_materialization_events())


def run_demo(world) -> int:
    from magspec_pipelines.definitions import build_definitions

    defs = build_definitions()
    magspec = MagspecResource()
    instance = dg.DagsterInstance.get()
    tenants = sorted(magspec.registry.tenants_with_flow("orders"), key=lambda t: t.id)
    summaries = [sync_tenant(defs, instance, t.id, magspec) for t in tenants]

    print()
    print("tenant   runs  read  created  skipped  parked  failed  document")
    for s in summaries:
        print(s.line())
    for s in summaries:
        if s.parked:
            print(f"\nparked for {s.tenant} (see `magspec parked list {s.tenant}`):")
            for entry in s.parked:
                print(f"  - {entry}")
    for error in magspec.registry.errors:
        print(f"\nregistry error: {error}")
    print(
        "\nSpecter now holds: "
        + ", ".join(
            f"{a}: {len(world.specter.account(a).orders)} orders, "
            f"{len(world.specter.account(a).invoices)} invoices"
            for a in ("1001", "1002", "1003")
        )
    )
    failed = sum(s.failed_runs for s in summaries)
    if failed:
        print(f"\n{failed} run(s) failed: open the Dagster UI (`magspec dev`) to inspect them.")
    return 1 if failed or magspec.registry.errors else 0
