"""The money of a generated order (§2.2): totals from its rows, shipping, the extras beside them
(`order_extras.py`), what is paid, invoiced or cancelled for its status, and the taxes per rate."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from magspec_sandbox.magento import assumed
from magspec_sandbox.magento.items import Line, amount, cents
from magspec_sandbox.magento.order_extras import (
    OrderExtras,
    add_extension_amounts,
    apply_payments,
    apply_shipping_discount,
)
from magspec_sandbox.magento.payments import GATEWAY_METHODS
from magspec_sandbox.magento.stores import StoreView


@dataclass(frozen=True)
class OrderMoney:
    columns: dict[str, Decimal]  # the order's money columns; each is also sent as base_<column>
    extension: dict[str, Any]  # the extension attributes' amounts (fees, gift cards…)
    ship_method: str
    shipping: Decimal
    grand_total: Decimal
    paid: bool


def order_money(
    lines: list[Line],
    view: StoreView,
    extras: OrderExtras,
    entity_id: int,
    status: str,
    method: str,
) -> OrderMoney:
    """The money of an order of `lines` in `view`, left in `status`, paid by `method`."""
    factor = assumed.CURRENCY_FACTOR.get(view.spec.currency, Decimal(1))
    subtotal = sum((line.row_total for line in lines), Decimal(0))
    discount = sum((line.discount for line in lines), Decimal(0))
    items_tax = sum((line.tax for line in lines), Decimal(0))
    if subtotal >= assumed.FREE_SHIPPING_FROM_USD * factor and not extras.wants_shipping:
        ship_method, shipping = "freeshipping_freeshipping", Decimal(0)
    else:
        ship_method, shipping = "flatrate_flatrate", cents(assumed.FLAT_RATE_USD * factor)
    ship_rate = view.tax_rate if assumed.SHIPPING_TAXED else Decimal(0)
    ship_discount, shipping_tax, shipping_incl_tax = apply_shipping_discount(
        extras, shipping, ship_rate
    )
    extension: dict[str, Any] = {}
    added, added_tax = add_extension_amounts(extension, extras, entity_id, view.tax_rate)
    tax = items_tax + shipping_tax + added_tax
    before_payments = subtotal - discount - ship_discount + shipping + items_tax
    before_payments += shipping_tax + added
    grand_total = apply_payments(extension, extras, before_payments)

    columns = {
        "grand_total": grand_total,
        "subtotal": subtotal,
        "subtotal_incl_tax": sum((line.row_total_incl_tax for line in lines), Decimal(0)),
        "tax_amount": tax,
        "discount_amount": -(discount + ship_discount),
        "discount_tax_compensation_amount": Decimal(0),
        "shipping_amount": shipping,
        "shipping_incl_tax": shipping_incl_tax,
        "shipping_tax_amount": shipping_tax,
        "shipping_discount_amount": ship_discount,
    }
    paid = status == "complete" or (status == "processing" and method not in GATEWAY_METHODS)
    if paid:
        for key in ("total_paid", "total_invoiced"):
            columns[key] = grand_total
        columns["subtotal_invoiced"] = subtotal
        columns["tax_invoiced"] = tax
        columns["shipping_invoiced"] = shipping
        columns["total_due"] = Decimal(0)
    else:
        columns["total_due"] = grand_total if status != "canceled" else Decimal(0)
    if status == "canceled":
        columns["total_canceled"] = grand_total
        columns["subtotal_canceled"] = subtotal
        columns["tax_canceled"] = tax
    return OrderMoney(columns, extension, ship_method, shipping, grand_total, paid)


def settle_items(items: list[dict[str, Any]], paid: bool, status: str) -> None:
    """Set the visible rows' invoiced, shipped and cancelled quantities for the order's status."""
    for row in items:
        if row.get("parent_item_id") is None:
            qty = row["qty_ordered"]
            row["qty_invoiced"] = qty if paid else 0
            row["qty_shipped"] = qty if status == "complete" else 0
            row["qty_canceled"] = qty if status == "canceled" else 0


def applied_taxes(
    order: dict[str, Any], view: StoreView, lines: list[Line]
) -> list[dict[str, Any]]:
    """One entry per rate: the shop's rate takes what is not on a row of a reduced rate."""
    total = Decimal(str(order["tax_amount"]))
    reduced: dict[Decimal, Decimal] = {}
    for line in lines:
        if line.tax_rate != view.tax_rate:
            reduced[line.tax_rate] = reduced.get(line.tax_rate, Decimal(0)) + line.tax
    by_rate = {view.tax_rate: total - sum(reduced.values(), Decimal(0)), **reduced}
    out = []
    for rate, tax in by_rate.items():
        percent = amount(rate * 100)
        out.append(
            {
                "code": f"{view.spec.currency}-{percent}",
                "title": f"Tax {percent}%",
                "percent": percent,
                "amount": amount(tax),
                "base_amount": amount(tax),
            }
        )
    return out
