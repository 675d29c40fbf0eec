"""How a flow's definitions are put together: its assets and checks for the tenants whose mode
and package include it, one job named as the flow, and each tenant's schedules and sensors."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable

import dagster as dg

from magspec_pipelines.flows.shared.partitions import tenant_partitions
from magspec_pipelines.flows.shared.schedules import AssetJob, asset_config, tenant_schedule
from magspec_pipelines.tenancy import Registry, Tenant
from magspec_pipelines.tenancy.modes import Flow

Triggers = Callable[
    [Tenant, AssetJob], Iterable[dg.SensorDefinition | dg.ScheduleDefinition | None]
]


def flow_definitions(
    registry: Registry,
    flow: Flow,
    *,
    description: str,
    assets: Callable[[dg.PartitionsDefinition], list[dg.AssetsDefinition]],
    checks: Callable[[dg.PartitionsDefinition], list[dg.AssetChecksDefinition]] = lambda _: [],
    triggers: Triggers = lambda _tenant, _job: (),
    partitions: Callable[[list[Tenant]], dg.PartitionsDefinition] = tenant_partitions,
) -> dg.Definitions:
    """A flow in the code location: its assets and checks partitioned by the tenants whose mode
    and package include it, one job named exactly as the flow, and each tenant's sensors and
    schedules (`triggers`; None where a tenant has none). No tenant, no definitions."""
    tenants = registry.tenants_with_flow(flow)
    if not tenants:
        return dg.Definitions()
    parts = partitions(tenants)
    built = assets(parts)
    job = dg.define_asset_job(
        flow.value, selection=dg.AssetSelection.assets(*built), description=description
    )
    made = [d for tenant in tenants for d in triggers(tenant, job) if d is not None]
    with warnings.catch_warnings():
        # Partitioned asset checks are preview in Dagster 1.13; the per-partition checks need
        # them (the warning would print once per check at every load of the code location).
        warnings.simplefilter("ignore", dg.PreviewWarning)
        built_checks = checks(parts)
    return dg.Definitions(
        assets=built,
        asset_checks=built_checks,
        jobs=[job],
        sensors=[d for d in made if isinstance(d, dg.SensorDefinition)],
        schedules=[d for d in made if isinstance(d, dg.ScheduleDefinition)],
    )


def shop_sync_triggers(flow: Flow, key: dg.AssetKey) -> Triggers:
    """The schedules of a price or stock flow: the tenant's cron (changes only) and the nightly
    compare on `pricing.compare_cron`."""

    def triggers(tenant: Tenant, job: AssetJob) -> list[dg.ScheduleDefinition | None]:
        compare_cron = tenant.pricing.compare_cron
        return [
            flow_schedule(tenant, flow, job),
            compare_schedule(tenant, flow, job, compare_cron, [key], {"compare": True}),
        ]

    return triggers


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
