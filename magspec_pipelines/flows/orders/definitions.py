"""The orders flow (Magento orders → Specter orders or invoices) in the code location."""

import dagster as dg

from magspec_pipelines.flows.orders.assets import (
    magento_orders_asset,
    normalized_orders_asset,
    specter_documents_asset,
)
from magspec_pipelines.flows.orders.checks import reconcile_check
from magspec_pipelines.flows.orders.triggers import build_order_schedule, build_order_sensor
from magspec_pipelines.flows.shared.definitions import flow_definitions, flow_job
from magspec_pipelines.flows.shared.partitions import tenant_day_partitions
from magspec_pipelines.tenancy import Registry
from magspec_pipelines.tenancy.modes import Flow

FLOW = Flow.ORDERS


def build(registry: Registry) -> dg.Definitions:
    """The order flow for every tenant (all modes include it): assets, job, sensors, schedules."""
    tenants = registry.tenants_with_flow(FLOW)
    if not tenants:
        return dg.Definitions()
    partitions = tenant_day_partitions(tenants)
    assets = [
        magento_orders_asset(partitions),
        normalized_orders_asset(partitions),
        specter_documents_asset(partitions),
    ]
    job = flow_job(FLOW, assets, "Export a tenant's eligible orders of one day to Specter.")
    return flow_definitions(
        assets=assets,
        checks=[reconcile_check(partitions)],
        job=job,
        sensors=[build_order_sensor(t, job) for t in tenants],
        schedules=[build_order_schedule(t, job) for t in tenants],
    )
