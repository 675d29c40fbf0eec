"""The products_to_specter check: every child of a configurable has its Specter article."""

import dagster as dg

from magspec_pipelines.flows.products_to_specter import engine as to_specter
from magspec_pipelines.flows.products_to_specter.assets import SPECTER_ARTICLES
from magspec_pipelines.flows.shared.product_report import SyncReport
from magspec_pipelines.flows.shared.product_runs import tenant_file
from magspec_pipelines.flows.shared.resources import MagspecResource
from magspec_pipelines.state.catalog import CatalogState


def children_check(partitions) -> dg.AssetChecksDefinition:
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
