"""Deterministic order generator: Luma articles, Swedish buyers, Magento's order shape (§2.2).

Everything random comes from one seeded generator per instance, so the same spec and `now` give
the same orders. Dates are `YYYY-MM-DD HH:MM:SS` in UTC without a zone, as Magento sends them.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from magspec_sandbox.luma import LumaCatalog, load_catalog
from magspec_sandbox.magento import assumed
from magspec_sandbox.magento.customers import COMPANIES, Customer, CustomerBook
from magspec_sandbox.magento.items import Line, ProductIds, amount, cents, item_rows
from magspec_sandbox.magento.order_extras import OrderExtras
from magspec_sandbox.magento.order_money import applied_taxes, order_money, settle_items
from magspec_sandbox.magento.payments import GATEWAY_METHODS, payment_json
from magspec_sandbox.magento.stores import StoreView

DATE_FORMAT = "%Y-%m-%d %H:%M:%S"

# Reference §2.3: the state each built-in status belongs to.
STATE_OF_STATUS: dict[str, str] = {
    "pending": "new",
    "pending_payment": "pending_payment",
    "processing": "processing",
    "fraud": "processing",
    "complete": "complete",
    "closed": "closed",
    "canceled": "canceled",
    "holded": "holded",
    "payment_review": "payment_review",
}
SHIPPING_LABELS = {
    "flatrate_flatrate": "Flat Rate - Fixed",
    "freeshipping_freeshipping": "Free Shipping - Free",
}


def format_date(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(DATE_FORMAT)


def parse_date(text: str) -> datetime:
    return datetime.strptime(text, DATE_FORMAT).replace(tzinfo=UTC)


@dataclass
class Sequences:
    """Auto-increment counters of one Magento database."""

    entity_id: int = 1
    item_id: int = 1
    address_id: int = 1
    history_id: int = 1
    increment: dict[int, int] = field(default_factory=dict)

    def take(self, name: str, count: int = 1) -> int:
        value = getattr(self, name)
        setattr(self, name, value + count)
        return value

    def increment_id(self, store_id: int) -> str:
        number = self.increment.get(store_id, 0) + 1
        self.increment[store_id] = number
        return f"{store_id}{number:0{assumed.INCREMENT_ID_DIGITS}d}"


def _weighted(rng: random.Random, weights: dict[str, Any]) -> str:
    keys = list(weights)
    values = [w[1] if isinstance(w, tuple) else w for w in weights.values()]
    return rng.choices(keys, weights=values)[0]


class OrderGenerator:
    """Builds orders for one instance; call order by order, the sequence is the determinism."""

    def __init__(self, name: str, seed: int, expected_orders: int) -> None:
        self.rng = random.Random(f"magento:{name}:{seed}")
        self.book = CustomerBook(random.Random(f"magento:{name}:{seed}:customers"))
        self.catalog: LumaCatalog = load_catalog()
        self.ids = ProductIds.for_catalog(self.catalog)
        self.configurables = self.catalog.configurables
        self.gear = [p for p in self.catalog.sellable if p.parent_sku is None]
        self.pool_size = max(4, expected_orders // 3)
        self.seq = Sequences()
        self.generated = 0
        self._buyer_offset = self.rng.random()
        self._buyers_per_view: dict[int, int] = {}

    # -- choices ---------------------------------------------------------------------------------
    def _customer(self, view: StoreView) -> Customer:
        non_latin1 = self.generated % assumed.NON_LATIN1_EVERY == assumed.NON_LATIN1_EVERY // 2
        # A golden-ratio sequence per store view instead of independent draws: every store view
        # gets its share of guests and companies even over a few days of orders.
        count = self._buyers_per_view.get(view.id, 0)
        self._buyers_per_view[view.id] = count + 1
        draw = (self._buyer_offset + count * 0.6180339887498949) % 1
        company = "b2b" in view.code.lower() or (
            assumed.GUEST_SHARE <= draw < assumed.GUEST_SHARE + assumed.COMPANY_SHARE
        )
        guest = not company and draw < assumed.GUEST_SHARE
        return self.book.pick(
            guest=guest, company=company, non_latin1=non_latin1, pool_size=self.pool_size
        )

    def _lines(
        self, view: StoreView, discount_percent: int, tax_rates: tuple[Decimal, ...] = ()
    ) -> list[Line]:
        rng = self.rng
        factor = assumed.CURRENCY_FACTOR.get(view.spec.currency, Decimal(1))
        count = rng.choices([1, 2, 3, 4], weights=[45, 30, 15, 10])[0]
        count = max(count, len(tax_rates))
        lines: list[Line] = []
        while len(lines) < count:
            if rng.random() < 0.75:
                parent = rng.choice(self.configurables)
                product = self.catalog.products[rng.choice(parent.children)]
            else:
                parent, product = None, rng.choice(self.gear)
            if any(line.product.sku == product.sku for line in lines):
                continue  # Magento merges a repeated SKU into one row
            price = cents((product.price or (parent.price if parent else Decimal(0))) * factor)
            qty = rng.choices([1, 2, 3], weights=[75, 20, 5])[0]
            rate = tax_rates[len(lines) % len(tax_rates)] if tax_rates else view.tax_rate
            lines.append(Line(product, parent, qty, price, rate, discount_percent))
        return lines

    # -- assembly --------------------------------------------------------------------------------
    def order(
        self,
        view: StoreView,
        created_at: datetime,
        now: datetime,
        status: str | None = None,
        extras: OrderExtras | None = None,
    ) -> dict[str, Any]:
        """The next order: in `view`, placed at `created_at`, in `status` (else a weighted pick);
        the random draws happen in a fixed sequence, which is what makes orders reproducible."""
        rng = self.rng
        extras = extras or OrderExtras()
        customer = self._customer(view)
        self.generated += 1
        status = status or _weighted(rng, assumed.STATUS_WEIGHTS)
        coupon = (
            rng.choice(list(assumed.COUPONS)) if rng.random() < assumed.DISCOUNT_SHARE else None
        )
        lines = self._lines(view, assumed.COUPONS[coupon] if coupon else 0, extras.tax_rates)
        method = _weighted(rng, assumed.PAYMENT_METHODS)

        entity_id = self.seq.take("entity_id")
        created = format_date(created_at)
        updated = format_date(self._updated_at(created_at, now, status, method))
        items: list[dict[str, Any]] = []
        for line in lines:
            rows = item_rows(
                line,
                ids=self.ids,
                item_id=self.seq.take("item_id", 1 if line.parent is None else 2),
                order_id=entity_id,
                store_id=view.id,
                created_at=created,
            )
            items.extend(rows)
        money = order_money(lines, view, extras, entity_id, status, method)
        settle_items(items, money.paid, status)

        billing = self._address(customer, "billing", entity_id)
        shipping_address = self._address(customer, "shipping", entity_id)
        order = self._header(view, customer, entity_id, status, (created, updated), items)
        order |= _header_tail(order, money.ship_method, billing["entity_id"], items)
        for key, value in money.columns.items():
            order[key] = amount(value)
            order[f"base_{key}"] = amount(value)
        _describe_extras(order, customer, coupon, status)
        order["items"] = items
        order["billing_address"] = billing
        order["payment"] = payment_json(
            self.rng, method, entity_id, money.grand_total, money.paid, money.shipping
        )
        order["status_histories"] = self._histories(order, method, created, updated)
        order["extension_attributes"] = self._extension(
            order, customer, shipping_address, money.ship_method, view, lines
        )
        order["extension_attributes"].update(money.extension)
        return order

    def _updated_at(
        self, created_at: datetime, now: datetime, status: str, method: str
    ) -> datetime:
        """When a settled order last changed (after it was placed, never after `now`)."""
        rng = self.rng
        settled = status in ("complete", "canceled", "holded") or (
            status == "processing" and method not in GATEWAY_METHODS
        )
        later = created_at + timedelta(seconds=rng.randint(600, 2 * 86400))
        if later > now:  # changed since, but not in the future
            later = created_at + (now - created_at) * rng.random()
        return max(later, created_at).replace(microsecond=0) if settled else created_at

    def _header(
        self,
        view: StoreView,
        customer: Customer,
        entity_id: int,
        status: str,
        dates: tuple[str, str],
        items: list[dict[str, Any]],
    ) -> dict[str, Any]:
        """The order's own columns: ids, store, dates and customer."""
        rng = self.rng
        currency = view.spec.currency
        return {
            "entity_id": entity_id,
            "increment_id": self.seq.increment_id(view.id),
            "quote_id": entity_id,
            "protect_code": uuid.UUID(int=rng.getrandbits(128)).hex[:6],
            "state": STATE_OF_STATUS.get(status, "processing"),
            "status": status,
            "store_id": view.id,
            "store_name": view.store_name,
            "created_at": dates[0],
            "updated_at": dates[1],
            "base_currency_code": currency,
            "order_currency_code": currency,
            "store_currency_code": currency,
            "global_currency_code": currency,
            "base_to_global_rate": 1,
            "base_to_order_rate": 1,
            "store_to_base_rate": 0,
            "store_to_order_rate": 0,
            "customer_id": customer.customer_id,
            "customer_is_guest": int(customer.is_guest),
            "customer_group_id": customer.group_id,
            "customer_email": customer.email,
            "customer_firstname": customer.firstname,
            "customer_lastname": customer.lastname,
            "customer_note_notify": 1,
            "email_sent": 1,
            "is_virtual": 0,
            "remote_ip": f"192.0.2.{rng.randint(1, 254)}",
        }

    def _address(self, customer: Customer, kind: str, order_id: int) -> dict[str, Any]:
        address: dict[str, Any] = {
            "address_type": kind,
            "entity_id": self.seq.take("address_id"),
            "parent_id": order_id,
            "firstname": customer.firstname,
            "lastname": customer.lastname,
            "street": list(customer.street),
            "city": customer.city,
            "postcode": customer.postcode,
            "country_id": customer.country_id,
            "telephone": customer.telephone,
            "email": customer.email,
        }
        if customer.customer_id is not None:
            address["customer_id"] = customer.customer_id
        if customer.company:
            address["company"] = customer.company
            address["vat_id"] = customer.vat_id
        return address

    def _histories(
        self, order: dict[str, Any], method: str, created: str, updated: str
    ) -> list[dict[str, Any]]:
        first_status = order["status"]
        if first_status in ("complete", "canceled", "holded"):
            first_status = "pending" if method not in GATEWAY_METHODS else "processing"
        comment = None
        if method in GATEWAY_METHODS:
            comment = (
                f"Authorized amount of {order['order_currency_code']} "
                f"{Decimal(str(order['grand_total'])):.2f}. "
                f'Transaction ID: "{order["payment"]["last_trans_id"]}"'
            )
        entries = [self.history(order["entity_id"], first_status, comment, created)]
        if first_status != order["status"]:
            entries.insert(0, self.history(order["entity_id"], order["status"], None, updated))
        return entries

    def history(
        self, order_id: int, status: str | None, comment: str | None, at: str
    ) -> dict[str, Any]:
        """A status history entry with the next history id."""
        return {
            "entity_id": self.seq.take("history_id"),
            "parent_id": order_id,
            "entity_name": "order",
            "comment": comment,
            "status": status,
            "is_customer_notified": 0,
            "is_visible_on_front": 0,
            "created_at": at,
        }

    def _extension(
        self,
        order: dict[str, Any],
        customer: Customer,
        address: dict[str, Any],
        ship_method: str,
        view: StoreView,
        lines: list[Line],
    ) -> dict[str, Any]:
        total_keys = ("shipping_amount", "shipping_incl_tax", "shipping_tax_amount")
        total: dict[str, Any] = {}
        for key in (*total_keys, "shipping_discount_amount"):
            total[key] = total[f"base_{key}"] = order[key]
        extension: dict[str, Any] = {
            "shipping_assignments": [
                {
                    "shipping": {"address": address, "method": ship_method, "total": total},
                    "items": order["items"],
                }
            ],
            "applied_taxes": applied_taxes(order, view, lines),
            "converting_from_quote": True,
        }
        if order.get("coupon_code"):
            extension["coupon_codes"] = [order["coupon_code"]]
        if customer.company and customer.customer_id is not None:
            extension["company_order_attributes"] = {
                "order_id": order["entity_id"],
                "company_id": COMPANIES.index(customer.company) + 1,
                "company_name": customer.company,
            }
        return extension


def _header_tail(
    order: dict[str, Any], ship_method: str, billing_id: int, items: list[dict[str, Any]]
) -> dict[str, Any]:
    """The order's columns after the customer's: shipping, billing address and quantities."""
    visible = [row for row in items if row.get("parent_item_id") is None]
    qty_ordered = sum(row["qty_ordered"] for row in visible)
    return {
        "shipping_description": SHIPPING_LABELS[ship_method],
        "billing_address_id": billing_id,
        "total_item_count": len(visible),
        "total_qty_ordered": qty_ordered,
        "base_total_qty_ordered": qty_ordered,
        "weight": amount(sum(Decimal(str(row["row_weight"])) for row in visible)),
    }


def _describe_extras(
    order: dict[str, Any], customer: Customer, coupon: str | None, status: str
) -> None:
    """The columns only some orders have: the buyer's VAT id, the coupon, what a hold keeps."""
    if customer.vat_id:
        order["customer_taxvat"] = customer.vat_id
    if coupon:
        order["coupon_code"] = coupon
        order["discount_description"] = coupon
        order["applied_rule_ids"] = str(list(assumed.COUPONS).index(coupon) + 1)
    if status == "holded":
        order["hold_before_state"] = "processing"
        order["hold_before_status"] = "processing"
