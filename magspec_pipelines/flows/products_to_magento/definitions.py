"""The products_to_magento flow (Specter leads: articles → Magento products)."""

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
from magspec_pipelines.flows.shared.definitions import compare_schedule, flow_definitions
from magspec_pipelines.tenancy import Registry

# The nightly compare is a full run (`mode: full`): it reads the target back and repairs drift.
FULL = {"mode": "full"}


def build(registry: Registry) -> dg.Definitions:
    return flow_definitions(
        registry,
        FLOW,
        description="Specter articles → Magento products for one tenant.",
        assets=lambda parts: [register_asset(parts), magento_products_asset(parts)],
        checks=lambda parts: [structure_check(parts)],
        triggers=lambda tenant, job: [
            article_queue_sensor(tenant, job),
            compare_schedule(
                tenant, FLOW, job, tenant.cron_for(FLOW), [REGISTER, MAGENTO_PRODUCTS], FULL
            ),
        ],
    )
