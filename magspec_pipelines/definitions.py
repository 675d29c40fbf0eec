"""The magspec code location: every flow's asset graph, partitioned by the tenants it serves.

The tenant registry is read when the code location loads. A tenant file with errors does not
take the other tenants down: its tenant is left out, the errors are logged when the location
loads, and the `tenant_registry` sensor fails on every tick, naming the file, until it is fixed.
Set `MAGSPEC_STRICT_REGISTRY=1` to refuse to load at all instead.
"""

import logging
import os

import dagster as dg

from magspec_pipelines.flows.order_triggers import build_order_schedule, build_order_sensor
from magspec_pipelines.flows.orders import build_order_assets, order_job
from magspec_pipelines.flows.resources import MagspecResource
from magspec_pipelines.tenancy import Registry, load_registry

log = logging.getLogger("magspec")


def registry_sensor(registry_path: str | None) -> dg.SensorDefinition:
    @dg.sensor(
        name="tenant_registry",
        minimum_interval_seconds=60,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Fails, naming file and field, while any tenant file has errors.",
    )
    def _sensor(context: dg.SensorEvaluationContext):
        current = load_registry(registry_path)
        if current.errors:
            raise dg.DagsterError(
                f"{len(current.errors)} error(s) in the tenant registry; the tenants affected "
                "are not synced:\n" + "\n".join(str(e) for e in current.errors)
            )
        return dg.SkipReason(f"{len(current.tenants)} tenant(s), no errors")

    return _sensor


def build_definitions(
    registry: Registry | None = None, magspec: MagspecResource | None = None
) -> dg.Definitions:
    path = os.environ.get("MAGSPEC_TENANTS_DIR") or None
    registry = registry if registry is not None else load_registry(path)
    if registry.errors:
        if os.environ.get("MAGSPEC_STRICT_REGISTRY") == "1":
            registry.raise_for_errors()
        for error in registry.errors:
            log.error("tenant registry: %s", error)
    assets, checks, jobs, sensors, schedules = [], [], [], [registry_sensor(path)], []
    order_tenants = registry.tenants_with_flow("orders")
    if order_tenants:
        order_assets, order_checks = build_order_assets(order_tenants)
        job = order_job(order_assets)
        assets += order_assets
        checks += order_checks
        jobs.append(job)
        for tenant in order_tenants:
            sensors.append(build_order_sensor(tenant, job))
            schedules.append(build_order_schedule(tenant, job))
    return dg.Definitions(
        assets=assets,
        asset_checks=checks,
        jobs=jobs,
        sensors=sensors,
        schedules=schedules,
        resources={"magspec": magspec or MagspecResource()},
    )


defs = build_definitions()
