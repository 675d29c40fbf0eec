"""Specter order changes → order events → what Magento is asked to do. Pure functions.

A queue item carries the whole order as Specter sees it now (status, every delivery with its rows
and tracking numbers, the invoice, the paid flag), so one item can hold several events; each gets
a key that stays the same however often the item is seen. Delivered rows are matched to the
Magento order's top-level rows by article number, the way the order flow made them (a
configurable's row under its child's SKU), and shipped by the PARENT row's id (magento2#9762).
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from decimal import Decimal
from typing import Any

from magspec_pipelines.domain.events import DeliveredRow, EventKind, OrderEvent
from magspec_pipelines.domain.fingerprints import short_digest
from magspec_pipelines.magento.models import LineQty, Track
from magspec_pipelines.mapping.problems import MappingProblem
from magspec_pipelines.specter.changes import Delivery, OrderChange
from magspec_pipelines.tenancy import Tenant
from magspec_pipelines.tenancy.status_assumed import (
    DELIVERY_KEY_PREFIX,
    GATEWAY_METHODS,
    GATEWAY_PAYMENT_FIELDS,
    OFFLINE_METHODS,
)

CALLBACK_INVOICE = "new_invoice"
CALLBACK_REMOVAL = "remove_order"


# -- staging payloads ---------------------------------------------------------------------------


def change_payload(change: OrderChange) -> dict[str, Any]:
    """An order change as JSON-safe data, to stage it."""
    data = asdict(change)
    data["deliveries"] = [
        {
            **asdict(d),
            "date": d.date.isoformat() if d.date else None,
            "rows": [[article_no, str(qty)] for article_no, qty in d.rows],
        }
        for d in change.deliveries
    ]
    return data


def change_from_payload(data: dict[str, Any]) -> OrderChange:
    deliveries = tuple(
        Delivery(
            delivery_no=d.get("delivery_no"),
            tracking_numbers=tuple(d.get("tracking_numbers") or ()),
            date=date.fromisoformat(d["date"]) if d.get("date") else None,
            method=d.get("method"),
            rows=tuple((str(a), Decimal(q)) for a, q in d.get("rows") or ()),
        )
        for d in data.get("deliveries") or ()
    )
    return OrderChange(
        order_no=str(data["order_no"]),
        external_order_no=data.get("external_order_no"),
        delivery_status=data.get("delivery_status") or "",
        status_id=data.get("status_id") or "",
        paid=data.get("paid"),
        invoice_no=data.get("invoice_no"),
        deliveries=deliveries,
        deliveries_updated=bool(data.get("deliveries_updated")),
    )


def callback_payload(kind: str, order_no: str, invoice_no: str | None = None) -> dict[str, Any]:
    return {"callback": kind, "order_no": order_no, "invoice_no": invoice_no}


# -- events -------------------------------------------------------------------------------------


def delivery_key(delivery: Delivery) -> str:
    if delivery.delivery_no:
        return f"{DELIVERY_KEY_PREFIX}{delivery.delivery_no}"
    content = repr((delivery.date, delivery.rows, delivery.tracking_numbers, delivery.method))
    return f"{DELIVERY_KEY_PREFIX}#{short_digest(content)}"


def events_from_change(change: OrderChange) -> list[OrderEvent]:
    """Every event an order change shows: its deliveries (the one that completes the order is
    `delivered`, earlier ones `partly_delivered`), its invoice, payment and cancellation."""
    base = {"specter_order_no": change.order_no, "external_order_no": change.external_order_no}
    events = []
    last = len(change.deliveries) - 1
    for i, delivery in enumerate(change.deliveries):
        kind = (
            EventKind.DELIVERED if change.is_delivered and i == last else EventKind.PARTLY_DELIVERED
        )
        events.append(
            OrderEvent(
                kind=kind,
                key=delivery_key(delivery),
                delivery_no=delivery.delivery_no,
                rows=tuple(DeliveredRow(article_no=a, quantity=q) for a, q in delivery.rows),
                tracking_numbers=delivery.tracking_numbers,
                delivery_method=delivery.method,
                **base,
            )
        )
    if change.invoice_no:
        events.append(
            OrderEvent(
                kind=EventKind.INVOICED,
                key=f"invoice:{change.invoice_no}",
                invoice_no=change.invoice_no,
                **base,
            )
        )
        if change.paid:
            events.append(
                OrderEvent(
                    kind=EventKind.PAID,
                    key=f"paid:{change.invoice_no}",
                    invoice_no=change.invoice_no,
                    **base,
                )
            )
    if change.is_cancelled:
        events.append(OrderEvent(kind=EventKind.CANCELLED, key="cancelled", **base))
    return events


def events_from_callback(data: dict[str, Any]) -> list[OrderEvent]:
    """The event a staged invoice or removal callback stands for (a nudge stands for none)."""
    kind, order_no = data.get("callback"), str(data.get("order_no") or "")
    if not order_no:
        return []
    if kind == CALLBACK_INVOICE and data.get("invoice_no"):
        invoice_no = str(data["invoice_no"])
        return [
            OrderEvent(
                kind=EventKind.INVOICED,
                specter_order_no=order_no,
                key=f"invoice:{invoice_no}",
                invoice_no=invoice_no,
                source="callback",
            )
        ]
    if kind == CALLBACK_REMOVAL:
        return [
            OrderEvent(
                kind=EventKind.CANCELLED,
                specter_order_no=order_no,
                key="cancelled",
                source="callback",
            )
        ]
    return []


# -- Magento side -------------------------------------------------------------------------------


def _dec(value: Any) -> Decimal:
    return Decimal(str(value or 0))


def _article_of_rows(order: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(article number, top-level row) in row order, as the order flow named the articles."""
    items = order.get("items") or []
    child_of: dict[int, dict[str, Any]] = {}
    for item in items:
        if item.get("parent_item_id") is not None:
            child_of.setdefault(int(item["parent_item_id"]), item)
    rows = []
    for item in items:
        if item.get("parent_item_id") is not None:
            continue
        child = child_of.get(int(item["item_id"]))
        configurable = item.get("product_type") == "configurable" and child is not None
        rows.append((str(child["sku"] if configurable else item["sku"]), item))
    return rows


def remaining(row: dict[str, Any], done_key: str) -> Decimal:
    return _dec(row.get("qty_ordered")) - _dec(row.get(done_key)) - _dec(row.get("qty_canceled"))


def delivered_items(
    event: OrderEvent, order: dict[str, Any], tenant: Tenant, done_key: str = "qty_shipped"
) -> tuple[list[LineQty], list[str]]:
    """The Magento rows and quantities a delivery stands for, capped at what is left to ship
    (or invoice, with `done_key="qty_invoiced"`); and notes on what was capped.

    Raises `MappingProblem` for an article that is not on the Magento order.
    """
    service = tenant.orders.service_articles
    by_article: dict[str, list[dict[str, Any]]] = {}
    for article_no, row in _article_of_rows(order):
        by_article.setdefault(article_no, []).append(row)
    wanted: dict[int, Decimal] = {}
    notes = []
    for delivered in event.rows:
        if delivered.article_no in service:
            continue
        rows = by_article.get(delivered.article_no)
        if not rows:
            raise MappingProblem(
                f"article {delivered.article_no!r} of Specter delivery {event.delivery_no} is "
                f"not on Magento order {order.get('increment_id')}",
                fix="the delivery in Specter or the order's SKUs in Magento; then "
                f"`magspec parked retry {tenant.id}`",
            )
        left = delivered.quantity
        for row in rows:
            free = remaining(row, done_key) - wanted.get(int(row["item_id"]), Decimal(0))
            share = min(free, left)
            if share > 0:
                wanted[int(row["item_id"])] = wanted.get(int(row["item_id"]), Decimal(0)) + share
                left -= share
        if left > 0:
            notes.append(f"{_plain(left)} of {delivered.article_no} already {done_key[4:]}")
    return [LineQty(order_item_id=i, qty=_plain_number(q)) for i, q in wanted.items()], notes


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _plain_number(value: Decimal) -> int | Decimal:
    return int(value) if value == value.to_integral_value() else value


def tracks(event: OrderEvent, tenant: Tenant) -> list[Track]:
    carrier = tenant.order_status.carrier_for(event.delivery_method)
    return [
        Track(track_number=number, carrier_code=carrier.code, title=carrier.title or carrier.code)
        for number in event.tracking_numbers
    ]


def is_gateway_payment(order: dict[str, Any]) -> bool:
    payment = order.get("payment") or {}
    if payment.get("method") in GATEWAY_METHODS:
        return True
    return any(_dec(payment.get(name)) > 0 for name in GATEWAY_PAYMENT_FIELDS)


def capture_mode(order: dict[str, Any], tenant: Tenant) -> str:
    """How an invoice of this order takes the money: online, offline or none.

    Raises `MappingProblem` when the tenant has not said and the method is not a known one, and
    when the answer would be an offline invoice on a payment a provider still holds.
    """
    method = str((order.get("payment") or {}).get("method") or "")
    configured = tenant.order_status.capture.get(method)
    fix = f"tenants/{tenant.id}.yaml: order_status.capture.{method or '<method>'}"
    if configured is not None:
        mode = configured
    elif method in GATEWAY_METHODS:
        mode = "online"
    elif method in OFFLINE_METHODS:
        mode = "offline"
    else:
        raise MappingProblem(
            f"payment method {method!r} has no capture mode (online, offline or none)", fix=fix
        )
    if mode == "offline" and is_gateway_payment(order):
        raise MappingProblem(
            f"an offline invoice would mark the {method} payment paid without taking the money "
            "and make the later capture impossible",
            fix=f"{fix}: online or none",
        )
    return mode


def render_comment(template: str, event: OrderEvent) -> str:
    values = {
        "order_no": event.specter_order_no,
        "invoice_no": event.invoice_no or "",
        "delivery_no": event.delivery_no or "",
        "tracking": ", ".join(event.tracking_numbers),
    }
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):
        # A template naming an unknown field is shown as written rather than lost.
        return template
