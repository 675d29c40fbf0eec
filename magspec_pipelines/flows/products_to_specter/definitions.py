"""The products_to_specter flow (Magento leads: products → Specter articles)."""

import dagster as dg

from magspec_pipelines.flows.products_to_specter.assets import (
    FLOW,
    SPECTER_ARTICLES,
    specter_articles_asset,
)
from magspec_pipelines.flows.products_to_specter.checks import children_check
from magspec_pipelines.flows.shared.definitions import compare_schedule, flow_definitions
from magspec_pipelines.tenancy import Registry

# The nightly compare is a full run (`mode: full`): it reads the target back and repairs drift.
FULL = {"mode": "full"}


def build(registry: Registry) -> dg.Definitions:
    return flow_definitions(
        registry,
        FLOW,
        description="Magento products → Specter articles for one tenant.",
        assets=lambda parts: [specter_articles_asset(parts)],
        checks=lambda parts: [children_check(parts)],
        triggers=lambda tenant, job: [
            compare_schedule(tenant, FLOW, job, tenant.cron_for(FLOW), [SPECTER_ARTICLES], FULL)
        ],
    )
