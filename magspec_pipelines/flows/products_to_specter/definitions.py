"""The products_to_specter flow (Magento leads: products → Specter articles) in the code location."""

import dagster as dg

from magspec_pipelines.flows.products_to_specter.assets import (
    FLOW,
    SPECTER_ARTICLES,
    specter_articles_asset,
)
from magspec_pipelines.flows.products_to_specter.checks import children_check
from magspec_pipelines.flows.shared.definitions import (
    compare_schedule,
    flow_definitions,
    flow_job,
)
from magspec_pipelines.flows.shared.partitions import tenant_partitions
from magspec_pipelines.tenancy import Registry


def build(registry: Registry) -> dg.Definitions:
    tenants = registry.tenants_with_flow(FLOW)
    if not tenants:
        return dg.Definitions()
    partitions = tenant_partitions(tenants)
    assets = [specter_articles_asset(partitions)]
    job = flow_job(FLOW, assets, "Magento products → Specter articles for one tenant.")
    return flow_definitions(
        assets=assets,
        checks=[children_check(partitions)],
        job=job,
        schedules=[
            compare_schedule(t, FLOW, job, t.cron_for(FLOW), [SPECTER_ARTICLES], {"mode": "full"})
            for t in tenants
        ],
    )
