"""The prices asset: each shop's base price per article from its Specter price list."""

import dagster as dg

from magspec_pipelines.flows.prices.engine import BasePriceSync
from magspec_pipelines.flows.shared.shop_assets import price_asset

BASE_PRICES = dg.AssetKey(["prices", "base_prices"])


def base_prices_asset(partitions: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    return price_asset(
        BASE_PRICES,
        BasePriceSync,
        "Each shop's base price per article from its Specter price list, in its currency, "
        "VAT added where the shop's prices include it; only changes are written.",
        partitions,
    )
