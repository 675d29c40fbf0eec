"""The stock flow (Specter stock queue → Magento sources) in the code location."""

import dagster as dg

from magspec_pipelines.flows.shared.definitions import (
    compare_schedule,
    flow_definitions,
    flow_job,
    flow_schedule,
)
from magspec_pipelines.flows.shared.partitions import tenant_partitions
from magspec_pipelines.flows.stock.assets import STOCK_LEVELS, stock_levels_asset
from magspec_pipelines.flows.stock.checks import stock_check
from magspec_pipelines.flows.stock.triggers import build_stock_sensor
from magspec_pipelines.tenancy import Registry
from magspec_pipelines.tenancy.modes import Flow

FLOW = Flow.STOCK


def build(registry: Registry) -> dg.Definitions:
    tenants = registry.tenants_with_flow(FLOW)
    if not tenants:
        return dg.Definitions()
    partitions = tenant_partitions(tenants)
    assets = [stock_levels_asset(partitions)]
    job = flow_job(FLOW, assets, "Sync a tenant's stock from Specter to Magento.")
    return flow_definitions(
        assets=assets,
        checks=[stock_check(STOCK_LEVELS, partitions)],
        job=job,
        sensors=[build_stock_sensor(t, job) for t in tenants],
        schedules=[
            s
            for t in tenants
            for s in (
                flow_schedule(t, FLOW, job),
                compare_schedule(
                    t, FLOW, job, t.pricing.compare_cron, [STOCK_LEVELS], {"compare": True}
                ),
            )
        ],
    )
