"""Order actions: comments, hold/unhold, cancel, e-mails, ship and invoice (reference §2.3, §2.4).

State follows §2.3: invoicing or shipping moves `new` to `processing`, and an order whose every
item is both shipped and invoiced becomes `complete`. `cancel` answers `false` (HTTP 200) once
anything was invoiced or shipped. Comments obey the status rule chosen in the settings: `state`
(current upstream: a status of the current state, empty keeps it), `2.4.7` (equal to the current
status) or `legacy` (anything; empty sets NULL, #34180). Each action replaces the order dict
instead of changing it in place, so readers on other threads keep a consistent snapshot.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from magspec_sandbox.magento import assumed, errors
from magspec_sandbox.magento.invoices import build_invoice
from magspec_sandbox.magento.items import amount, cents
from magspec_sandbox.magento.orders import format_date, parse_date
from magspec_sandbox.magento.payments import GATEWAY_METHODS

if TYPE_CHECKING:
    from magspec_sandbox.magento.state import MagentoInstance

HOLD_NOT_AVAILABLE = "A hold action is not available."
CANNOT_UNHOLD = "You cannot remove the hold."
STATUS_NOT_IN_HISTORY = (
    'Unable to add comment: The status "%1" is not part of the order status history.'  # noqa: E501
)
COMMENT_RULES = ("state", "2.4.7", "legacy")
# §2.3: the statuses assigned to each state in a fresh install.
STATUSES_OF_STATE: dict[str, tuple[str, ...]] = {
    "new": ("pending",),
    "pending_payment": ("pending_payment",),
    "processing": ("processing", "fraud"),
    "complete": ("complete",),
    "closed": ("closed",),
    "canceled": ("canceled",),
    "holded": ("holded",),
    "payment_review": ("payment_review", "fraud"),
}
FINAL_STATES = frozenset({"canceled", "complete", "closed"})


def _dec(value: Any) -> Decimal:
    return Decimal(str(value or 0))


def top_rows(order: dict[str, Any]) -> list[dict[str, Any]]:
    return [row for row in order.get("items") or [] if row.get("parent_item_id") is None]


def _children_of(order: dict[str, Any], item_id: int) -> list[dict[str, Any]]:
    return [row for row in order.get("items") or [] if row.get("parent_item_id") == item_id]


class OrderActions:
    """The action side of an instance's orders, with the documents and e-mails they produce."""

    def __init__(self, inst: MagentoInstance) -> None:
        self.inst = inst
        self.shipments: dict[int, dict[str, Any]] = {}
        self.invoices: dict[int, dict[str, Any]] = {}
        self.emails: list[dict[str, Any]] = []
        self.captures: list[dict[str, Any]] = []
        self._next = {"shipment": 1, "invoice": 1, "item": 1, "track": 1, "comment": 1}

    def _take(self, name: str) -> int:
        value = self._next[name]
        self._next[name] = value + 1
        return value

    # -- plumbing --------------------------------------------------------------------------------
    def _change(self, entity_id: int, change: Callable[[dict[str, Any], str], Any]) -> Any:
        inst = self.inst
        with inst.lock:
            current = inst.orders.get(entity_id)
            if current is None:
                raise errors.NoSuchEntityError(errors.NO_SUCH_ENTITY)
            order = copy.deepcopy(current)
            try:
                last = parse_date(str(order.get("updated_at")))
                moment = max(inst.now(), last + timedelta(seconds=1))
            except ValueError:
                moment = inst.now()
            at = format_date(moment)
            result = change(order, at)
            order["updated_at"] = at
            inst.orders[entity_id] = order
            return result

    def _history(
        self, order: dict[str, Any], at: str, status: str | None, comment: str | None = None,
        notified: bool = False, visible: bool = False,
    ) -> None:  # fmt: skip
        entry = self.inst.history_entry(order["entity_id"], status, comment, at)
        entry["is_customer_notified"] = int(notified)
        entry["is_visible_on_front"] = int(visible)
        histories = order.get("status_histories")
        order["status_histories"] = [entry, *(histories if isinstance(histories, list) else [])]

    def _email(self, order: dict[str, Any], kind: str, at: str, **details: Any) -> None:
        self.emails.append(
            {
                "order_id": order["entity_id"],
                "increment_id": order.get("increment_id"),
                "to": order.get("customer_email"),
                "type": kind,
                "sent_at": at,
                **details,
            }
        )

    # -- comments, hold, cancel, e-mails ---------------------------------------------------------
    def add_comment(self, entity_id: int, entry: dict[str, Any]) -> bool:
        rule = self.inst.settings.comment_status_rule
        custom = self.inst.spec.custom_statuses

        def change(order: dict[str, Any], at: str) -> bool:
            current = order.get("status")
            wanted = entry.get("status") or None
            if rule == "legacy":
                status = wanted  # ≤ 2.4.6: anything goes, and no status sets NULL
            elif wanted is None:
                status = current
            elif rule == "2.4.7":
                if wanted != current:
                    raise errors.InputError(STATUS_NOT_IN_HISTORY, [wanted])
                status = wanted
            else:
                state = order.get("state")
                allowed = STATUSES_OF_STATE.get(str(state), ()) + tuple(
                    s for s, st in custom.items() if st == state
                )
                if wanted not in allowed:
                    raise errors.InputError(STATUS_NOT_IN_HISTORY, [wanted])
                status = wanted
            order["status"] = status
            notified = bool(entry.get("is_customer_notified"))
            comment = entry.get("comment")
            visible = bool(entry.get("is_visible_on_front"))
            self._history(order, at, status, comment, notified, visible)
            if notified:
                self._email(order, "comment", at, comment=comment)
            return True

        return self._change(entity_id, change)

    def hold(self, entity_id: int) -> bool:
        def change(order: dict[str, Any], at: str) -> bool:
            state = order.get("state")
            if state in FINAL_STATES or state in ("holded", "payment_review"):
                raise errors.InputError(HOLD_NOT_AVAILABLE)
            order["hold_before_state"], order["hold_before_status"] = state, order.get("status")
            order["state"] = order["status"] = "holded"
            self._history(order, at, "holded")
            return True

        return self._change(entity_id, change)

    def unhold(self, entity_id: int) -> bool:
        def change(order: dict[str, Any], at: str) -> bool:
            if order.get("state") != "holded":
                raise errors.InputError(CANNOT_UNHOLD)
            order["state"] = order.pop("hold_before_state", None) or "processing"
            order["status"] = order.pop("hold_before_status", None) or order["state"]
            self._history(order, at, order["status"])
            return True

        return self._change(entity_id, change)

    def cancel(self, entity_id: int) -> bool:
        def change(order: dict[str, Any], at: str) -> bool:
            rows = top_rows(order)
            touched = any(r.get("qty_invoiced") or r.get("qty_shipped") for r in rows)
            if order.get("state") in FINAL_STATES | {"holded", "payment_review"} or touched:
                return False  # !canCancel(): Magento answers false with HTTP 200 (§2.4)
            for row in order.get("items") or []:
                row["qty_canceled"] = row["qty_ordered"]
            for key in ("total_canceled", "base_total_canceled"):
                order[key] = order.get("grand_total")
            order["total_due"] = order["base_total_due"] = 0
            order["state"] = order["status"] = "canceled"
            self._history(order, at, "canceled")
            return True

        return self._change(entity_id, change)

    def send_order_email(self, entity_id: int) -> bool:
        def change(order: dict[str, Any], at: str) -> bool:
            order["email_sent"] = 1
            self._email(order, "order", at)
            return True

        return self._change(entity_id, change)

    # -- documents -------------------------------------------------------------------------------
    def _quantities(
        self, order: dict[str, Any], items: Any, done_key: str, error: str
    ) -> dict[int, Decimal]:
        """Requested qty per top-level item id; no items means everything remaining."""
        rows = {row["item_id"]: row for row in top_rows(order)}

        def remaining(row: dict[str, Any]) -> Decimal:
            return (
                _dec(row["qty_ordered"]) - _dec(row.get(done_key)) - _dec(row.get("qty_canceled"))
            )

        wanted: dict[int, Decimal] = {}
        if not items:
            wanted = {i: remaining(r) for i, r in rows.items() if remaining(r) > 0}
        else:
            for item in items:
                item_id = item.get("order_item_id") if isinstance(item, dict) else None
                if item_id not in rows:
                    # A configurable's child (or an unknown id) cannot carry the quantity (#9762).
                    raise errors.InputError(error + assumed.DOCUMENT_ITEM_INVALID, [item_id])
                qty = _dec(item.get("qty"))
                if qty <= 0 or qty > remaining(rows[item_id]):
                    raise errors.InputError(error + assumed.DOCUMENT_QTY_INVALID, [item_id])
                wanted[item_id] = wanted.get(item_id, Decimal(0)) + qty
        if not wanted:
            raise errors.InputError(error + assumed.DOCUMENT_NOT_ALLOWED)
        return wanted

    def _register(self, order: dict[str, Any], wanted: dict[int, Decimal], key: str) -> None:
        for row in top_rows(order):
            if row["item_id"] in wanted:
                new = amount(_dec(row.get(key)) + wanted[row["item_id"]])
                row[key] = new
                for child in _children_of(order, row["item_id"]):
                    child[key] = new
                    if isinstance(child.get("parent_item"), dict):
                        child["parent_item"][key] = new

    def _settle_state(self, order: dict[str, Any]) -> None:
        rows = top_rows(order)

        def done(key: str) -> bool:
            return all(
                _dec(r.get(key)) + _dec(r.get("qty_canceled")) >= _dec(r["qty_ordered"])
                for r in rows
            )

        state = "complete" if done("qty_shipped") and done("qty_invoiced") else "processing"
        order["state"] = order["status"] = state

    def ship(self, entity_id: int, body: dict[str, Any]) -> int:
        inst = self.inst

        def change(order: dict[str, Any], at: str) -> int:
            if order.get("state") in FINAL_STATES | {"holded", "payment_review"}:
                raise errors.InputError(assumed.SHIP_ERROR + assumed.DOCUMENT_NOT_ALLOWED)
            wanted = self._quantities(order, body.get("items"), "qty_shipped", assumed.SHIP_ERROR)
            source = _source_code(body)
            view = inst.stores.by_id(int(order.get("store_id") or 0))
            if inst.spec.msi:
                if source is None and view is not None:
                    source = inst.inventory.source_for_website(view.website_id)
                if source is not None and source not in inst.inventory.sources:
                    raise errors.InputError(assumed.SHIP_ERROR + assumed.UNKNOWN_SOURCE, [source])
            shipment_id = self._take("shipment")
            items = []
            for row in top_rows(order):
                if row["item_id"] not in wanted:
                    continue
                qty = wanted[row["item_id"]]
                items.append(self._document_item(row, shipment_id, qty))
                if inst.spec.msi and source is not None:
                    inst.inventory.deduct(row["sku"], source, float(qty))
            self._register(order, wanted, "qty_shipped")
            tracks = [
                {
                    "entity_id": self._take("track"),
                    "parent_id": shipment_id,
                    "order_id": entity_id,
                    "track_number": t.get("track_number"),
                    "title": t.get("title"),
                    "carrier_code": t.get("carrier_code"),
                    "created_at": at,
                    "updated_at": at,
                }
                for t in body.get("tracks") or []
                if isinstance(t, dict)
            ]
            notify = bool(body.get("notify"))
            comments = self._comments(body, shipment_id, notify, at)
            self.shipments[shipment_id] = {
                "entity_id": shipment_id,
                "order_id": entity_id,
                "increment_id": f"{order.get('store_id')}{shipment_id:08d}",
                "store_id": order.get("store_id"),
                "billing_address_id": order.get("billing_address_id"),
                "customer_id": order.get("customer_id"),
                "total_qty": amount(sum(wanted.values(), Decimal(0))),
                "email_sent": int(notify),
                "created_at": at,
                "updated_at": at,
                "items": items,
                "tracks": tracks,
                "comments": comments,
                "packages": [],
                "extension_attributes": {"source_code": source} if source else {},
            }
            self._settle_state(order)
            self._history(order, at, order["status"], None, notify)
            if notify:
                self._email(order, "shipment", at, shipment_id=shipment_id, tracks=tracks,
                            comment=comments[0]["comment"] if comments else None)  # fmt: skip
            return shipment_id

        return self._change(entity_id, change)

    def _document_item(self, row: dict[str, Any], parent_id: int, qty: Decimal) -> dict[str, Any]:
        unit = _dec(row.get("price"))
        share = qty / _dec(row["qty_ordered"])
        return {
            "entity_id": self._take("item"),
            "parent_id": parent_id,
            "order_item_id": row["item_id"],
            "product_id": row.get("product_id"),
            "sku": row.get("sku"),
            "name": row.get("name"),
            "qty": amount(qty),
            "price": amount(unit),
            "base_price": amount(unit),
            "row_total": amount(cents(unit * qty)),
            "tax_amount": amount(cents(_dec(row.get("tax_amount")) * share)),
            "discount_amount": amount(cents(_dec(row.get("discount_amount")) * share)),
            "weight": row.get("weight"),
        }

    def _comments(
        self, body: dict[str, Any], parent_id: int, notify: bool, at: str
    ) -> list[dict[str, Any]]:
        comment = body.get("comment")
        if not body.get("appendComment") or not isinstance(comment, dict):
            return []
        return [
            {
                "entity_id": self._take("comment"),
                "parent_id": parent_id,
                "comment": comment.get("comment"),
                "is_visible_on_front": int(bool(comment.get("is_visible_on_front"))),
                "is_customer_notified": int(notify),
                "created_at": at,
            }
        ]

    def invoice(self, entity_id: int, body: dict[str, Any]) -> int:
        def change(order: dict[str, Any], at: str) -> int:
            if order.get("state") in FINAL_STATES | {"holded", "payment_review"}:
                raise errors.InputError(assumed.INVOICE_ERROR + assumed.DOCUMENT_NOT_ALLOWED)
            wanted = self._quantities(
                order, body.get("items"), "qty_invoiced", assumed.INVOICE_ERROR
            )
            invoice_id = self._take("invoice")
            notify = bool(body.get("notify"))
            method = (order.get("payment") or {}).get("method")
            online = bool(body.get("capture")) and method in GATEWAY_METHODS
            invoice = build_invoice(self, order, wanted, invoice_id, at, online)
            invoice["comments"] = self._comments(body, invoice_id, notify, at)
            invoice["email_sent"] = int(notify)
            self._register(order, wanted, "qty_invoiced")
            self.invoices[invoice_id] = invoice
            self.captures.append(
                {
                    "order_id": entity_id,
                    "invoice_id": invoice_id,
                    "method": method,
                    "capture": "online" if online else "offline",
                    "amount": invoice["grand_total"],
                    "transaction_id": invoice.get("transaction_id"),
                    "at": at,
                }
            )
            self._settle_state(order)
            self._history(order, at, order["status"], None, notify)
            if notify:
                self._email(order, "invoice", at, invoice_id=invoice_id)
            return invoice_id

        return self._change(entity_id, change)


def _source_code(body: dict[str, Any]) -> str | None:
    arguments = body.get("arguments")
    ext = arguments.get("extension_attributes") if isinstance(arguments, dict) else None
    code = ext.get("source_code") if isinstance(ext, dict) else None
    return str(code) if code else None
