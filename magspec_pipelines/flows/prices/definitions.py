"""The prices flow (Specter price list → Magento base prices) in the code location."""

import dagster as dg

from magspec_pipelines.flows.prices.assets import BASE_PRICES, base_prices_asset
from magspec_pipelines.flows.prices.checks import prices_check
from magspec_pipelines.flows.shared.definitions import (
    compare_schedule,
    flow_definitions,
    flow_job,
    flow_schedule,
)
from magspec_pipelines.flows.shared.partitions import tenant_partitions
from magspec_pipelines.tenancy import Registry
from magspec_pipelines.tenancy.modes import Flow

FLOW = Flow.PRICES


def build(registry: Registry) -> dg.Definitions:
    tenants = registry.tenants_with_flow(FLOW)
    if not tenants:
        return dg.Definitions()
    partitions = tenant_partitions(tenants)
    assets = [base_prices_asset(partitions)]
    job = flow_job(FLOW, assets, "Sync a tenant's prices from Specter to Magento.")
    return flow_definitions(
        assets=assets,
        checks=[prices_check(BASE_PRICES, partitions)],
        job=job,
        schedules=[
            s
            for t in tenants
            for s in (
                flow_schedule(t, FLOW, job),
                compare_schedule(
                    t, FLOW, job, t.pricing.compare_cron, [BASE_PRICES], {"compare": True}
                ),
            )
        ],
    )
