"""The magspec code location: every flow's asset graph, partitioned by the tenants it serves.

The tenant registry is read when the code location loads. A tenant file with errors does not
take the other tenants down: its tenant is left out, the errors are logged when the location
loads and listed in the description of the `tenant_registry` sensor, and that sensor fails on
every tick, naming the file, until it is fixed. A tenant whose definitions Dagster refuses
although its file validated is left out the same way. Set `MAGSPEC_STRICT_REGISTRY=1` to refuse
to load at all instead.
"""

import dataclasses
import logging
import os

import dagster as dg

from magspec_pipelines.flows.order_status import definitions as order_status
from magspec_pipelines.flows.orders import definitions as orders
from magspec_pipelines.flows.price_lists import definitions as price_lists
from magspec_pipelines.flows.prices import definitions as prices
from magspec_pipelines.flows.products_to_magento import definitions as products_to_magento
from magspec_pipelines.flows.products_to_specter import definitions as products_to_specter
from magspec_pipelines.flows.shared.resources import MagspecResource
from magspec_pipelines.flows.stock import definitions as stock
from magspec_pipelines.tenancy import Registry, RegistryError, load_registry
from magspec_pipelines.tenancy.reading import clip, display_path

log = logging.getLogger("magspec")

# Each flow package contributes its part of the code location (`<flow>/definitions.py`).
FLOW_BUILDERS = (
    orders.build,
    order_status.build,
    products_to_magento.build,
    products_to_specter.build,
    prices.build,
    price_lists.build,
    stock.build,
)


# Errors listed in the sensor's description; the sensor's failure lists them all.
ERRORS_IN_DESCRIPTION = 20


def registry_sensor(
    registry_path: str | None,
    errors: list[RegistryError] | None = None,
    refused: list[RegistryError] | None = None,
) -> dg.SensorDefinition:
    """The sensor that fails while the registry has errors. `errors` are those of the load (for
    the description); `refused` the tenants Dagster refused then, out until the next load."""
    refused = list(refused or [])
    description = "Fails, naming file and field, while any tenant file has errors."
    if errors:
        # The description is what the UI shows of a sensor without a tick: the broken tenants
        # are visible from the moment the location loads.
        shown = [f"- {clip(str(e), 300)}" for e in errors[:ERRORS_IN_DESCRIPTION]]
        if len(errors) > ERRORS_IN_DESCRIPTION:
            shown.append(f"- and {len(errors) - ERRORS_IN_DESCRIPTION} more")
        description += (
            f"\n\nWhen the code location loaded, {len(errors)} error(s) left tenants out:\n"
            + "\n".join(shown)
        )

    @dg.sensor(
        name="tenant_registry",
        minimum_interval_seconds=60,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description=description,
    )
    def _sensor(context: dg.SensorEvaluationContext):
        current = load_registry(registry_path)
        problems = [*current.errors, *refused]
        if problems:
            raise dg.DagsterError(
                f"{len(problems)} error(s) in the tenant registry; the tenants affected "
                "are not synced:\n" + "\n".join(str(e) for e in problems)
            )
        return dg.SkipReason(f"{len(current.tenants)} tenant(s), no errors")

    return _sensor


def build_definitions(
    registry: Registry | None = None, magspec: MagspecResource | None = None
) -> dg.Definitions:
    path = os.environ.get("MAGSPEC_TENANTS_DIR") or None
    registry = registry if registry is not None else load_registry(path)
    strict = os.environ.get("MAGSPEC_STRICT_REGISTRY") == "1"
    if strict:
        registry.raise_for_errors()
    flows, built = _build_flows(registry, strict)
    for error in built.errors:
        log.error("tenant registry: %s", error)
    refused = built.errors[len(registry.errors) :]
    return dg.Definitions.merge(
        flows,
        dg.Definitions(
            sensors=[registry_sensor(path, built.errors, refused)],
            resources={"magspec": magspec or MagspecResource()},
        ),
    )


def _flows(registry: Registry) -> dg.Definitions:
    return dg.Definitions.merge(*(build(registry) for build in FLOW_BUILDERS))


def _build_flows(registry: Registry, strict: bool) -> tuple[dg.Definitions, Registry]:
    """The flows of every tenant; when Dagster refuses them, those of the tenants it accepts.

    The registry validates what Dagster checks (crons, time zones), so this is the second line:
    a tenant whose definitions raise anyway is found by building each tenant alone (a few
    milliseconds each, and only after a failure), reported as an error of its file and left out.
    """
    try:
        return _flows(registry), registry
    except Exception:
        if strict:
            raise
        log.exception("the code location's definitions failed; looking for the tenant")
    tenants = dict(registry.tenants)
    errors = list(registry.errors)
    for tenant_id, tenant in sorted(registry.tenants.items()):
        try:
            _flows(dataclasses.replace(registry, tenants={tenant_id: tenant}, errors=[]))
        except Exception as exc:
            del tenants[tenant_id]
            file = display_path(registry.files.get(tenant_id, registry.path / f"{tenant_id}.yaml"))
            why = f"Dagster refused its definitions ({type(exc).__name__}: {clip(str(exc), 300)})"
            errors.append(RegistryError(file, tenant_id, "", why))
    registry = dataclasses.replace(registry, tenants=tenants, errors=errors)
    # Still failing with the refused tenants left out: not a tenant's doing, so it is raised.
    return _flows(registry), registry


defs = build_definitions()
