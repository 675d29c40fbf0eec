"""The per-tenant schedule and sensor factories every flow uses, and the tags their runs carry.

A flow's schedules are per tenant (each tenant's syncs on its own cron, in its own time zone,
switched on and off per tenant in the UI); they differ only in name, cron, what a tick asks for
and the run config, so one factory makes them all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

import dagster as dg

from magspec_pipelines.tenancy import Tenant

TENANT_TAG = "magspec/tenant"
TRIGGER_TAG = "magspec/trigger"

# What `dg.define_asset_job` returns; its class is not part of Dagster's public API.
AssetJob = Any


def tenant_run(
    tenant: Tenant,
    run_key: str,
    trigger: str,
    *,
    partition_key: str | dg.MultiPartitionKey | None = None,
    run_config: dict | None = None,
) -> dg.RunRequest:
    """A run for one tenant, tagged with the tenant and what triggered it."""
    return dg.RunRequest(
        run_key=run_key,
        partition_key=partition_key if partition_key is not None else tenant.id,
        run_config=run_config or {},
        tags={TENANT_TAG: tenant.id, TRIGGER_TAG: trigger},
    )


def tenant_schedule(
    tenant: Tenant,
    *,
    name: str,
    cron: str,
    job: AssetJob,
    description: str,
    key: str,
    trigger: str = "schedule",
    run_config: dict | None = None,
    requests: Callable[[datetime], Iterable[dg.RunRequest]] | None = None,
) -> dg.ScheduleDefinition:
    """A schedule of one tenant, on its cron in its time zone, running by default.

    A tick asks for the tenant's partition (run key `key:tenant:moment`) unless `requests` says
    what to ask for at the scheduled moment.
    """

    @dg.schedule(
        name=name,
        cron_schedule=cron,
        job=job,
        execution_timezone=tenant.timezone,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description=description,
        tags={TENANT_TAG: tenant.id},
    )
    def _schedule(context: dg.ScheduleEvaluationContext):
        moment = context.scheduled_execution_time or datetime.now(UTC)
        if requests is not None:
            return list(requests(moment))
        return tenant_run(
            tenant, f"{key}:{tenant.id}:{moment.isoformat()}", trigger, run_config=run_config
        )

    return _schedule


def tenant_sensor(
    tenant: Tenant,
    *,
    name: str,
    job: AssetJob,
    interval_seconds: int,
    description: str,
    evaluate: Callable[[dg.SensorEvaluationContext, Any], Any],
) -> dg.SensorDefinition:
    """A sensor of one tenant, running by default; `evaluate(context, magspec)` is its tick."""

    @dg.sensor(
        name=name,
        job=job,
        minimum_interval_seconds=interval_seconds,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description=description,
        tags={TENANT_TAG: tenant.id},
        required_resource_keys={"magspec"},
    )
    def _sensor(context: dg.SensorEvaluationContext):
        return evaluate(context, context.resources.magspec)

    return _sensor


def op_name(asset_key: dg.AssetKey) -> str:
    """The op Dagster makes of an asset, the key run config is given under."""
    return "__".join(asset_key.path)


def asset_config(keys: Iterable[dg.AssetKey], config: dict) -> dict:
    """Run config giving each of the assets the same config."""
    return {"ops": {op_name(key): {"config": config} for key in keys}}
