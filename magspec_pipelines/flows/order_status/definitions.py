"""The order_status flow (Specter order events → Magento shipments, invoices, cancellations,
comments) in the code location."""

import dagster as dg

from magspec_pipelines.flows.order_status.assets import (
    FLOW,
    order_events_asset,
    order_updates_asset,
)
from magspec_pipelines.flows.order_status.checks import shipped_check
from magspec_pipelines.flows.order_status.triggers import (
    build_status_schedule,
    build_status_sensor,
)
from magspec_pipelines.flows.shared.definitions import flow_definitions
from magspec_pipelines.tenancy import Registry


def build(registry: Registry) -> dg.Definitions:
    return flow_definitions(
        registry,
        FLOW,
        description="Stage a tenant's Specter order events and apply them to Magento.",
        assets=lambda parts: [order_events_asset(parts), order_updates_asset(parts)],
        checks=lambda parts: [shipped_check(parts)],
        triggers=lambda tenant, job: [
            build_status_sensor(tenant, job),
            build_status_schedule(tenant, job),
        ],
    )
