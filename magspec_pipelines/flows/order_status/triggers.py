"""What starts the order status flow: a sensor per tenant and a schedule per tenant.

The sensor drains the tenant's order change queue into the state store (staging is durable and
de-duplicated, so a tick and a run draining at the same time lose nothing and stage nothing
twice) and asks for a run when staged events wait, from the queue or from callbacks. The run key
is built from the waiting events, so a repeated tick over the same events starts one run.
The schedule (`cron.order_status`) runs the tenant's partition regardless, as a safety net.
"""

import dagster as dg

from magspec_pipelines.domain.fingerprints import short_digest
from magspec_pipelines.flows.order_status.stage import stage_queue
from magspec_pipelines.flows.shared.resources import MagspecResource
from magspec_pipelines.flows.shared.schedules import (
    AssetJob,
    tenant_run,
    tenant_schedule,
    tenant_sensor,
)
from magspec_pipelines.state.order_status import OrderStatusState
from magspec_pipelines.tenancy import Tenant

SENSOR_INTERVAL_SECONDS = 60


def evaluate_status_sensor(
    tenant: Tenant, magspec: MagspecResource
) -> tuple[dg.RunRequest | None, str]:
    """One sensor tick without Dagster's context: (the run request or None, what it saw)."""
    state = OrderStatusState(magspec.state)
    specter = magspec.specter(tenant)
    try:
        staged = stage_queue(tenant, specter, state)
    finally:
        specter.close()
    waiting = state.pending_events(tenant.id)
    seen = f"{staged.items} change(s) drained, {len(waiting)} event(s) waiting"
    if not waiting:
        return None, seen
    digest = short_digest(",".join(str(e.id) for e in waiting))
    request = tenant_run(tenant, f"order_status:{tenant.id}:{digest}", "order events")
    return request, seen


def build_status_sensor(tenant: Tenant, job: AssetJob) -> dg.SensorDefinition:
    def tick(context: dg.SensorEvaluationContext, magspec: MagspecResource):
        request, seen = evaluate_status_sensor(tenant, magspec)
        if request is None:
            return dg.SensorResult(skip_reason=seen)
        return dg.SensorResult(run_requests=[request])

    return tenant_sensor(
        tenant,
        name=f"order_status_{tenant.id}",
        job=job,
        interval_seconds=SENSOR_INTERVAL_SECONDS,
        description=f"Specter order events of {tenant.name} (queue and callbacks) → a run.",
        evaluate=tick,
    )


def build_status_schedule(tenant: Tenant, job: AssetJob) -> dg.ScheduleDefinition | None:
    """The safety net: drains and applies the tenant's events on its cron, whatever the sensor saw."""
    if tenant.cron.order_status is None:
        return None
    return tenant_schedule(
        tenant,
        name=f"order_status_safety_net_{tenant.id}",
        cron=tenant.cron.order_status,
        job=job,
        key="order_status",
        description=f"Drains and applies {tenant.name}'s Specter order events on a schedule.",
    )
