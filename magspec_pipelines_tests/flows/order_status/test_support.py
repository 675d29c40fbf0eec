"""Helpers of the order status tests: orders placed in a shop, exported by the order flow, then
moved along by Specter's staff, and what the customer saw in Magento."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from magspec_pipelines.flows.order_status.assets import JOB_NAME, MAGENTO_ORDER_UPDATES
from magspec_pipelines.state import StateStore

SBM_OF = {"acme": "1001", "brisk": "1003"}
SERVICE_ARTICLES = {"FRAKT", "RABATT", "PRESENTKORT", "TILLGODO", "BONUS", "INSLAGNING", "AVGIFT"}


def place(world, tenant: str, store: str, method: str, *, min_units: int = 1) -> dict[str, Any]:
    """A new processing order paid with `method` (the generator picks methods at random, so
    orders are placed until one fits; the others are ordinary orders of the same shop)."""
    inst = world.sandboxes.magento.instance(tenant)
    for _ in range(80):
        order = inst.place_order(store_code=store, status="processing")
        units = sum(r["qty_ordered"] for r in order["items"] if r.get("parent_item_id") is None)
        if order["payment"]["method"] == method and units >= min_units:
            return order
    raise AssertionError(f"no {method} order with {min_units} unit(s) came up")


def export(world, tenant: str, *orders: dict[str, Any]) -> None:
    """Run the order flow for the days of `orders`, so each has a Specter order and a binding."""
    for day in sorted({world.day_of(o) for o in orders}):
        assert world.run_day(tenant, day).success


def specter_order_no(world, tenant: str, order: dict[str, Any]) -> str:
    store = StateStore.from_url(None)
    try:
        for binding in store.order_bindings(tenant):
            if binding.magento_entity_id == order["entity_id"] and binding.specter_order_no:
                return binding.specter_order_no
    finally:
        store.dispose()
    raise AssertionError(f"order {order['increment_id']} has no Specter order")


def article_rows(world, tenant: str, order_no: str) -> list[tuple[str, Decimal]]:
    """The Specter order's stocked rows as (article, quantity)."""
    rows = world.specter(SBM_OF[tenant]).orders[order_no]["rows"]
    return [
        (r["articleNo"], Decimal(r["noOfItems"]))
        for r in rows
        if r["articleNo"] not in SERVICE_ARTICLES
    ]


def run_status(world, tenant: str, *, raise_on_error: bool = True, **overrides):
    job = world.definitions(**overrides).resolve_job_def(JOB_NAME)
    return job.execute_in_process(
        partition_key=tenant, instance=world.instance, raise_on_error=raise_on_error
    )


def report(result):
    return result.asset_value(MAGENTO_ORDER_UPDATES)


def magento(world, tenant: str):
    return world.sandboxes.magento.instance(tenant)


def shipments_of(world, tenant: str, entity_id: int) -> list[dict[str, Any]]:
    docs = magento(world, tenant).actions.shipments.values()
    return [s for s in docs if s["order_id"] == entity_id]


def captures_of(world, tenant: str, entity_id: int) -> list[dict[str, Any]]:
    return [c for c in magento(world, tenant).actions.captures if c["order_id"] == entity_id]


def emails_of(world, tenant: str, entity_id: int, kind: str | None = None) -> list[dict]:
    return [
        e
        for e in magento(world, tenant).actions.emails
        if e["order_id"] == entity_id and (kind is None or e["type"] == kind)
    ]


def shipped_units(shipments: list[dict[str, Any]]) -> Decimal:
    return sum((Decimal(str(item["qty"])) for s in shipments for item in s["items"]), Decimal(0))


def ordered_units(world, tenant: str, entity_id: int) -> Decimal:
    order = magento(world, tenant).orders[entity_id]
    return sum(
        (Decimal(str(r["qty_ordered"])) for r in order["items"] if r.get("parent_item_id") is None),
        Decimal(0),
    )
