"""The products_to_magento assets (Specter leads): `specter_article_register` stages Specter's
article queue (durably, before the ack) → `magento_products` groups the articles into
configurables and simple products and writes what changed.

Run config `mode: full` is the initial sync and the nightly compare (resumable, reads the target
back and repairs drift); `dry_run: true` reports what would be created, updated and left alone
without writing anything.
"""

import time

import dagster as dg

from magspec_pipelines.flows.products_to_magento import engine as to_magento
from magspec_pipelines.flows.products_to_magento.store_views import read_name_translations
from magspec_pipelines.flows.shared.article_register import stage_article_queue
from magspec_pipelines.flows.shared.product_report import SyncReport
from magspec_pipelines.flows.shared.product_runs import (
    ProductSyncConfig,
    SyncMode,
    fail_if_failed,
    report_metadata,
    tenant_file,
    tenants_dir,
)
from magspec_pipelines.flows.shared.resources import MagspecResource
from magspec_pipelines.mapping.article_grouping import read_mapping_file
from magspec_pipelines.state.catalog import CatalogState
from magspec_pipelines.tenancy import Tenant
from magspec_pipelines.tenancy.modes import Flow

FLOW = Flow.PRODUCTS_TO_MAGENTO
REGISTER = dg.AssetKey([FLOW.value, "specter_article_register"])
MAGENTO_PRODUCTS = dg.AssetKey([FLOW.value, "magento_products"])


def register_asset(partitions) -> dg.AssetsDefinition:
    @dg.asset(
        key=REGISTER,
        partitions_def=partitions,
        group_name=FLOW.value,
        kinds={"specter"},
        description="Specter's article register, staged from its article change queue (each "
        "batch stored before it is acknowledged).",
    )
    def specter_article_register(
        context: dg.AssetExecutionContext, config: ProductSyncConfig, magspec: MagspecResource
    ) -> dg.MaterializeResult:
        tenant = magspec.tenant(context.partition_key)
        specter = magspec.specter(tenant)
        catalog = CatalogState(magspec.state)
        staged = stage_article_queue(tenant.id, specter, catalog, full=config.mode is SyncMode.full)
        return dg.MaterializeResult(
            metadata={
                "batches": staged.batches,
                "articles staged": staged.articles,
                "recovered batches": staged.recovered,
                "more waiting": staged.more,
                "register size": len(catalog.articles(tenant.id)),
                "specter API calls": specter.stats.requests,
            }
        )

    return specter_article_register


def magento_products_asset(partitions) -> dg.AssetsDefinition:
    @dg.asset(
        key=MAGENTO_PRODUCTS,
        partitions_def=partitions,
        group_name=FLOW.value,
        kinds={"magento"},
        deps=[REGISTER],
        description="Specter's articles as Magento products: configurables with their options "
        "and children, simple products, on each shop's website.",
    )
    def magento_products(
        context: dg.AssetExecutionContext, config: ProductSyncConfig, magspec: MagspecResource
    ) -> dg.MaterializeResult:
        started = time.monotonic()
        tenant = magspec.tenant(context.partition_key)
        plan = product_plan(magspec, tenant)
        engine = to_magento.ProductsToMagento(
            tenant,
            magspec.state,
            lambda shop: magspec.magento(tenant, shop),
            tenant_file=tenant_file(tenant),
            translations=read_name_translations(
                tenant.catalog, tenants_dir(magspec), tenant_file(tenant)
            ),
        )

        def log_chunk(report: SyncReport) -> None:
            if report.progress:
                context.log.info(f"progress {report.progress[0]}/{report.progress[1]}")

        report = engine.sync(
            plan,
            full=config.mode is SyncMode.full,
            dry_run=config.dry_run,
            chunk_size=config.chunk_size or None,
            on_chunk=log_chunk,
        )
        meta = report_metadata(
            report,
            started,
            **{
                "configurables": len(plan.groups),
                "simple products": len(plan.simples),
                "magento API calls": sum(c.stats.requests for c in report.clients),
            },
        )
        fail_if_failed(report, meta)
        return dg.MaterializeResult(metadata=meta)

    return magento_products


def product_plan(magspec: MagspecResource, tenant: Tenant):
    grouping = tenant.catalog.grouping
    rows = []
    if grouping.by == "mapping_file" and grouping.file:
        rows = read_mapping_file(tenants_dir(magspec), grouping.file)
    return to_magento.build_plan(
        tenant, CatalogState(magspec.state), tenant_file=tenant_file(tenant), mapping_rows=rows
    )
