"""The stock check: a sample of applied stock levels is what each shop's MSI source holds."""

import dagster as dg

from magspec_pipelines.flows.shared import pricing_assumed as assumed
from magspec_pipelines.flows.shared.checks import sample, sample_result, shop_targets
from magspec_pipelines.flows.shared.resources import MagspecResource
from magspec_pipelines.flows.stock.engine import ENTITY as STOCK_ENTITY
from magspec_pipelines.flows.stock.engine import current_stock
from magspec_pipelines.mapping.stock import site_of, source_code, source_item
from magspec_pipelines.specter.errors import SpecterUnsupported
from magspec_pipelines.state.pricing import PricingState


def stock_check(asset: dg.AssetKey, partitions) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=asset,
        name="stock_matches_on_a_sample",
        partitions_def=partitions,
        description="A sample of applied stock levels: each shop's MSI source holds them.",
    )
    def _check(context: dg.AssetCheckExecutionContext, magspec: MagspecResource):
        tenant = magspec.tenant(context.partition_key)
        targets, groups = shop_targets(magspec, tenant, lambda t: source_code(t.shop))
        levels = [s for s in PricingState(magspec.state).stock_levels(tenant.id) if not s.pending]
        try:
            sites = magspec.specter(tenant).stock_sites()
            default = next((s.stock_site_id for s in sites if s.is_default), None)
        except SpecterUnsupported:
            default = None
        default = default or assumed.FALLBACK_DEFAULT_STOCK_SITE
        mismatches, compared = [], 0
        for group in groups.values():
            target = group[0]
            if not target.client.has_msi():
                continue
            source = source_code(target.shop)
            site = site_of(target.shop.stock_site_id, default)
            written = magspec.state.fingerprints(tenant.id, STOCK_ENTITY, target.shop.code)
            items = {
                s.level.article_no: source_item(s.level, source, assumed.IN_STOCK_ABOVE)
                for s in levels
                if site_of(s.level.stock_site_id, default) == site and s.level.article_no in written
            }
            skus = sample(items, tenant.pricing.check_sample_size, target.shop.code)
            current = current_stock(target, skus, source)
            compared += len(skus)
            for sku in skus:
                want = (items[sku].quantity, items[sku].in_stock)
                have = current.get(sku)
                if have is None or have[0] != want[0] or have[1] != want[1]:
                    mismatches.append(f"{target.shop.code}:{sku} Magento {have} ≠ Specter {want}")
        return sample_result(compared, mismatches, targets)

    return _check
