"""How a flow's definitions are put together: its assets and checks for the tenants whose mode
and package include it, one job named as the flow, and each tenant's schedules and sensors."""

from __future__ import annotations

from collections.abc import Iterable

import dagster as dg

from magspec_pipelines.flows.shared.schedules import AssetJob, asset_config, tenant_schedule
from magspec_pipelines.tenancy import Tenant
from magspec_pipelines.tenancy.modes import Flow


def flow_job(flow: Flow, assets: list[dg.AssetsDefinition], description: str) -> AssetJob:
    """The flow's job: its assets, named exactly as the flow."""
    return dg.define_asset_job(
        flow.value, selection=dg.AssetSelection.assets(*assets), description=description
    )


def flow_definitions(
    *,
    assets: list[dg.AssetsDefinition],
    checks: Iterable[dg.AssetChecksDefinition] = (),
    job: AssetJob,
    sensors: Iterable[dg.SensorDefinition | None] = (),
    schedules: Iterable[dg.ScheduleDefinition | None] = (),
) -> dg.Definitions:
    return dg.Definitions(
        assets=assets,
        asset_checks=list(checks),
        jobs=[job],
        sensors=[s for s in sensors if s is not None],
        schedules=[s for s in schedules if s is not None],
    )


def compare_schedule(
    tenant: Tenant,
    flow: Flow,
    job: AssetJob,
    cron: str | None,
    assets: Iterable[dg.AssetKey],
    config: dict,
) -> dg.ScheduleDefinition | None:
    """The nightly compare of one tenant's flow: reads the target back and repairs drift."""
    if not cron:
        return None
    return tenant_schedule(
        tenant,
        name=f"{flow.value}_compare_{tenant.id}",
        cron=cron,
        job=job,
        key=f"{flow.value}-compare",
        trigger="nightly compare",
        description=f"Nightly compare of {tenant.name}'s {flow.value.replace('_', ' ')}: "
        "reads the target and repairs drift.",
        run_config=asset_config(assets, config),
    )


def flow_schedule(tenant: Tenant, flow: Flow, job: AssetJob) -> dg.ScheduleDefinition | None:
    """The tenant's regular run of a flow, on the cron its file gives (changes only)."""
    cron = tenant.cron_for(flow)
    if not cron:
        return None
    return tenant_schedule(
        tenant,
        name=f"{flow.value}_{tenant.id}",
        cron=str(cron),
        job=job,
        key=flow.value,
        description=f"{flow.value.replace('_', ' ').capitalize()} of {tenant.name}: changes only.",
    )
