"""The price lists asset: mapped Specter price lists as Magento tier prices."""

import dagster as dg

from magspec_pipelines.flows.price_lists.engine import TierPriceSync
from magspec_pipelines.flows.shared.shop_assets import price_asset

TIER_PRICES = dg.AssetKey(["price_lists", "tier_prices"])


def tier_prices_asset(partitions: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    return price_asset(
        TIER_PRICES,
        TierPriceSync,
        "Mapped Specter price lists as tier prices of their customer groups, per website; "
        "tiers of groups magspec does not manage are left alone.",
        partitions,
    )
