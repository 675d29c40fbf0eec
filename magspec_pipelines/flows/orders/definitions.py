"""The orders flow (Magento orders → Specter orders or invoices) in the code location."""

import dagster as dg

from magspec_pipelines.flows.orders.assets import (
    magento_orders_asset,
    normalized_orders_asset,
    specter_documents_asset,
)
from magspec_pipelines.flows.orders.checks import reconcile_check
from magspec_pipelines.flows.orders.triggers import build_order_schedule, build_order_sensor
from magspec_pipelines.flows.shared.definitions import flow_definitions
from magspec_pipelines.flows.shared.partitions import tenant_day_partitions
from magspec_pipelines.tenancy import Registry
from magspec_pipelines.tenancy.modes import Flow


def build(registry: Registry) -> dg.Definitions:
    """Every tenant has orders (all modes include them), partitioned tenant × day."""
    return flow_definitions(
        registry,
        Flow.ORDERS,
        description="Export a tenant's eligible orders of one day to Specter.",
        partitions=tenant_day_partitions,
        assets=lambda parts: [
            magento_orders_asset(parts),
            normalized_orders_asset(parts),
            specter_documents_asset(parts),
        ],
        checks=lambda parts: [reconcile_check(parts)],
        triggers=lambda tenant, job: [
            build_order_sensor(tenant, job),
            build_order_schedule(tenant, job),
        ],
    )
