"""The prices flow (Specter price list → Magento base prices) in the code location."""

import dagster as dg

from magspec_pipelines.flows.prices.assets import BASE_PRICES, base_prices_asset
from magspec_pipelines.flows.prices.checks import prices_check
from magspec_pipelines.flows.shared.definitions import flow_definitions, shop_sync_triggers
from magspec_pipelines.tenancy import Registry
from magspec_pipelines.tenancy.modes import Flow


def build(registry: Registry) -> dg.Definitions:
    return flow_definitions(
        registry,
        Flow.PRICES,
        description="Sync a tenant's prices from Specter to Magento.",
        assets=lambda parts: [base_prices_asset(parts)],
        checks=lambda parts: [prices_check(BASE_PRICES, parts)],
        triggers=shop_sync_triggers(Flow.PRICES, BASE_PRICES),
    )
