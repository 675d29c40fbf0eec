"""What the price and stock assets share: their run config, and how a run's per-shop report
becomes metadata, a log line per shop that wrote, and a failure when a shop failed."""

from collections.abc import Callable
from typing import Any

import dagster as dg

from magspec_pipelines.flows.shared.metadata import table
from magspec_pipelines.flows.shared.resources import MagspecResource
from magspec_pipelines.flows.shared.shop_report import PARKED_COLUMNS, SyncReport
from magspec_pipelines.tenancy import Tenant


class ShopSyncConfig(dg.Config):
    compare: bool = False
    """Read Magento's current values and repair drift (the nightly compare); for stock also
    requeue the whole stock in Specter first ("Resync stock", the initial sync)."""


def config_path(magspec: MagspecResource, tenant: Tenant) -> Callable[[str], str]:
    """Where a setting of the tenant is written in its file, for the fixes support reads."""
    return lambda key: magspec.registry.config_path(tenant.id, key)


def report_metadata(report: SyncReport) -> dict[str, Any]:
    """The run as Dagster metadata: totals, per shop, and the parked records as a table."""
    summary = (
        "nothing changed: nothing written"
        if report.written == 0 and not report.failed_shops
        else f"{report.written} written"
    )
    meta: dict[str, Any] = {
        "summary": summary,
        "created": report.total("created"),
        "updated": report.total("updated"),
        "unchanged": report.total("unchanged"),
        "repaired": report.total("repaired"),
        "deleted": report.total("deleted"),
        "no product": report.total("no_product"),
        "parked": len(report.parked),
        "failed shops": [s.shop for s in report.failed_shops],
        "per shop": dg.MetadataValue.json(
            {code: s.as_dict() for code, s in sorted(report.shops.items())}
        ),
        "magento API calls": report.total("magento_calls"),
        "specter API calls": report.specter_calls,
        "parked records": table(
            [
                {"shop": p.shop, "record": p.key, "reason": p.reason, "fix": p.fix}
                for p in report.parked
            ],
            PARKED_COLUMNS,
        ),
    }
    if report.source:
        meta["source"] = report.source
    if report.notes:
        meta["notes"] = report.notes
    return meta


def finish(context: dg.AssetExecutionContext, report: SyncReport, extra: dict) -> dg.Output:
    metadata = {**report_metadata(report), **extra}
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


def price_asset(
    key: dg.AssetKey, engine_class: type, description: str, partitions: dg.PartitionsDefinition
) -> dg.AssetsDefinition:
    """A price asset: one engine run for the partition's tenant, reported per shop."""

    @dg.asset(
        key=key,
        partitions_def=partitions,
        group_name=key.path[0],
        kinds={"magento"},
        description=description,
    )
    def _asset(
        context: dg.AssetExecutionContext, config: ShopSyncConfig, magspec: MagspecResource
    ) -> dg.Output:
        tenant = magspec.tenant(context.partition_key)
        engine = engine_class(
            tenant,
            magspec.state,
            magspec.specter(tenant),
            magspec.magento,
            config_path=config_path(magspec, tenant),
            registry_dir=magspec.registry.path,
        )
        report = engine.run(compare=config.compare)
        return finish(context, report, {"compare": config.compare})

    return _asset
