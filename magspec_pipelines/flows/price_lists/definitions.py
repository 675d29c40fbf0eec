"""The price lists flow (Specter price lists → Magento tier prices per customer group)."""

import dagster as dg

from magspec_pipelines.flows.price_lists.assets import TIER_PRICES, tier_prices_asset
from magspec_pipelines.flows.price_lists.checks import tier_groups_check
from magspec_pipelines.flows.shared.definitions import flow_definitions, shop_sync_triggers
from magspec_pipelines.tenancy import Registry
from magspec_pipelines.tenancy.modes import Flow


def build(registry: Registry) -> dg.Definitions:
    return flow_definitions(
        registry,
        Flow.PRICE_LISTS,
        description="Sync a tenant's price lists from Specter to Magento.",
        assets=lambda parts: [tier_prices_asset(parts)],
        checks=lambda parts: [tier_groups_check(TIER_PRICES, parts)],
        triggers=shop_sync_triggers(Flow.PRICE_LISTS, TIER_PRICES),
    )
