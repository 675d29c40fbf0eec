"""The products_to_magento flow (Specter leads: articles → Magento products) in the code location."""

import dagster as dg

from magspec_pipelines.flows.products_to_magento.assets import (
    FLOW,
    MAGENTO_PRODUCTS,
    REGISTER,
    magento_products_asset,
    register_asset,
)
from magspec_pipelines.flows.products_to_magento.checks import structure_check
from magspec_pipelines.flows.products_to_magento.triggers import article_queue_sensor
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
    assets = [register_asset(partitions), magento_products_asset(partitions)]
    job = flow_job(FLOW, assets, "Specter articles → Magento products for one tenant.")
    return flow_definitions(
        assets=assets,
        checks=[structure_check(partitions)],
        job=job,
        sensors=[article_queue_sensor(t, job) for t in tenants],
        schedules=[
            compare_schedule(
                t, FLOW, job, t.cron_for(FLOW), [REGISTER, MAGENTO_PRODUCTS], {"mode": "full"}
            )
            for t in tenants
        ],
    )
