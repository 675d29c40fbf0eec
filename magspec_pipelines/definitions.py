"""The magspec code location: every flow's asset graph, partitioned by the tenants it serves.

The tenant registry is read when the code location loads. A tenant file with errors does not
take the other tenants down: its tenant is left out, the errors are logged when the location
loads, and the `tenant_registry` sensor fails on every tick, naming the file, until it is fixed.
Set `MAGSPEC_STRICT_REGISTRY=1` to refuse to load at all instead.
"""

import logging
import os

import dagster as dg

from magspec_pipelines.flows import catalog, order_status, orders, pricing
from magspec_pipelines.flows.common import FlowDefinitions
from magspec_pipelines.flows.resources import MagspecResource
from magspec_pipelines.tenancy import Registry, load_registry

log = logging.getLogger("magspec")

# Each flow module contributes its part of the code location.
FLOW_BUILDERS = (orders.build, catalog.build, pricing.build, order_status.build)


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
    parts = FlowDefinitions(sensors=[registry_sensor(path)])
    for build in FLOW_BUILDERS:
        parts += build(registry)
    return dg.Definitions(
        assets=parts.assets,
        asset_checks=parts.asset_checks,
        jobs=parts.jobs,
        sensors=parts.sensors,
        schedules=parts.schedules,
        resources={"magspec": magspec or MagspecResource()},
    )


defs = build_definitions()
