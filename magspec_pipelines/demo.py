"""The demo: every demo tenant synced once against the sandboxes, then a report per tenant.

It runs the real code location: for each tenant the new-order sensor's logic decides which day
partitions have work, and the `orders` job runs for each of them on the embedded Dagster
instance (so the runs are there to inspect in the UI afterwards).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import dagster as dg

from magspec_pipelines.flows.orders.assets import MAGENTO_ORDERS, SPECTER_DOCUMENTS
from magspec_pipelines.flows.orders.outcomes import ExportReport, Result
from magspec_pipelines.flows.orders.triggers import OrderCursor, evaluate_new_orders
from magspec_pipelines.flows.shared.resources import MagspecResource
from magspec_pipelines.flows.shared.schedules import TENANT_TAG

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
    job = defs.resolve_job_def("orders")
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


# The first sync of each tenant, in the order a new tenant goes live: the catalog (an order
# needs its articles), prices and stock, then orders; then what Specter's staff do to some of them,
# which the status flow brings back to Magento.
FIRST_SYNC = (
    ("products_to_magento", {"mode": "full"}),
    ("products_to_specter", {"mode": "full"}),
    ("prices", {"compare": True}),
    ("price_lists", {"compare": True}),
    ("stock", {"compare": True}),
)
SHOWN = (
    "created",
    "updated",
    "unchanged",
    "repaired",
    "parked",
    "failed",
    "events",
    "done",
    "already done",
)
DELIVERED_IN_DEMO = 2


@dataclass
class FlowRun:
    tenant: str
    flow: str
    success: bool
    numbers: Counter

    def line(self) -> str:
        shown = ", ".join(f"{k} {self.numbers[k]}" for k in SHOWN if self.numbers.get(k))
        state = "ok" if self.success else "FAILED"
        return f"{self.tenant:8} {self.flow:20} {state:6} {shown or 'nothing to do'}"


def _op_config(job: dg.JobDefinition, values: dict) -> dict:
    """`values` for every op of the job whose config has those fields."""
    ops = {}
    for node in job.graph.nodes:
        field = node.definition.config_field
        fields = getattr(field.config_type, "fields", {}) if field else {}
        chosen = {k: v for k, v in values.items() if k in fields}
        if chosen:
            ops[node.name] = {"config": chosen}
    return ops


def run_flow(
    defs: dg.Definitions,
    instance: dg.DagsterInstance,
    tenant_id: str,
    flow: str,
    values: dict,
) -> FlowRun:
    """Runs one flow's job (named as the flow) for one tenant."""
    job = defs.resolve_job_def(flow)
    result = job.execute_in_process(
        partition_key=tenant_id,
        instance=instance,
        tags={TENANT_TAG: tenant_id},
        raise_on_error=False,
        run_config={**QUIET, "ops": _op_config(job, values)},
    )
    numbers: Counter = Counter()
    for event in result.get_asset_materialization_events():
        for key, value in event.materialization.metadata.items():
            if key in SHOWN and isinstance(value, dg.IntMetadataValue):
                numbers[key] += value.value
    return FlowRun(tenant_id, flow, result.success, numbers)


def staff_deliver(world, tenant) -> list[str]:
    """What a warehouse does in Specter: deliver a few of the tenant's orders with tracking."""
    account = world.specter.account(tenant.specter.sbm_id)
    delivered = []
    for order_no in sorted(account.orders)[:DELIVERED_IN_DEMO]:
        account.deliver(order_no, tracking_no=f"DEMO{order_no}SE", delivery_method="PN")
        delivered.append(order_no)
    return delivered


def run_demo(world) -> int:
    from magspec_pipelines.definitions import build_definitions

    defs = build_definitions()
    magspec = MagspecResource()
    instance = dg.DagsterInstance.get()
    all_tenants = sorted(magspec.registry.tenants.values(), key=lambda t: t.id)
    flow_runs = []
    for tenant in all_tenants:
        for flow, values in FIRST_SYNC:
            if flow in tenant.flows:
                print(f"{tenant.id}: {flow}", flush=True)
                flow_runs.append(run_flow(defs, instance, tenant.id, flow, values))
    tenants = [t for t in all_tenants if "orders" in t.flows]
    summaries = [sync_tenant(defs, instance, t.id, magspec) for t in tenants]
    for tenant in all_tenants:
        if "order_status" in tenant.flows:
            delivered = staff_deliver(world, tenant)
            print(f"{tenant.id}: Specter staff delivered orders {', '.join(delivered)}", flush=True)
            flow_runs.append(run_flow(defs, instance, tenant.id, "order_status", {}))

    print("\ntenant   flow                 run    what it did")
    for run in flow_runs:
        print(run.line())
    print()
    print("orders   runs  read  created  skipped  parked  failed  document")
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
    failed = sum(s.failed_runs for s in summaries) + sum(not r.success for r in flow_runs)
    if failed:
        print(f"\n{failed} run(s) failed: open the Dagster UI (`magspec dev`) to inspect them.")
    return 1 if failed or magspec.registry.errors else 0
