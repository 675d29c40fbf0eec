"""The prices check: Magento matches Specter's price list on a sample of SKUs."""

import dagster as dg

from magspec_pipelines.flows.prices.engine import current_prices, shop_price_list
from magspec_pipelines.flows.shared import pricing_assumed as assumed
from magspec_pipelines.flows.shared.checks import sample, sample_result, shop_targets
from magspec_pipelines.flows.shared.price_list_source import read_price_lists
from magspec_pipelines.flows.shared.resources import MagspecResource
from magspec_pipelines.mapping.prices import base_prices


def prices_check(asset: dg.AssetKey, partitions) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=asset,
        name="prices_match_on_a_sample",
        partitions_def=partitions,
        description="Re-reads a sample of each shop's prices from Specter and Magento: they agree.",
    )
    def _check(context: dg.AssetCheckExecutionContext, magspec: MagspecResource):
        tenant = magspec.tenant(context.partition_key)
        targets, groups = shop_targets(magspec, tenant, lambda t: t.website_id)
        lists = read_price_lists(
            tenant,
            magspec.specter(tenant),
            {shop_price_list(tenant, g[0].shop) for g in groups.values()},
            magspec.registry.path,
            "",
        )
        mismatches, compared = [], 0
        for group in groups.values():
            target = group[0]
            list_id = shop_price_list(tenant, target.shop)
            if list_id not in lists.rows:
                continue
            wanted = base_prices(
                lists.rows[list_id],
                target.shop.currency,
                target.shop.prices_include_tax,
                tenant.pricing.vat_for,
                incl_step=assumed.INCL_VAT_DECIMALS,
                excl_step=assumed.EXCL_VAT_DECIMALS,
            )
            # Sample among SKUs written before: they exist in Magento, no catalog listing needed.
            written = magspec.state.fingerprints(tenant.id, "base_price", target.shop.code)
            skus = sample(
                (s for s in wanted if s in written),
                tenant.pricing.check_sample_size,
                target.shop.code,
            )
            current = current_prices(target, skus)
            compared += len(skus)
            mismatches += [
                f"{target.shop.code}:{s} Magento {current.get(s)} ≠ Specter {wanted[s].amount}"
                for s in skus
                if current.get(s) != wanted[s].amount
            ]
        return sample_result(compared, mismatches, targets)

    return _check
