"""Magento order → Specter rows: what an accountant would check on the Specter order."""

from __future__ import annotations

import copy
import threading
import time
from decimal import Decimal

import pytest

from magspec_pipelines.domain import CustomerKind, LineKind
from magspec_pipelines.flows.orders.export import OrderExporter
from magspec_pipelines.flows.orders.outcomes import Normalized, Result
from magspec_pipelines.mapping.orders import normalize_order, specter_customer, specter_order
from magspec_pipelines.mapping.problems import MappingProblem
from magspec_pipelines.mapping.text import Latin1Notes
from magspec_pipelines.tenancy import load_registry
from magspec_pipelines_tests import REPO


@pytest.fixture(scope="module")
def acme():
    registry = load_registry(str(REPO / "tenants"))
    return registry.tenants["acme"]


def address(kind: str, **extra) -> dict:
    return {
        "address_type": kind,
        "firstname": "Åsa",
        "lastname": "Öberg",
        "street": ["Storgatan 1", "Lgh 1102"],
        "city": "Göteborg",
        "postcode": "411 01",
        "country_id": "SE",
        "telephone": "031-123456",
        "email": "asa@example.se",
        **extra,
    }


def magento_order(**overrides) -> dict:
    """A 2.4-shaped order: one configurable (parent + child rows), one simple, shipping."""
    order = {
        "entity_id": 41,
        "increment_id": "100000041",
        "state": "processing",
        "status": "processing",
        "store_id": 1,
        "created_at": "2026-11-25 23:30:00",  # 00:30 on the 26th in Stockholm
        "updated_at": "2026-11-25 23:31:00",
        "order_currency_code": "SEK",
        "customer_id": 7,
        "customer_is_guest": 0,
        "customer_email": "asa@example.se",
        "customer_firstname": "Åsa",
        "customer_lastname": "Öberg",
        "grand_total": 435.75,
        "discount_amount": -20,
        "discount_description": "HÖST10",
        "shipping_amount": 39,
        "shipping_tax_amount": 9.75,
        "shipping_incl_tax": 48.75,
        "shipping_description": "Flat Rate - Fixed",
        "billing_address": address("billing"),
        "payment": {"method": "klarna_kp", "last_trans_id": "kl-123", "cc_last4": None},
        "items": [
            {
                "item_id": 1,
                "product_type": "configurable",
                "sku": "MH01-XS-Black",
                "name": "Chaz Kangeroo Hoodie",
                "qty_ordered": 2,
                "price": 120,
                "tax_percent": 25,
                "tax_amount": 55,
                "discount_amount": 20,
                "row_total": 240,
            },
            {
                "item_id": 2,
                "parent_item_id": 1,
                "parent_item": {"item_id": 1, "sku": "MH01-XS-Black"},
                "product_type": "simple",
                "sku": "MH01-XS-Black",
                "name": "Chaz Kangeroo Hoodie-XS-Black",
                "qty_ordered": 2,
                "price": 0,
                "tax_percent": 25,
            },
            {
                "item_id": 3,
                "product_type": "simple",
                "sku": "24-MB01",
                "name": "Joust Duffle Bag",
                "qty_ordered": 1,
                "price": 100,
                "tax_percent": 12,
                "tax_amount": 12,
                "row_total": 100,
            },
        ],
        "extension_attributes": {
            "shipping_assignments": [
                {
                    "shipping": {
                        "address": address("shipping", firstname="Bo", street=["Hamngatan 2"]),
                        "method": "flatrate_flatrate",
                        "total": {"shipping_amount": 39},
                    }
                }
            ]
        },
    }
    order.update(overrides)
    return order


def test_configurable_becomes_child_article_with_parent_price(acme):
    order = normalize_order(magento_order(), acme, acme.shop("se"))
    articles = [line for line in order.lines if line.kind is LineKind.ARTICLE]
    assert [(a.article_no, a.quantity, a.unit_price_excl_vat) for a in articles] == [
        ("MH01-XS-Black", Decimal(2), Decimal(120)),
        ("24-MB01", Decimal(1), Decimal(100)),
    ]


def test_discount_shipping_and_vat_rows(acme):
    order = normalize_order(magento_order(), acme, acme.shop("se"))
    payload = specter_order(order, acme, acme.shop("se"), "10001", Latin1Notes())
    rows = {(r.articleNo, r.vatPercent): r for r in payload.rows}
    discount = rows[("RABATT", 25)]
    assert discount.priceExclVAT == Decimal("-20.000")
    shipping = rows[("FRAKT", 25)]
    assert shipping.priceExclVAT == Decimal("39.000")
    assert rows[("24-MB01", 12)].vatPercent == 12
    assert payload.externalOrderNo == "100000041"
    assert payload.payTypeIdentifier == "K"
    assert payload.payTypeReference == "kl-123"
    # the money adds up to Magento's grand total
    gross = sum(r.priceExclVAT * r.noOfItems * (100 + r.vatPercent) / 100 for r in payload.rows)
    assert gross.quantize(Decimal("0.01")) == Decimal("435.75")


def test_day_is_the_shops_calendar_day(acme):
    order = normalize_order(magento_order(), acme, acme.shop("se"))
    assert order.day.isoformat() == "2026-11-26"


def test_shipping_address_comes_from_shipping_assignments(acme):
    order = normalize_order(magento_order(), acme, acme.shop("se"))
    customer = specter_customer(order, acme, Latin1Notes())
    assert customer.deliveryAddress == "Hamngatan 2"
    assert customer.address == "Storgatan 1"
    assert customer.addressRow2 == "Lgh 1102"


def test_guest_and_company_customers(acme):
    guest = normalize_order(
        magento_order(customer_id=None, customer_is_guest=1), acme, acme.shop("se")
    )
    assert guest.customer.is_guest and guest.customer.kind is CustomerKind.PERSON
    company = normalize_order(
        magento_order(billing_address=address("billing", company="Fjällbolaget AB")),
        acme,
        acme.shop("se"),
    )
    payload = specter_customer(company, acme, Latin1Notes())
    assert payload.customerOrganizationalForm == "C"
    assert payload.name == "Fjällbolaget AB"
    assert payload.key_subject == "Fjällbolaget AB"


def test_text_latin1_cannot_carry_is_replaced_and_recorded(acme):
    raw = magento_order(
        customer_firstname="Zoë 😀",
        billing_address=address("billing", city="東京", firstname="Zoë 😀"),
    )
    order = normalize_order(raw, acme, acme.shop("se"))
    notes = Latin1Notes()
    customer = specter_customer(order, acme, notes)
    customer.city.encode("latin-1")
    customer.firstName.encode("latin-1")
    assert customer.firstName.startswith("Zoë")
    assert "billing city" in notes.summary()
    assert "customer first name" in notes.summary()
    payload = specter_order(order, acme, acme.shop("se"), "10001", notes)
    assert "billing city" in payload.internalComment
    clean = specter_order(
        normalize_order(magento_order(), acme, acme.shop("se")),
        acme,
        acme.shop("se"),
        "10001",
        Latin1Notes(),
    )
    assert clean.internalComment == ""


@pytest.mark.parametrize(
    ("change", "reason", "fix"),
    [
        (lambda o: o.pop("billing_address"), "billing address", "billing address"),
        (
            lambda o: o["extension_attributes"].update(shipping_assignments=[]),
            "shipping address",
            "shipping address",
        ),
        (lambda o: o["items"][2].update(qty_ordered=0), "quantity 0", "order in Magento"),
        (lambda o: o.update(grand_total="lots"), "malformed", "order in Magento"),
        (lambda o: o["items"][0].pop("sku"), "items.0.sku", "order in Magento"),
        (
            lambda o: o["payment"].update(method="cashondelivery_x"),
            "cashondelivery_x",
            "tenants/acme.yaml: orders.payment_methods.cashondelivery_x",
        ),
    ],
    ids=["no-billing", "no-shipping", "zero-qty", "malformed-total", "no-sku", "payment"],
)
def test_bad_orders_name_the_reason_and_the_fix(acme, change, reason, fix):
    raw = copy.deepcopy(magento_order())
    change(raw)
    with pytest.raises(MappingProblem) as problem:
        normalize_order(raw, acme, acme.shop("se"))
    assert reason in problem.value.reason
    assert fix in problem.value.fix


# How long an order submit waits for a second one to be in flight.
ORDER_OVERLAP_WAIT = 5.0


class CountingSpecter:
    """Stands for Specter: counts customer submits, numbers orders, and records how many
    submits were in flight at once."""

    def __init__(self) -> None:
        self.customers: list[str] = []
        self.orders: list[str] = []
        self.in_flight = 0
        self.most_in_flight = 0
        self._lock = threading.Lock()
        self._overlap = threading.Condition(self._lock)

    def submit_customer(self, payload) -> str:
        time.sleep(0.02)  # long enough for orders of the same customer to overlap
        with self._lock:
            self.customers.append(payload.emailAddress)
            return f"C{len(self.customers)}"

    def submit_order(self, payload, webshop_id=None) -> str:
        with self._overlap:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
            self._overlap.notify_all()
            # Held until a second order is in flight (however slow the machine): an exporter
            # that sends side by side gets there at once, one that sends in turn times out.
            self._overlap.wait_for(lambda: self.most_in_flight > 1, timeout=ORDER_OVERLAP_WAIT)
        with self._lock:
            self.in_flight -= 1
            self.orders.append(payload.externalOrderNo)
            return f"O{len(self.orders)}"


def test_export_sends_orders_side_by_side_and_one_submit_per_customer(acme, state_store):
    # Six orders: four of one customer with the same details, two of another.
    raws = [magento_order(entity_id=100 + n, increment_id=f"1000001{n:02d}") for n in range(4)] + [
        magento_order(
            entity_id=200 + n,
            increment_id=f"1000002{n:02d}",
            customer_email="bo@example.se",
            billing_address=address("billing", email="bo@example.se", firstname="Bo"),
        )
        for n in range(2)
    ]
    shop = acme.shop("se")
    orders = [normalize_order(raw, acme, shop) for raw in raws]
    specter = CountingSpecter()
    report = OrderExporter(acme, state_store, specter).export(Normalized(orders=orders))
    assert [o.result for o in report.outcomes] == [Result.CREATED] * 6
    assert sorted(specter.orders) == sorted(o.increment_id for o in orders)
    assert sorted(specter.customers) == ["asa@example.se", "bo@example.se"]
    assert specter.most_in_flight > 1
