"""Partitions shared by the flows: tenants (per flow), and tenant × day for orders."""

from __future__ import annotations

from datetime import date

import dagster as dg

from magspec_pipelines.tenancy import Tenant

TENANT = "tenant"
DAY = "day"
DAY_FORMAT = "%Y-%m-%d"


def tenant_partitions(tenants: list[Tenant]) -> dg.StaticPartitionsDefinition:
    return dg.StaticPartitionsDefinition([t.id for t in tenants])


def tenant_day_partitions(tenants: list[Tenant]) -> dg.MultiPartitionsDefinition:
    """Tenant × the day an order was placed in its shop's time zone.

    The day dimension is one calendar in UTC with one day beyond today, so that "today" exists
    for every shop from UTC-12 to UTC+14 although the days themselves are read per shop zone.
    """
    start = min((t.orders.start_date for t in tenants), default=date.today())
    return dg.MultiPartitionsDefinition(
        {
            TENANT: tenant_partitions(tenants),
            DAY: dg.DailyPartitionsDefinition(
                start_date=start.strftime(DAY_FORMAT), end_offset=2, timezone="UTC"
            ),
        }
    )


def tenant_day_key(tenant_id: str, day: date) -> dg.MultiPartitionKey:
    return dg.MultiPartitionKey({TENANT: tenant_id, DAY: day.strftime(DAY_FORMAT)})


def split_key(
    context: dg.AssetExecutionContext | dg.AssetCheckExecutionContext,
) -> tuple[str, date]:
    key = context.partition_key
    if not isinstance(key, dg.MultiPartitionKey):
        raise dg.Failure(f"expected a tenant × day partition, got {key!r}")
    dims = key.keys_by_dimension
    return dims[TENANT], date.fromisoformat(dims[DAY])
