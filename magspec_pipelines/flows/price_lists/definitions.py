"""The price lists flow (Specter price lists → Magento tier prices per customer group)."""

import dagster as dg

from magspec_pipelines.flows.price_lists.assets import TIER_PRICES, tier_prices_asset
from magspec_pipelines.flows.price_lists.checks import tier_groups_check
from magspec_pipelines.flows.shared.definitions import (
    compare_schedule,
    flow_definitions,
    flow_job,
    flow_schedule,
)
from magspec_pipelines.flows.shared.partitions import tenant_partitions
from magspec_pipelines.tenancy import Registry
from magspec_pipelines.tenancy.modes import Flow

FLOW = Flow.PRICE_LISTS


def build(registry: Registry) -> dg.Definitions:
    tenants = registry.tenants_with_flow(FLOW)
    if not tenants:
        return dg.Definitions()
    partitions = tenant_partitions(tenants)
    assets = [tier_prices_asset(partitions)]
    job = flow_job(FLOW, assets, "Sync a tenant's price lists from Specter to Magento.")
    return flow_definitions(
        assets=assets,
        checks=[tier_groups_check(TIER_PRICES, partitions)],
        job=job,
        schedules=[
            s
            for t in tenants
            for s in (
                flow_schedule(t, FLOW, job),
                compare_schedule(
                    t, FLOW, job, t.pricing.compare_cron, [TIER_PRICES], {"compare": True}
                ),
            )
        ],
    )
