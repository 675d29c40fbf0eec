"""Reading a tenant's eligible Magento orders: by day (for a partition) or by change (for a sensor).

Shops that live in the same Magento installation are read together, one query per installation,
and each order is assigned to its shop by the store view it was placed in.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from magspec_pipelines.flows.orders.outcomes import FetchedOrder
from magspec_pipelines.flows.shared.installations import installations
from magspec_pipelines.magento.client import MagentoClient
from magspec_pipelines.magento.search import SearchCriteria
from magspec_pipelines.mapping.orders import MAGENTO_DATE_FORMAT
from magspec_pipelines.tenancy import Shop, Tenant

ClientFactory = Callable[[Tenant, Shop], MagentoClient]


@dataclass
class OrderSource:
    """One installation's client and its shops by the store view id orders carry."""

    client: MagentoClient
    shops_by_store_id: dict[int, Shop]

    @property
    def store_ids(self) -> list[int]:
        return sorted(self.shops_by_store_id)


def order_sources(tenant: Tenant, make_client: ClientFactory) -> Iterator[OrderSource]:
    """Each installation of the tenant, connected, with its shops' store view ids."""
    for installation in installations(tenant):
        shops = installation.shops
        client = make_client(tenant, shops[0])
        ids = {view["code"]: int(view["id"]) for view in client.store_views()}
        missing = [s.store_code for s in shops if s.store_code not in ids]
        if missing:
            raise LookupError(
                f"tenant {tenant.id}: Magento has no store view {', '.join(missing)} "
                f"(it has {', '.join(sorted(ids)) or 'none'}); fix shops[].store_code"
            )
        yield OrderSource(client, {ids[s.store_code]: s for s in shops})


def utc_window(day: date, timezone: str) -> tuple[datetime, datetime]:
    """The UTC bounds [start, end) of a calendar day in a time zone."""
    zone = ZoneInfo(timezone)
    start = datetime.combine(day, time.min, zone)
    end = datetime.combine(day + timedelta(days=1), time.min, zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def magento_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(MAGENTO_DATE_FORMAT)


def _eligible(tenant: Tenant, store_ids: list[int]) -> SearchCriteria:
    return (
        SearchCriteria()
        .where("status", "in", list(tenant.orders.trigger_statuses))
        .where("store_id", "in", store_ids)
    )


def fetch_day(
    tenant: Tenant, day: date, make_client: ClientFactory
) -> tuple[list[FetchedOrder], dict[str, str]]:
    """Eligible orders placed on `day` in each shop's time zone; and the UTC windows read."""
    fetched: list[FetchedOrder] = []
    windows: dict[str, str] = {}
    for inst in order_sources(tenant, make_client):
        by_zone: dict[str, list[int]] = defaultdict(list)
        for store_id, shop in inst.shops_by_store_id.items():
            by_zone[shop.timezone or tenant.timezone].append(store_id)
        for zone, store_ids in sorted(by_zone.items()):
            start, end = utc_window(day, zone)
            criteria = (
                _eligible(tenant, sorted(store_ids))
                .where("created_at", "gteq", magento_time(start))
                .where("created_at", "lt", magento_time(end))
            )
            for raw in inst.client.iter_orders(criteria):
                shop = inst.shops_by_store_id.get(int(raw.get("store_id", -1)))
                if shop is not None:
                    fetched.append(FetchedOrder(shop=shop.code, raw=raw))
            for store_id in store_ids:
                code = inst.shops_by_store_id[store_id].code
                windows[code] = f"{magento_time(start)} – {magento_time(end)} UTC"
    fetched.sort(key=lambda f: (f.shop, int(f.raw.get("entity_id") or 0)))
    return fetched, windows


def fetch_changed(
    tenant: Tenant, since: datetime, make_client: ClientFactory
) -> list[FetchedOrder]:
    """Eligible orders updated at or after `since` (the caller overlaps and de-duplicates)."""
    fetched = []
    for inst in order_sources(tenant, make_client):
        criteria = _eligible(tenant, inst.store_ids).where(
            "updated_at", "gteq", magento_time(since)
        )
        for raw in inst.client.iter_orders(criteria):
            shop = inst.shops_by_store_id.get(int(raw.get("store_id", -1)))
            if shop is not None:
                fetched.append(FetchedOrder(shop=shop.code, raw=raw))
    return fetched
