"""What starts the stock flow besides its schedules: a sensor per tenant on Specter's stock queue.

The sensor drains the queue into the state store itself (staged durably, then acknowledged) and
asks for a run while staged levels wait; the run key names the newest staged batch, so ticks that
find nothing new ask for nothing new. Specter's stock callback is only a nudge; polling the queue
is the source of truth.
"""

import dagster as dg

from magspec_pipelines.flows.shared.resources import MagspecResource
from magspec_pipelines.flows.shared.schedules import AssetJob, tenant_run, tenant_sensor
from magspec_pipelines.flows.stock.engine import StockSync
from magspec_pipelines.state.pricing import PricingState
from magspec_pipelines.tenancy import Tenant

STOCK_SENSOR_INTERVAL_SECONDS = 60


def evaluate_stock_queue(tenant: Tenant, magspec: MagspecResource) -> dg.SensorResult:
    """One sensor tick, without Dagster's context so tests can call it."""
    engine = StockSync(
        tenant,
        magspec.state,
        magspec.specter(tenant),
        magspec.magento,
        config_path=lambda key: magspec.registry.config_path(tenant.id, key),
    )
    drained = engine.drain()
    pending, newest = PricingState(magspec.state).pending_summary(tenant.id)
    if not pending:
        return dg.SensorResult(skip_reason="no stock change waiting")
    trigger = f"stock queue ({drained.changes} new changes)"
    return dg.SensorResult(
        run_requests=[tenant_run(tenant, f"stock:{tenant.id}:{newest}", trigger)]
    )


def build_stock_sensor(tenant: Tenant, job: AssetJob) -> dg.SensorDefinition:
    def tick(context: dg.SensorEvaluationContext, magspec: MagspecResource):
        return evaluate_stock_queue(tenant, magspec)

    return tenant_sensor(
        tenant,
        name=f"stock_queue_{tenant.id}",
        job=job,
        interval_seconds=STOCK_SENSOR_INTERVAL_SECONDS,
        description=f"Stages {tenant.name}'s Specter stock queue and asks for a stock run.",
        evaluate=tick,
    )
