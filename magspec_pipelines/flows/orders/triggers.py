"""What starts the order flow: a sensor per tenant for new eligible orders, a schedule per tenant
as the safety net.

The sensor reads orders by `updated_at` from a watermark minus an overlap (never a strict `>`:
orders saved in the same second as the watermark would be lost) and de-duplicates the overlap
with the cursor. It asks for the day partitions the new orders belong to; the run key is built
from the orders themselves, so asking twice for the same orders starts one run.
"""

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import dagster as dg

from magspec_pipelines.domain.fingerprints import short_digest
from magspec_pipelines.flows.orders.fetch import fetch_changed, magento_time
from magspec_pipelines.flows.shared.partitions import tenant_day_key
from magspec_pipelines.flows.shared.resources import MagspecResource
from magspec_pipelines.flows.shared.schedules import (
    AssetJob,
    tenant_run,
    tenant_schedule,
    tenant_sensor,
)
from magspec_pipelines.mapping.orders import order_day, parse_magento_datetime
from magspec_pipelines.state import BindingState
from magspec_pipelines.tenancy import Tenant

OVERLAP = timedelta(minutes=5)
SENSOR_INTERVAL_SECONDS = 30
WATERMARK_STREAM = "magento_orders"


@dataclass
class OrderCursor:
    """The sensor's position: the newest `updated_at` seen, and the orders already asked for
    inside the overlap (entity key → updated_at), so the overlap does not ask twice."""

    watermark: str = ""
    requested: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, text: str | None) -> "OrderCursor":
        if not text:
            return cls()
        data = json.loads(text)
        return cls(watermark=data.get("watermark", ""), requested=data.get("requested", {}))

    def dump(self) -> str:
        return json.dumps(
            {"watermark": self.watermark, "requested": self.requested}, sort_keys=True
        )


def _run_key(tenant_id: str, day: str, stamps: list[str]) -> str:
    digest = short_digest("\n".join(sorted(stamps)))
    return f"orders:{tenant_id}:{day}:{digest}"


def evaluate_new_orders(
    tenant: Tenant, magspec: MagspecResource, cursor: OrderCursor
) -> tuple[list[dg.RunRequest], OrderCursor]:
    """One sensor tick, without Dagster's context so tests and the demo can call it."""
    start = datetime.combine(tenant.orders.start_date, time.min, ZoneInfo(tenant.timezone))
    since = parse_magento_datetime(cursor.watermark) - OVERLAP if cursor.watermark else start
    fetched = fetch_changed(tenant, since, magspec.magento)
    done = {
        (b.shop, b.magento_entity_id)
        for b in magspec.state.order_bindings(tenant.id)
        if b.state in (BindingState.CREATED, BindingState.INVOICED)
        and (tenant.orders.document != "invoice" or b.state is BindingState.INVOICED)
    }
    by_day: dict[str, list[str]] = defaultdict(list)
    newest = cursor.watermark
    seen: dict[str, str] = {}
    for item in fetched:
        raw = item.raw
        key = f"{item.shop}:{raw['entity_id']}"
        updated = str(raw.get("updated_at") or raw["created_at"])
        newest = max(newest, updated)
        seen[key] = updated
        if (item.shop, int(raw["entity_id"])) in done or cursor.requested.get(key) == updated:
            continue
        shop = tenant.shop(item.shop)
        day = order_day(raw["created_at"], shop.timezone or tenant.timezone)
        if day < tenant.orders.start_date:
            continue
        by_day[day.isoformat()].append(f"{key}@{updated}")
    requests = [
        tenant_run(
            tenant,
            _run_key(tenant.id, day, stamps),
            "new orders",
            partition_key=tenant_day_key(tenant.id, datetime.fromisoformat(day).date()),
        )
        for day, stamps in sorted(by_day.items())
    ]
    floor = magento_time(parse_magento_datetime(newest) - OVERLAP) if newest else ""
    requested = {k: v for k, v in {**cursor.requested, **seen}.items() if v >= floor}
    return requests, OrderCursor(watermark=newest, requested=requested)


def build_order_sensor(tenant: Tenant, job: AssetJob) -> dg.SensorDefinition:
    def tick(context: dg.SensorEvaluationContext, magspec: MagspecResource):
        cursor = OrderCursor.load(context.cursor)
        requests, cursor = evaluate_new_orders(tenant, magspec, cursor)
        if cursor.watermark:
            magspec.state.set_watermark(
                tenant.id, WATERMARK_STREAM, "", cursor.watermark, {"overlap_s": OVERLAP.seconds}
            )
        if not requests:
            return dg.SensorResult(
                skip_reason=f"no new eligible orders since {cursor.watermark or 'the start'}",
                cursor=cursor.dump(),
            )
        return dg.SensorResult(run_requests=requests, cursor=cursor.dump())

    return tenant_sensor(
        tenant,
        name=f"orders_new_{tenant.id}",
        job=job,
        interval_seconds=SENSOR_INTERVAL_SECONDS,
        description=f"New eligible Magento orders of {tenant.name} → their day partitions.",
        evaluate=tick,
    )


def build_order_schedule(tenant: Tenant, job: AssetJob) -> dg.ScheduleDefinition:
    """Yesterday and today, again, on the tenant's cron: catches whatever a sensor tick missed."""

    def requests(moment: datetime) -> list[dg.RunRequest]:
        today = moment.astimezone(ZoneInfo(tenant.timezone)).date()
        return [
            tenant_run(
                tenant,
                f"orders:{tenant.id}:{day.isoformat()}:{moment.isoformat()}",
                "safety net",
                partition_key=tenant_day_key(tenant.id, day),
            )
            for day in (today - timedelta(days=1), today)
            if day >= tenant.orders.start_date
        ]

    return tenant_schedule(
        tenant,
        name=f"orders_safety_net_{tenant.id}",
        cron=tenant.cron.orders,
        job=job,
        key="orders",
        description=f"Re-checks yesterday's and today's orders of {tenant.name}.",
        requests=requests,
    )
