"""The order_status flow (Specter order events → Magento shipments, invoices, cancellations,
comments) in the code location."""

import dagster as dg

from magspec_pipelines.flows.order_status.assets import (
    FLOW,
    order_events_asset,
    order_updates_asset,
)
from magspec_pipelines.flows.order_status.checks import shipped_check
from magspec_pipelines.flows.order_status.triggers import (
    build_status_schedule,
    build_status_sensor,
)
from magspec_pipelines.flows.shared.definitions import flow_definitions, flow_job
from magspec_pipelines.flows.shared.partitions import tenant_partitions
from magspec_pipelines.tenancy import Registry


def build(registry: Registry) -> dg.Definitions:
    """The order status flow for tenants whose mode and package include it."""
    tenants = registry.tenants_with_flow(FLOW)
    if not tenants:
        return dg.Definitions()
    partitions = tenant_partitions(tenants)
    assets = [order_events_asset(partitions), order_updates_asset(partitions)]
    job = flow_job(FLOW, assets, "Stage a tenant's Specter order events and apply them to Magento.")
    return flow_definitions(
        assets=assets,
        checks=[shipped_check(partitions)],
        job=job,
        sensors=[build_status_sensor(t, job) for t in tenants],
        schedules=[build_status_schedule(t, job) for t in tenants],
    )
