"""Partitioned asset checks of the price and stock flows: Magento matches Specter on a sample of
SKUs, and no tier price names a customer group Magento does not have."""

import hashlib
from collections.abc import Iterable

import dagster as dg

from magspec_pipelines.flows import pricing_assumed as assumed
from magspec_pipelines.flows.pricing_base import current_prices, shop_price_list
from magspec_pipelines.flows.pricing_sources import read_price_lists
from magspec_pipelines.flows.pricing_targets import resolve_targets, writers
from magspec_pipelines.flows.resources import MagspecResource
from magspec_pipelines.flows.stock_sync import ENTITY as STOCK_ENTITY
from magspec_pipelines.flows.stock_sync import current_stock
from magspec_pipelines.magento.prices import ALL_GROUPS
from magspec_pipelines.mapping.prices import base_prices
from magspec_pipelines.mapping.stock import site_of, source_code, source_item
from magspec_pipelines.specter.errors import SpecterUnsupported
from magspec_pipelines.state.pricing import PricingState


def sample(keys: Iterable[str], size: int, salt: str) -> list[str]:
    """A stable spread of SKUs (by hash, not the first in the alphabet)."""
    return sorted(keys, key=lambda k: hashlib.sha1(f"{salt}:{k}".encode()).hexdigest())[:size]


def _targets(magspec: MagspecResource, tenant, key):
    targets = resolve_targets(
        tenant, magspec.magento, lambda k: magspec.registry.config_path(tenant.id, k)
    )
    return targets, writers(targets.found, key=key)


def prices_check(asset: dg.AssetKey, partitions) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=asset,
        name="prices_match_on_a_sample",
        partitions_def=partitions,
        description="Re-reads a sample of each shop's prices from Specter and Magento: they agree.",
    )
    def _check(context: dg.AssetCheckExecutionContext, magspec: MagspecResource):
        tenant = magspec.tenant(context.partition_key)
        targets, groups = _targets(magspec, tenant, lambda t: t.website_id)
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
        return dg.AssetCheckResult(
            passed=not mismatches and not targets.errors,
            metadata={
                "compared": compared,
                "mismatches": mismatches[:50],
                "shops not reachable": sorted(targets.errors),
            },
        )

    return _check


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
        targets, groups = _targets(magspec, tenant, lambda t: t.website_id)
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


def stock_check(asset: dg.AssetKey, partitions) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=asset,
        name="stock_matches_on_a_sample",
        partitions_def=partitions,
        description="A sample of applied stock levels: each shop's MSI source holds them.",
    )
    def _check(context: dg.AssetCheckExecutionContext, magspec: MagspecResource):
        tenant = magspec.tenant(context.partition_key)
        targets, groups = _targets(magspec, tenant, lambda t: source_code(t.shop))
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
        return dg.AssetCheckResult(
            passed=not mismatches and not targets.errors,
            metadata={
                "compared": compared,
                "mismatches": mismatches[:50],
                "shops not reachable": sorted(targets.errors),
            },
        )

    return _check
