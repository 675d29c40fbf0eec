"""The catalog flows: products and their variant structure, in the direction the tenant's mode
says, partitioned by tenant.

- Specter leads (`products_to_magento`): `catalog/specter_article_register` stages Specter's
  article queue (durably, before the ack) → `catalog/magento_products` groups the articles into
  configurables and simple products and writes what changed.
- Magento leads (`products_to_specter`): `catalog/specter_articles` sends Magento's products to
  Specter as articles, 100 per call.

Run config `mode: full` is the initial sync and the nightly compare (resumable, reads the target
back and repairs drift); `dry_run: true` reports what would be created, updated and left alone
without writing anything.
"""

import os
import time
import warnings
from collections import Counter
from enum import Enum

import dagster as dg

from magspec_pipelines.flows import catalog_to_magento as to_magento
from magspec_pipelines.flows import catalog_to_specter as to_specter
from magspec_pipelines.flows.catalog_results import SyncReport
from magspec_pipelines.flows.catalog_staging import stage_article_queue
from magspec_pipelines.flows.catalog_store_views import read_name_translations
from magspec_pipelines.flows.common import FlowDefinitions
from magspec_pipelines.flows.partitions import tenant_partitions
from magspec_pipelines.flows.resources import MagspecResource
from magspec_pipelines.mapping.article_grouping import read_mapping_file
from magspec_pipelines.state.catalog import CatalogState
from magspec_pipelines.tenancy import Registry, Tenant
from magspec_pipelines.tenancy.modes import Flow

GROUP = "catalog"
REGISTER = dg.AssetKey(["catalog", "specter_article_register"])
MAGENTO_PRODUCTS = dg.AssetKey(["catalog", "magento_products"])
SPECTER_ARTICLES = dg.AssetKey(["catalog", "specter_articles"])
TENANT_TAG = "magspec/tenant"
ROWS_SHOWN = 25
TO_MAGENTO_JOB = "catalog_products_to_magento"
TO_SPECTER_JOB = "catalog_products_to_specter"


class SyncMode(Enum):
    delta = "delta"
    full = "full"


class CatalogSyncConfig(dg.Config):
    mode: SyncMode = SyncMode.delta
    """delta: what changed since the last run; full: initial sync / nightly compare."""
    dry_run: bool = False
    """Report what would be created, updated and left alone; write nothing."""
    chunk_size: int = 0
    """Units per chunk of a full run (0: the tenant's catalog.initial_sync.chunk_size)."""


def tenant_file(tenant: Tenant) -> str:
    return f"tenants/{tenant.id}.yaml"


def _tenants_dir(magspec: MagspecResource) -> str:
    return magspec.tenants_dir or os.environ.get("MAGSPEC_TENANTS_DIR") or "tenants"


def _table(rows: list[dict[str, str]], columns: list[str]) -> dg.MetadataValue:
    return dg.MetadataValue.table(
        records=[
            dg.TableRecord({c: str(r.get(c, "")) for c in columns}) for r in rows[:ROWS_SHOWN]
        ],
        schema=dg.TableSchema(columns=[dg.TableColumn(c, "string") for c in columns]),
    )


def report_metadata(report: SyncReport, started: float, **extra) -> dict:
    summary = report.summary()
    nothing = report.written == 0 and not report.failed
    meta = {
        **summary,
        "mode": ("full" if report.full else "delta") + (" (dry run)" if report.dry_run else ""),
        "wrote nothing": nothing,
        "per shop": {code: shop.as_dict() for code, shop in report.shops.items()},
        "parked articles": _table(
            [{"article": p.key, "reason": p.reason, "fix": p.fix} for p in report.parked],
            ["article", "reason", "fix"],
        ),
        "repaired": [f"{o.key}: {'; '.join(o.drift[:3])}" for o in report.repaired][:50],
        "would write" if report.dry_run else "written": [
            f"{o.result}: {o.key}" for o in report.outcomes if o.result in ("created", "updated")
        ][:50],
        "failed": [f"{o.key}: {o.reason}" for o in report.failed][:25],
        "duration (s)": round(time.monotonic() - started, 3),
        **extra,
    }
    if report.progress is not None:
        done, total = report.progress
        meta["progress"] = f"{done}/{total}"
        meta["resumed"] = report.resumed_from is not None
        if report.resumed_from is not None:
            meta["resumed after"] = report.resumed_from or "(start)"
            meta["done before resuming"] = report.previously_done
    if report.name_outcomes:
        meta["store view names"] = dict(Counter(o.result for o in report.name_outcomes))
        meta["store view names " + ("to write" if report.dry_run else "written")] = [
            o.key for o in report.names_written
        ][:50]
    if report.mapped:
        meta["mapped SKUs"] = [f"{k} → {v}" for k, v in sorted(report.mapped.items())][:50]
    return meta


def _register_asset(partitions) -> dg.AssetsDefinition:
    @dg.asset(
        key=REGISTER,
        partitions_def=partitions,
        group_name=GROUP,
        kinds={"specter"},
        description="Specter's article register, staged from its article change queue (each "
        "batch stored before it is acknowledged).",
    )
    def specter_article_register(
        context: dg.AssetExecutionContext, config: CatalogSyncConfig, magspec: MagspecResource
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


def _magento_products_asset(partitions) -> dg.AssetsDefinition:
    @dg.asset(
        key=MAGENTO_PRODUCTS,
        partitions_def=partitions,
        group_name=GROUP,
        kinds={"magento"},
        deps=[REGISTER],
        description="Specter's articles as Magento products: configurables with their options "
        "and children, simple products, on each shop's website.",
    )
    def magento_products(
        context: dg.AssetExecutionContext, config: CatalogSyncConfig, magspec: MagspecResource
    ) -> dg.MaterializeResult:
        started = time.monotonic()
        tenant = magspec.tenant(context.partition_key)
        plan = _plan(magspec, tenant)
        engine = to_magento.ProductsToMagento(
            tenant,
            magspec.state,
            lambda shop: magspec.magento(tenant, shop),
            tenant_file=tenant_file(tenant),
            translations=read_name_translations(
                tenant.catalog, _tenants_dir(magspec), tenant_file(tenant)
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
        _fail_if_failed(report, meta)
        return dg.MaterializeResult(metadata=meta)

    return magento_products


def _specter_articles_asset(partitions) -> dg.AssetsDefinition:
    @dg.asset(
        key=SPECTER_ARTICLES,
        partitions_def=partitions,
        group_name=GROUP,
        kinds={"specter"},
        description="Magento's products as Specter articles (configurable children as "
        "articles), 100 per call; SKUs Specter would refuse are mapped or parked.",
    )
    def specter_articles(
        context: dg.AssetExecutionContext, config: CatalogSyncConfig, magspec: MagspecResource
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
        _fail_if_failed(report, meta)
        return dg.MaterializeResult(metadata=meta)

    return specter_articles


def _fail_if_failed(report: SyncReport, meta: dict) -> None:
    errors = {code: s.error for code, s in report.shops.items() if s.error}
    if report.failed or errors:
        # Everything that went through is fingerprinted; the retry only redoes the rest.
        raise dg.Failure(
            description=f"{len(report.failed)} unit(s) failed"
            + (f"; shops with errors: {errors}" if errors else ""),
            metadata=meta,
        )


def _plan(magspec: MagspecResource, tenant: Tenant):
    grouping = tenant.catalog.grouping
    rows = []
    if grouping.by == "mapping_file" and grouping.file:
        rows = read_mapping_file(_tenants_dir(magspec), grouping.file)
    return to_magento.build_plan(
        tenant, CatalogState(magspec.state), tenant_file=tenant_file(tenant), mapping_rows=rows
    )


# -- checks -------------------------------------------------------------------------------------


def _structure_check(partitions) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=MAGENTO_PRODUCTS,
        name="variant_structure_matches",
        partitions_def=partitions,
        description="Every variant group is a configurable in Magento with all its children "
        "linked, on every installation of the tenant.",
    )
    def variant_structure_matches(
        context: dg.AssetCheckExecutionContext, magspec: MagspecResource
    ) -> dg.AssetCheckResult:
        tenant = magspec.tenant(context.partition_key)
        plan = _plan(magspec, tenant)
        problems: list[str] = []
        # Without variant groups there is nothing to check and no catalog to read.
        for inst in to_magento.installations(tenant) if plan.groups else []:
            client = magspec.magento(tenant, inst.shops[0])
            products = {
                str(p["sku"]): p
                for p in client.iter_products(to_magento.SearchCriteria(), page_size=300)
            }
            ids = {sku: int(p["id"]) for sku, p in products.items()}
            for group in plan.groups:
                parent = products.get(group.parent_sku)
                if parent is None or parent.get("type_id") != "configurable":
                    problems.append(f"{inst.target}: {group.parent_sku} is not a configurable")
                    continue
                links = set(
                    (parent.get("extension_attributes") or {}).get("configurable_product_links")
                    or []
                )
                lost = [s for s in group.child_skus if ids.get(s) not in links]
                if lost:
                    problems.append(
                        f"{inst.target}: {group.parent_sku} lacks {', '.join(lost[:5])}"
                    )
        return dg.AssetCheckResult(
            passed=not problems,
            severity=dg.AssetCheckSeverity.ERROR,
            metadata={"variant groups": len(plan.groups), "problems": problems[:50]},
        )

    return variant_structure_matches


def _children_check(partitions) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=SPECTER_ARTICLES,
        name="every_configurable_child_has_its_article",
        partitions_def=partitions,
        description="Every child of a Magento configurable has its Specter article (sent and "
        "acknowledged, or in Specter's register), or is parked with a reason.",
    )
    def every_configurable_child_has_its_article(
        context: dg.AssetCheckExecutionContext, magspec: MagspecResource
    ) -> dg.AssetCheckResult:
        tenant = magspec.tenant(context.partition_key)
        report = SyncReport(full=True, dry_run=True)
        _, parked, children_of = to_specter.read_articles(
            tenant, lambda shop: magspec.magento(tenant, shop), report, tenant_file(tenant)
        )
        known = set(CatalogState(magspec.state).articles(tenant.id))
        known |= set(magspec.state.fingerprints(tenant.id, to_specter.ENTITY, to_specter.TARGET))
        held = {p.key for p in parked} | {
            p.entity_key for p in magspec.state.parked(tenant.id, to_specter.FLOW)
        }
        missing = to_specter.configurable_children_without_article(
            children_of, tenant.catalog.article_numbers.article_no, known, held
        )
        return dg.AssetCheckResult(
            passed=not missing,
            severity=dg.AssetCheckSeverity.ERROR,
            metadata={
                "configurables": len(children_of),
                "children": sum(len(k) for k in children_of.values()),
                "without article": missing[:50],
                "parked": sorted(held)[:50],
            },
        )

    return every_configurable_child_has_its_article


def build(registry: Registry) -> FlowDefinitions:
    from magspec_pipelines.flows.catalog_triggers import article_queue_sensor, compare_schedule

    out = FlowDefinitions()
    erp = registry.tenants_with_flow(Flow.PRODUCTS_TO_MAGENTO)
    ecom = registry.tenants_with_flow(Flow.PRODUCTS_TO_SPECTER)
    with warnings.catch_warnings():
        # Partitioned asset checks are preview in Dagster 1.13 (see flows/orders.py).
        warnings.simplefilter("ignore", dg.PreviewWarning)
        if erp:
            parts = tenant_partitions(erp)
            assets = [_register_asset(parts), _magento_products_asset(parts)]
            job = dg.define_asset_job(
                TO_MAGENTO_JOB,
                selection=dg.AssetSelection.assets(*assets),
                description="Specter articles → Magento products for one tenant.",
            )
            out += FlowDefinitions(
                assets=assets,
                asset_checks=[_structure_check(parts)],
                jobs=[job],
                sensors=[article_queue_sensor(t, job) for t in erp],
                schedules=[
                    s for t in erp if (s := compare_schedule(t, job, Flow.PRODUCTS_TO_MAGENTO))
                ],
            )
        if ecom:
            parts = tenant_partitions(ecom)
            assets = [_specter_articles_asset(parts)]
            job = dg.define_asset_job(
                TO_SPECTER_JOB,
                selection=dg.AssetSelection.assets(*assets),
                description="Magento products → Specter articles for one tenant.",
            )
            out += FlowDefinitions(
                assets=assets,
                asset_checks=[_children_check(parts)],
                jobs=[job],
                schedules=[
                    s for t in ecom if (s := compare_schedule(t, job, Flow.PRODUCTS_TO_SPECTER))
                ],
            )
    return out
