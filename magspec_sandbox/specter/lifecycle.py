"""An order's life after it is placed: deliveries, invoices, payment, cancellation.

What staff do in Specter and what `newDeliverySubmit` does from the shop share these methods,
so both change state, queue order and stock changes and fire callbacks the same way.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from . import assumed
from .errors import ActionRefused
from .fields import number_field
from .protocol import Params

if TYPE_CHECKING:
    from .queues import ChangeQueue


class OrderLifecycle:
    """Mixin of `AccountState` for deliveries, invoices, payment and cancellation."""

    articles: dict[str, dict[str, Any]]
    stock: dict[str, dict[str, dict[str, Decimal]]]
    orders: dict[str, dict[str, Any]]
    invoices: dict[str, dict[str, Any]]
    order_queue: ChangeQueue
    changing: Callable[[], AbstractContextManager[None]]
    today: Callable[[], date]
    _fire: Callable[..., None]
    _invoice_nos: itertools.count[int]
    _delivery_nos: itertools.count[int]
    _ship: Callable[[str, str, Decimal], None]
    _release: Callable[[str, str, Decimal], None]
    _log: Callable[[str, Params], None]

    # -- deliveries ------------------------------------------------------------------------
    def deliver(
        self,
        order_no: str,
        rows: Sequence[tuple[str, Decimal]] | None = None,
        tracking_no: str = "",
        delivery_method: str = "",
        delivery_date: date | None = None,
    ) -> dict[str, Any]:
        """Deliver `rows` of (articleNo, noOfItems), or everything remaining when None.

        Returns the delivery. Refused (nothing changed) for an unknown or cancelled order, an
        article not on the order, or more than remains to deliver.
        """
        with self.changing():
            order = self._open_order(order_no)
            if rows is None:
                rows = self._remaining(order)
                if not rows:
                    raise ActionRefused(
                        assumed.BAD_FIELD,
                        assumed.bad_field("orderId", f"order {order_no} is fully delivered"),
                    )
            plan = self._allocate(order, rows)
            delivery_no = str(next(self._delivery_nos))
            delivery = {
                "deliveryNo": delivery_no,
                "deliveryDate": (delivery_date or self.today()).isoformat(),
                "trackingNo": ",".join(
                    part.strip() for part in tracking_no.split(",") if part.strip()
                ),
                "deliveryMethod": delivery_method,
                "rows": [{"articleNo": a, "noOfItems": q} for a, q in rows],
            }
            for row, quantity in plan:
                row["deliveredItems"] += quantity
                self._ship(row["articleNo"], order["stockSiteId"], quantity)
            order["deliveries"].append(delivery)
            order["deliveriesUpdated"] = True
            self._order_changed(order)
            return delivery

    def submit_delivery(self, params: Params) -> str:
        """`newDeliverySubmit`: deliver numbered rows of an order; returns the deliveryNo."""
        order_no = params.text("orderId")
        if not order_no:
            raise ActionRefused(assumed.BAD_FIELD, assumed.bad_field("orderId", "is required"))
        rows = []
        for n in itertools.count(1):
            article_no = params.text(f"articleNo_{n}")
            if not article_no:
                break
            quantity = number_field(params, f"noOfItems_{n}")
            if quantity is None or quantity <= 0:
                raise ActionRefused(
                    assumed.BAD_FIELD, assumed.bad_field(f"noOfItems_{n}", "must be above 0")
                )
            rows.append((article_no, quantity))
        if not rows:
            raise ActionRefused(assumed.BAD_FIELD, assumed.bad_field("articleNo_1", "is required"))
        delivery_date = None
        if params.text("deliveryDate"):
            try:
                delivery_date = date.fromisoformat(params.text("deliveryDate"))
            except ValueError:
                raise ActionRefused(
                    assumed.BAD_FIELD,
                    assumed.bad_field("deliveryDate", f"is not a date: '{params['deliveryDate']}'"),
                ) from None
        with self.changing():
            delivery = self.deliver(
                order_no,
                rows,
                tracking_no=params.text("trackingNo"),
                delivery_method=params.text("deliveryMethod"),
                delivery_date=delivery_date,
            )
            self._log("newDeliverySubmit", params)
            return delivery["deliveryNo"]

    def _open_order(self, order_no: str) -> dict[str, Any]:
        order = self.orders.get(order_no)
        if order is None:
            raise ActionRefused(assumed.UNKNOWN_ORDER, assumed.unknown_order(order_no))
        if order["statusId"] == assumed.CANCELLED_STATUS_ID:
            raise ActionRefused(
                assumed.BAD_FIELD, assumed.bad_field("orderId", f"order {order_no} is cancelled")
            )
        return order

    def _stocked(self, row: dict[str, Any]) -> bool:
        # Rows of articles that keep no stock (freight, discount) are never delivered.
        return row["articleNo"] in self.stock

    def _remaining(self, order: dict[str, Any]) -> list[tuple[str, Decimal]]:
        remaining: dict[str, Decimal] = {}
        for row in order["rows"]:
            left = row["noOfItems"] - row["deliveredItems"]
            if self._stocked(row) and left > 0:
                remaining[row["articleNo"]] = remaining.get(row["articleNo"], Decimal(0)) + left
        return list(remaining.items())

    def _allocate(
        self, order: dict[str, Any], rows: Sequence[tuple[str, Decimal]]
    ) -> list[tuple[dict[str, Any], Decimal]]:
        """Spread delivered quantities over the order's rows of each article, in row order."""
        plan: list[tuple[dict[str, Any], Decimal]] = []
        taken: dict[int, Decimal] = {}
        for n, (article_no, quantity) in enumerate(rows, start=1):
            candidates = [
                row
                for row in order["rows"]
                if row["articleNo"] == article_no and self._stocked(row)
            ]
            if not candidates:
                raise ActionRefused(
                    assumed.BAD_FIELD,
                    assumed.bad_field(
                        f"articleNo_{n}", f"'{article_no}' is not on order {order['orderNo']}"
                    ),
                )
            left = quantity
            for row in candidates:
                free = row["noOfItems"] - row["deliveredItems"] - taken.get(id(row), Decimal(0))
                share = min(free, left)
                if share > 0:
                    plan.append((row, share))
                    taken[id(row)] = taken.get(id(row), Decimal(0)) + share
                    left -= share
            if left > 0:
                raise ActionRefused(
                    assumed.BAD_FIELD,
                    assumed.bad_field(
                        f"noOfItems_{n}",
                        f"{_plain(quantity)} of '{article_no}' is more than remains to deliver "
                        f"({_plain(quantity - left)})",
                    ),
                )
        return plan

    # -- invoices and payment --------------------------------------------------------------
    def invoice(self, order_no: str) -> dict[str, Any]:
        """Staff invoice an order in Specter (`invoiceSource` sbm); returns the invoice."""
        with self.changing():
            invoice_no = self._create_invoice(
                order_no, assumed.DEFAULT_TYPE_INVOICE, assumed.INVOICE_SOURCE_STAFF
            )
            return self.invoices[invoice_no]

    def _create_invoice(self, order_no: str, type_invoice: str, source: str) -> str:
        order = self.orders.get(order_no)
        if order is None:
            raise ActionRefused(assumed.UNKNOWN_ORDER, assumed.unknown_order(order_no))
        if order["invoiceNo"] is not None:
            raise ActionRefused(
                assumed.NOTHING_TO_INVOICE,
                assumed.nothing_to_invoice(order_no, order["invoiceNo"]),
            )
        invoice_no = str(next(self._invoice_nos))
        amount = sum(
            (
                row["noOfItems"] * row["priceExclVAT"] * (100 + row["vatPercent"]) / 100
                for row in order["rows"]
            ),
            Decimal(0),
        )
        self.invoices[invoice_no] = {
            "invoiceNo": invoice_no,
            "orderNo": order_no,
            "typeInvoice": type_invoice,
            "source": source,
            "amount": amount.quantize(assumed.PRICE_DECIMALS),
            "paid": False,
            "paidDate": None,
        }
        order["invoiceNo"] = invoice_no
        self._order_changed(order)
        self._fire(
            "actionNewInvoice",
            orderId=order_no,
            orderNo=order_no,
            invoiceId=invoice_no,
            invoiceSource=source,
        )
        return invoice_no

    def mark_paid(self, invoice_no: str, paid_date: date | None = None) -> dict[str, Any]:
        """Staff register the payment of an invoice; returns the invoice."""
        with self.changing():
            invoice = self.invoices.get(invoice_no)
            if invoice is None:
                raise ActionRefused(assumed.UNKNOWN_ORDER, assumed.unknown_invoice(invoice_no))
            invoice["paid"] = True
            invoice["paidDate"] = (paid_date or self.today()).isoformat()
            self._order_changed(self.orders[invoice["orderNo"]])
            return invoice

    # -- cancellation ----------------------------------------------------------------------
    def cancel(self, order_no: str) -> dict[str, Any]:
        """Staff remove ("Ta bort order") an order: statusId 5, reservations released."""
        with self.changing():
            order = self._open_order(order_no)
            if order["invoiceNo"] is not None:
                raise ActionRefused(
                    assumed.BAD_FIELD,
                    assumed.bad_field(
                        "orderId", f"order {order_no} is invoiced ({order['invoiceNo']})"
                    ),
                )
            order["statusId"] = assumed.CANCELLED_STATUS_ID
            for row in order["rows"]:
                left = row["noOfItems"] - row["deliveredItems"]
                if left > 0:
                    self._release(row["articleNo"], order["stockSiteId"], left)
            self._order_changed(order)
            self._fire("actionRemoveOrder", orderNo=order_no, orderId=order_no)
            return order

    # -- status ----------------------------------------------------------------------------
    def _order_changed(self, order: dict[str, Any]) -> None:
        self._refresh_status(order)
        self.order_queue.mark(order["orderNo"])
        self._fire("actionOrderChange", orderId=order["orderNo"], orderNo=order["orderNo"])

    def _refresh_status(self, order: dict[str, Any]) -> None:
        """Derive deliveryStatus, paid and the readable status from the raw fields."""
        stocked = [row for row in order["rows"] if self._stocked(row)]
        delivered = [row["deliveredItems"] for row in stocked]
        if stocked and all(r["deliveredItems"] >= r["noOfItems"] for r in stocked):
            delivery_status = assumed.DELIVERY_STATUS_DELIVERED
        elif any(delivered):
            delivery_status = assumed.DELIVERY_STATUS_PARTLY
        else:
            delivery_status = assumed.DELIVERY_STATUS_NONE
        invoice = self.invoices.get(order["invoiceNo"] or "")
        order["deliveryStatus"] = delivery_status
        order["paid"] = bool(invoice and invoice["paid"])
        if order["statusId"] == assumed.CANCELLED_STATUS_ID:
            status = assumed.STATUS_CANCELLED
        elif order["paid"]:
            status = assumed.STATUS_PAID
        elif invoice is not None:
            status = assumed.STATUS_INVOICED
        elif delivery_status == assumed.DELIVERY_STATUS_DELIVERED:
            status = assumed.STATUS_DELIVERED
        elif delivery_status == assumed.DELIVERY_STATUS_PARTLY:
            status = assumed.STATUS_PARTLY_DELIVERED
        else:
            status = assumed.STATUS_REGISTERED
        order["status"] = status

    def order_snapshot(self, key: Any) -> dict[str, Any]:
        return copy.deepcopy(self.orders[key])

    def orders_acknowledged(self, order_nos: Sequence[Any]) -> None:
        """The shop has the orders' changes: their deliveries are no longer news."""
        for order_no in order_nos:
            if order_no in self.orders:
                self.orders[order_no]["deliveriesUpdated"] = False


def _plain(quantity: Decimal) -> str:
    return (
        format(quantity.normalize(), "f") if quantity == quantity.to_integral() else str(quantity)
    )
