"""The order_status check: every order Specter delivered is shipped in Magento."""

import dagster as dg

from magspec_pipelines.flows.order_status.assets import MAGENTO_ORDER_UPDATES, ROWS_SHOWN
from magspec_pipelines.flows.order_status.shipped_check import check_delivered_are_shipped
from magspec_pipelines.flows.shared.resources import MagspecResource


def shipped_check(partitions: dg.StaticPartitionsDefinition) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=MAGENTO_ORDER_UPDATES,
        name="every_delivered_order_is_shipped",
        partitions_def=partitions,
        description="Reads Magento back: every order Specter reports delivered has nothing left "
        "to ship, or is parked with a reason.",
    )
    def every_delivered_order_is_shipped(
        context: dg.AssetCheckExecutionContext, magspec: MagspecResource
    ) -> dg.AssetCheckResult:
        tenant = magspec.tenant(context.partition_key)
        result = check_delivered_are_shipped(tenant, magspec.state, magspec.magento)
        return dg.AssetCheckResult(
            passed=result.passed,
            severity=dg.AssetCheckSeverity.ERROR,
            metadata={
                "delivered in Specter": result.delivered,
                "shipped in Magento": len(result.shipped),
                "not shipped": result.not_shipped[:ROWS_SHOWN],
                "parked": result.parked[:ROWS_SHOWN],
                "not from this integration": result.not_ours,
            },
        )

    return every_delivered_order_is_shipped
