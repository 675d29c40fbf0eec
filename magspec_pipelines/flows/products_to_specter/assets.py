"""The products_to_specter asset (Magento leads): Magento's products as Specter articles, 100 per
call; `mode: full` is the initial sync and nightly compare, `dry_run: true` writes nothing."""

import time

import dagster as dg

from magspec_pipelines.flows.products_to_specter import engine as to_specter
from magspec_pipelines.flows.shared.article_register import stage_article_queue
from magspec_pipelines.flows.shared.product_report import SyncReport
from magspec_pipelines.flows.shared.product_runs import (
    ProductSyncConfig,
    SyncMode,
    fail_if_failed,
    report_metadata,
    tenant_file,
)
from magspec_pipelines.flows.shared.resources import MagspecResource
from magspec_pipelines.state.catalog import CatalogState
from magspec_pipelines.tenancy.modes import Flow

FLOW = Flow.PRODUCTS_TO_SPECTER
SPECTER_ARTICLES = dg.AssetKey([FLOW.value, "specter_articles"])


def specter_articles_asset(partitions) -> dg.AssetsDefinition:
    @dg.asset(
        key=SPECTER_ARTICLES,
        partitions_def=partitions,
        group_name=FLOW.value,
        kinds={"specter"},
        description="Magento's products as Specter articles (configurable children as "
        "articles), 100 per call; SKUs Specter would refuse are mapped or parked.",
    )
    def specter_articles(
        context: dg.AssetExecutionContext, config: ProductSyncConfig, magspec: MagspecResource
    ) -> dg.MaterializeResult:
        started = time.monotonic()
        tenant = magspec.tenant(context.partition_key)
        specter = magspec.specter(tenant)
        full = config.mode is SyncMode.full
        report = SyncReport(full=full, dry_run=config.dry_run)
        if full:
            # The compare needs Specter's register as it is now.
            stage_article_queue(tenant.id, specter, CatalogState(magspec.state), full=True)
        articles, parked, _ = to_specter.read_articles(
            tenant, lambda shop: magspec.magento(tenant, shop), report, tenant_file(tenant)
        )
        report.parked.extend(parked)
        engine = to_specter.ProductsToSpecter(
            tenant, magspec.state, specter, tenant_file=tenant_file(tenant)
        )
        engine.sync(articles, report, chunk_size=config.chunk_size or None)
        meta = report_metadata(
            report,
            started,
            **{
                "articles": len(articles),
                "magento API calls": sum(c.stats.requests for c in report.clients),
                "specter API calls": specter.stats.requests,
            },
        )
        fail_if_failed(report, meta)
        return dg.MaterializeResult(metadata=meta)

    return specter_articles
