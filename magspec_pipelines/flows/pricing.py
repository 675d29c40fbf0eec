"""The price and stock flows: Specter price lists → Magento base prices and tier prices, and
Specter stock → Magento sources, each asset partitioned by the tenants whose mode includes its
flow. The engines (`pricing_base`, `pricing_tiers`, `stock_sync`) do the work; the assets run
them and record what happened per shop.
"""

import warnings
from collections.abc import Callable

import dagster as dg

from magspec_pipelines.flows.common import FlowDefinitions
from magspec_pipelines.flows.partitions import tenant_partitions
from magspec_pipelines.flows.pricing_base import BasePriceSync
from magspec_pipelines.flows.pricing_checks import (
    prices_check,
    stock_check,
    tier_groups_check,
)
from magspec_pipelines.flows.pricing_report import SyncReport
from magspec_pipelines.flows.pricing_tiers import TierPriceSync
from magspec_pipelines.flows.pricing_triggers import (
    build_compare_schedule,
    build_flow_schedule,
    build_stock_sensor,
)
from magspec_pipelines.flows.resources import MagspecResource
from magspec_pipelines.flows.stock_sync import StockSync
from magspec_pipelines.tenancy import Registry, Tenant

BASE_PRICES = dg.AssetKey(["pricing", "base_prices"])
TIER_PRICES = dg.AssetKey(["pricing", "tier_prices"])
STOCK_LEVELS = dg.AssetKey(["stock", "stock_levels"])
JOBS = {"prices": "prices_sync", "price_lists": "price_lists_sync", "stock": "stock_sync"}


class PricingRunConfig(dg.Config):
    compare: bool = False
    """Read Magento's current values and repair drift (the nightly compare); for stock also
    requeue the whole stock in Specter first ("Resync stock", the initial sync)."""


def _config_path(magspec: MagspecResource, tenant: Tenant) -> Callable[[str], str]:
    return lambda key: magspec.registry.config_path(tenant.id, key)


def _finish(context: dg.AssetExecutionContext, report: SyncReport, extra: dict) -> dg.Output:
    metadata = {**report.metadata(), **extra}
    for shop in report.shops.values():
        if shop.written:
            context.log.info(f"{shop.shop}: {shop.as_dict()}")
    if report.failed_shops:
        # The other shops are done and fingerprinted; the run fails so run retries take the
        # failed shops again.
        raise dg.Failure(
            description="; ".join(f"{s.shop}: {s.error}" for s in report.failed_shops),
            metadata=metadata,
        )
    return dg.Output(None, metadata=metadata)


def _price_asset(
    key: dg.AssetKey, engine_class: type, description: str, partitions: dg.PartitionsDefinition
) -> dg.AssetsDefinition:
    """A price asset: one engine run for the partition's tenant, reported the same way."""

    @dg.asset(
        key=key,
        partitions_def=partitions,
        group_name="pricing",
        kinds={"magento"},
        description=description,
    )
    def _asset(
        context: dg.AssetExecutionContext, config: PricingRunConfig, magspec: MagspecResource
    ) -> dg.Output:
        tenant = magspec.tenant(context.partition_key)
        engine = engine_class(
            tenant,
            magspec.state,
            magspec.specter(tenant),
            magspec.magento,
            config_path=_config_path(magspec, tenant),
            registry_dir=magspec.registry.path,
        )
        report = engine.run(compare=config.compare)
        return _finish(context, report, {"compare": config.compare})

    return _asset


def build_assets(registry: Registry) -> tuple[list, list]:
    assets, checks = [], []
    price_tenants = registry.tenants_with_flow("prices")
    tier_tenants = registry.tenants_with_flow("price_lists")
    stock_tenants = registry.tenants_with_flow("stock")

    for tenants, key, engine_class, check, description in (
        (
            price_tenants,
            BASE_PRICES,
            BasePriceSync,
            prices_check,
            "Each shop's base price per article from its Specter price list, in its currency, "
            "VAT added where the shop's prices include it; only changes are written.",
        ),
        (
            tier_tenants,
            TIER_PRICES,
            TierPriceSync,
            tier_groups_check,
            "Mapped Specter price lists as tier prices of their customer groups, per website; "
            "tiers of groups magspec does not manage are left alone.",
        ),
    ):
        if tenants:
            partitions = tenant_partitions(tenants)
            assets.append(_price_asset(key, engine_class, description, partitions))
            checks.append(check(key, partitions))

    if stock_tenants:
        partitions = tenant_partitions(stock_tenants)

        @dg.asset(
            key=STOCK_LEVELS,
            partitions_def=partitions,
            group_name="stock",
            kinds={"specter", "magento"},
            description="On-hand stock from Specter's stock queue (staged before it is "
            "acknowledged) to each shop's MSI source or legacy stock item.",
        )
        def stock_levels(
            context: dg.AssetExecutionContext, config: PricingRunConfig, magspec: MagspecResource
        ) -> dg.Output:
            tenant = magspec.tenant(context.partition_key)
            engine = StockSync(
                tenant,
                magspec.state,
                magspec.specter(tenant),
                magspec.magento,
                config_path=_config_path(magspec, tenant),
            )
            drained = engine.drain(full=config.compare)
            report = engine.apply(compare=config.compare)
            return _finish(
                context,
                report,
                {
                    "compare": config.compare,
                    "batches staged": drained.batches,
                    "changes staged": drained.changes,
                    "batches recovered": drained.recovered,
                    "more waiting in Specter": drained.more,
                },
            )

        assets.append(stock_levels)
        checks.append(stock_check(STOCK_LEVELS, partitions))
    return assets, checks


def build(registry: Registry) -> FlowDefinitions:
    with warnings.catch_warnings():
        # Partitioned asset checks are preview in Dagster 1.13 (see flows/orders.py).
        warnings.simplefilter("ignore", dg.PreviewWarning)
        assets, checks = build_assets(registry)
    if not assets:
        return FlowDefinitions()
    keys = {a.key: a for a in assets}
    jobs = {}
    for flow, key in (
        ("prices", BASE_PRICES),
        ("price_lists", TIER_PRICES),
        ("stock", STOCK_LEVELS),
    ):
        if key in keys:
            jobs[flow] = dg.define_asset_job(
                JOBS[flow],
                selection=dg.AssetSelection.assets(key),
                description=f"Sync a tenant's {flow.replace('_', ' ')} from Specter to Magento.",
            )
    schedules, sensors = [], []
    for flow, job in jobs.items():
        for tenant in registry.tenants_with_flow(flow):
            if tenant.cron_for(flow):
                schedules.append(build_flow_schedule(tenant, flow, job))
            if tenant.pricing.compare_cron:
                schedules.append(build_compare_schedule(tenant, flow, job))
    if "stock" in jobs:
        sensors = [
            build_stock_sensor(t, jobs["stock"]) for t in registry.tenants_with_flow("stock")
        ]
    return FlowDefinitions(
        assets=assets,
        asset_checks=checks,
        jobs=list(jobs.values()),
        sensors=sensors,
        schedules=schedules,
    )
