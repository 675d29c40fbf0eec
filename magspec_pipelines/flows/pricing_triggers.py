"""What starts the price and stock flows: a schedule per tenant and flow (the tenant's cron), a
nightly compare per tenant and flow, and a sensor per tenant on Specter's stock queue.

The stock sensor drains the queue into the state store itself (staged durably, then
acknowledged) and asks for a run while staged levels wait; the run key names the newest staged
batch, so ticks that find nothing new ask for nothing new. Specter's stock callback is only a
nudge; polling the queue is the source of truth.
"""

from datetime import UTC, datetime

import dagster as dg
from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition

from magspec_pipelines.flows.resources import MagspecResource
from magspec_pipelines.flows.stock_sync import StockSync
from magspec_pipelines.state.pricing import PricingState
from magspec_pipelines.tenancy import Tenant

TENANT_TAG = "magspec/tenant"
STOCK_SENSOR_INTERVAL_SECONDS = 60
OP_NAMES = {
    "prices": "pricing__base_prices",
    "price_lists": "pricing__tier_prices",
    "stock": "stock__stock_levels",
}


def build_flow_schedule(
    tenant: Tenant, flow: str, job: UnresolvedAssetJobDefinition
) -> dg.ScheduleDefinition:
    @dg.schedule(
        name=f"{flow}_{tenant.id}",
        cron_schedule=str(tenant.cron_for(flow)),
        job=job,
        execution_timezone=tenant.timezone,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description=f"{flow.replace('_', ' ').capitalize()} of {tenant.name}: changes only.",
        tags={TENANT_TAG: tenant.id},
    )
    def _schedule(context: dg.ScheduleEvaluationContext):
        moment = context.scheduled_execution_time or datetime.now(UTC)
        return dg.RunRequest(
            run_key=f"{flow}:{tenant.id}:{moment.isoformat()}",
            partition_key=tenant.id,
            tags={TENANT_TAG: tenant.id, "magspec/trigger": "schedule"},
        )

    return _schedule


def compare_run_config(flow: str) -> dict:
    return {"ops": {OP_NAMES[flow]: {"config": {"compare": True}}}}


def build_compare_schedule(
    tenant: Tenant, flow: str, job: UnresolvedAssetJobDefinition
) -> dg.ScheduleDefinition:
    @dg.schedule(
        name=f"{flow}_compare_{tenant.id}",
        cron_schedule=str(tenant.pricing.compare_cron),
        job=job,
        execution_timezone=tenant.timezone,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description=f"Nightly compare of {tenant.name}'s {flow.replace('_', ' ')}: reads "
        "Magento and repairs drift.",
        tags={TENANT_TAG: tenant.id},
    )
    def _schedule(context: dg.ScheduleEvaluationContext):
        moment = context.scheduled_execution_time or datetime.now(UTC)
        return dg.RunRequest(
            run_key=f"{flow}-compare:{tenant.id}:{moment.isoformat()}",
            partition_key=tenant.id,
            run_config=compare_run_config(flow),
            tags={TENANT_TAG: tenant.id, "magspec/trigger": "nightly compare"},
        )

    return _schedule


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
    return dg.SensorResult(
        run_requests=[
            dg.RunRequest(
                run_key=f"stock:{tenant.id}:{newest}",
                partition_key=tenant.id,
                tags={
                    TENANT_TAG: tenant.id,
                    "magspec/trigger": f"stock queue ({drained.changes} new changes)",
                },
            )
        ]
    )


def build_stock_sensor(tenant: Tenant, job: UnresolvedAssetJobDefinition) -> dg.SensorDefinition:
    @dg.sensor(
        name=f"stock_queue_{tenant.id}",
        job=job,
        minimum_interval_seconds=STOCK_SENSOR_INTERVAL_SECONDS,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description=f"Stages {tenant.name}'s Specter stock queue and asks for a stock run.",
        tags={TENANT_TAG: tenant.id},
    )
    def _sensor(context: dg.SensorEvaluationContext, magspec: MagspecResource):
        return evaluate_stock_queue(tenant, magspec)

    return _sensor
