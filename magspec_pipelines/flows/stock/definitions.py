"""The stock flow (Specter stock queue → Magento sources) in the code location."""

import dagster as dg

from magspec_pipelines.flows.shared.definitions import flow_definitions, shop_sync_triggers
from magspec_pipelines.flows.stock.assets import STOCK_LEVELS, stock_levels_asset
from magspec_pipelines.flows.stock.checks import stock_check
from magspec_pipelines.flows.stock.triggers import build_stock_sensor
from magspec_pipelines.tenancy import Registry
from magspec_pipelines.tenancy.modes import Flow


def build(registry: Registry) -> dg.Definitions:
    schedules = shop_sync_triggers(Flow.STOCK, STOCK_LEVELS)
    return flow_definitions(
        registry,
        Flow.STOCK,
        description="Sync a tenant's stock from Specter to Magento.",
        assets=lambda parts: [stock_levels_asset(parts)],
        checks=lambda parts: [stock_check(STOCK_LEVELS, parts)],
        triggers=lambda tenant, job: [build_stock_sensor(tenant, job), *schedules(tenant, job)],
    )
