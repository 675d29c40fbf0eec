"""The orders check: every eligible order of the day has exactly one Specter document."""

from collections import Counter

import dagster as dg

from magspec_pipelines.flows.orders.assets import SPECTER_DOCUMENTS
from magspec_pipelines.flows.orders.fetch import fetch_day
from magspec_pipelines.flows.orders.outcomes import FLOW, entity_key
from magspec_pipelines.flows.shared.partitions import split_key
from magspec_pipelines.flows.shared.resources import MagspecResource
from magspec_pipelines.state import BindingState


def reconcile_check(partitions: dg.MultiPartitionsDefinition) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=SPECTER_DOCUMENTS,
        name="every_eligible_order_has_one_document",
        partitions_def=partitions,
        description="Re-reads the day's eligible Magento orders: each has exactly one Specter "
        "document (bound in the state store) or is parked with a reason.",
    )
    def reconcile_orders(
        context: dg.AssetCheckExecutionContext, magspec: MagspecResource
    ) -> dg.AssetCheckResult:
        tenant_id, day = split_key(context)
        tenant = magspec.tenant(tenant_id)
        fetched, _ = fetch_day(tenant, day, magspec.magento)
        wanted = BindingState.INVOICED if tenant.orders.document == "invoice" else None
        bindings = {
            (b.shop, b.magento_entity_id): b for b in magspec.state.order_bindings(tenant.id)
        }
        parked = {p.entity_key for p in magspec.state.parked(tenant.id, FLOW)}
        missing, unfinished, parked_keys = [], [], []
        for item in fetched:
            entity_id = int(item.raw["entity_id"])
            binding = bindings.get((item.shop, entity_id))
            label = f"{item.shop}:{item.raw.get('increment_id')}"
            if binding is None or not binding.specter_order_no:
                if entity_key(item.shop, entity_id) in parked:
                    parked_keys.append(label)
                else:
                    missing.append(label)
            elif wanted is not None and binding.state is not wanted:
                unfinished.append(label)
        order_nos = Counter(b.specter_order_no for b in bindings.values() if b.specter_order_no)
        shared = sorted(no for no, n in order_nos.items() if n > 1)
        passed = not (missing or unfinished or shared)
        return dg.AssetCheckResult(
            passed=passed,
            severity=dg.AssetCheckSeverity.ERROR,
            metadata={
                "eligible orders": len(fetched),
                "without document": missing[:50],
                "order without its invoice": unfinished[:50],
                "parked": parked_keys[:50],
                "specter orders bound twice": shared[:50],
            },
        )

    return reconcile_orders
