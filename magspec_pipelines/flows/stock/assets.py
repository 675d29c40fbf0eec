"""The stock asset: on-hand stock from Specter's stock queue to each shop's source."""

import dagster as dg

from magspec_pipelines.flows.shared.resources import MagspecResource
from magspec_pipelines.flows.shared.shop_assets import ShopSyncConfig, config_path, finish
from magspec_pipelines.flows.stock.engine import StockSync

STOCK_LEVELS = dg.AssetKey(["stock", "stock_levels"])


def stock_levels_asset(partitions: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    @dg.asset(
        key=STOCK_LEVELS,
        partitions_def=partitions,
        group_name="stock",
        kinds={"specter", "magento"},
        description="On-hand stock from Specter's stock queue (staged before it is "
        "acknowledged) to each shop's MSI source or legacy stock item.",
    )
    def stock_levels(
        context: dg.AssetExecutionContext, config: ShopSyncConfig, magspec: MagspecResource
    ) -> dg.Output:
        tenant = magspec.tenant(context.partition_key)
        engine = StockSync(
            tenant,
            magspec.state,
            magspec.specter(tenant),
            magspec.magento,
            config_path=config_path(magspec, tenant),
        )
        drained = engine.drain(full=config.compare)
        report = engine.apply(compare=config.compare)
        return finish(
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

    return stock_levels
