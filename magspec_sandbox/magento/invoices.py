"""The money of an invoice and what it does to the order's totals and payment (§2.4 "Invoice").

Each invoiced row contributes its share of row total, discount and tax; the first invoice also
carries the shipping. The last invoice takes whatever is left, so the invoices of an order add up
to its grand total to the cent.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from magspec_sandbox.magento.items import amount, cents

if TYPE_CHECKING:
    from magspec_sandbox.magento.order_actions import OrderActions


def _dec(value: Any) -> Decimal:
    return Decimal(str(value or 0))


def build_invoice(
    actions: OrderActions,
    order: dict[str, Any],
    wanted: dict[int, Decimal],
    invoice_id: int,
    at: str,
    online: bool,
) -> dict[str, Any]:
    """The invoice document; also books it on `order` (totals paid/invoiced/due, payment)."""
    subtotal = tax = discount = Decimal(0)
    items = []
    rows = [r for r in order.get("items") or [] if r.get("parent_item_id") is None]
    final = True
    for row in rows:
        qty = wanted.get(row["item_id"], Decimal(0))
        after = _dec(row.get("qty_invoiced")) + qty + _dec(row.get("qty_canceled"))
        final = final and after >= _dec(row["qty_ordered"])
        if not qty:
            continue
        item = actions._document_item(row, invoice_id, qty)
        items.append(item)
        subtotal += _dec(item["row_total"])
        tax += _dec(item["tax_amount"])
        discount += _dec(item["discount_amount"])
    first = not _dec(order.get("total_invoiced"))
    shipping = _dec(order.get("shipping_amount")) if first else Decimal(0)
    shipping_tax = _dec(order.get("shipping_tax_amount")) if first else Decimal(0)
    grand_total = cents(subtotal - discount + tax + shipping + shipping_tax)
    if final:
        grand_total = _dec(order.get("grand_total")) - _dec(order.get("total_invoiced"))
    money = {
        "grand_total": grand_total,
        "subtotal": subtotal,
        "subtotal_incl_tax": subtotal + tax,
        "tax_amount": tax + shipping_tax,
        "discount_amount": -discount,
        "shipping_amount": shipping,
        "shipping_tax_amount": shipping_tax,
        "shipping_incl_tax": shipping + shipping_tax,
    }
    invoice: dict[str, Any] = {
        "entity_id": invoice_id,
        "order_id": order["entity_id"],
        "increment_id": f"{order.get('store_id')}{invoice_id:08d}",
        "store_id": order.get("store_id"),
        "billing_address_id": order.get("billing_address_id"),
        "state": 2,  # paid: online capture and offline marking both settle the invoice
        "can_void_flag": 0,
        "total_qty": amount(sum(wanted.values(), Decimal(0))),
        "order_currency_code": order.get("order_currency_code"),
        "base_currency_code": order.get("base_currency_code"),
        "global_currency_code": order.get("global_currency_code"),
        "store_currency_code": order.get("store_currency_code"),
        "base_to_global_rate": 1,
        "base_to_order_rate": 1,
        "created_at": at,
        "updated_at": at,
        "items": items,
    }
    for key, value in money.items():
        invoice[key] = invoice[f"base_{key}"] = amount(value)
    payment = order.get("payment") or {}
    if online and payment.get("last_trans_id"):
        invoice["transaction_id"] = f"{payment['last_trans_id']}-capture"
    _book(order, money)
    return invoice


def _book(order: dict[str, Any], money: dict[str, Decimal]) -> None:
    for order_key, invoice_key in (
        ("total_invoiced", "grand_total"),
        ("total_paid", "grand_total"),
        ("subtotal_invoiced", "subtotal"),
        ("tax_invoiced", "tax_amount"),
        ("shipping_invoiced", "shipping_amount"),
    ):
        value = amount(_dec(order.get(order_key)) + money[invoice_key])
        order[order_key] = order[f"base_{order_key}"] = value
    due = amount(max(Decimal(0), _dec(order.get("grand_total")) - _dec(order["total_paid"])))
    order["total_due"] = order["base_total_due"] = due
    payment = order.get("payment")
    if isinstance(payment, dict):
        paid = amount(_dec(payment.get("amount_paid")) + money["grand_total"])
        payment["amount_paid"] = payment["base_amount_paid"] = paid
