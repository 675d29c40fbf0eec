"""The products_to_magento check: every variant group is a configurable with all its children."""

import dagster as dg

from magspec_pipelines.flows.products_to_magento.assets import MAGENTO_PRODUCTS, product_plan
from magspec_pipelines.flows.shared.installations import installations
from magspec_pipelines.flows.shared.resources import MagspecResource
from magspec_pipelines.magento.search import SearchCriteria


def structure_check(partitions) -> dg.AssetChecksDefinition:
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
        plan = product_plan(magspec, tenant)
        problems: list[str] = []
        # Without variant groups there is nothing to check and no catalog to read.
        for inst in installations(tenant) if plan.groups else []:
            client = magspec.magento(tenant, inst.shops[0])
            products = {
                str(p["sku"]): p for p in client.iter_products(SearchCriteria(), page_size=300)
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
