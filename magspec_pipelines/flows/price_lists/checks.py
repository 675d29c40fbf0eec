"""The price-list check: no tier price names a customer group Magento does not have."""

import dagster as dg

from magspec_pipelines.flows.shared.checks import sample, shop_targets
from magspec_pipelines.flows.shared.resources import MagspecResource
from magspec_pipelines.magento.prices import ALL_GROUPS


def tier_groups_check(asset: dg.AssetKey, partitions) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=asset,
        name="no_tier_price_for_an_unknown_group",
        partitions_def=partitions,
        description="Reads the tier prices of a sample of SKUs: each names a customer group "
        "Magento has (or ALL GROUPS).",
    )
    def _check(context: dg.AssetCheckExecutionContext, magspec: MagspecResource):
        tenant = magspec.tenant(context.partition_key)
        targets, groups = shop_targets(magspec, tenant, lambda t: t.website_id)
        unknown, compared = [], 0
        for group in groups.values():
            target = group[0]
            written = magspec.state.fingerprints(tenant.id, "tier_prices", target.shop.code)
            skus = sample(written, tenant.pricing.check_sample_size, target.shop.code)
            known = target.installation.customer_groups()
            rows = target.client.tier_prices(skus) if skus else []
            compared += len(rows)
            unknown += [
                f"{r['sku']}: {r.get('customer_group')}"
                for r in rows
                if str(r.get("customer_group")) != ALL_GROUPS
                and str(r.get("customer_group")).casefold() not in known
            ]
        return dg.AssetCheckResult(
            passed=not unknown,
            metadata={"tier rows read": compared, "unknown groups": unknown[:50]},
        )

    return _check
