"""What support reads: the exact reason and fix of each order problem, and the quiet defaults of
an order with little in it. Pinned by mutation testing (`./dev mutate mapping`)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from magspec_pipelines.domain import LineKind
from magspec_pipelines.mapping.orders import normalize_order
from magspec_pipelines.mapping.problems import MappingProblem
from magspec_pipelines_tests.flows.orders.support import shipped_tenant
from magspec_pipelines_tests.flows.orders.test_mapping import magento_order

IN_MAGENTO = "the order in Magento (an extension writing it, or its data)"


@pytest.fixture(scope="module")
def acme():
    return shipped_tenant("acme")


def _ship(order: dict) -> dict:
    return order["extension_attributes"]["shipping_assignments"][0]["shipping"]


CASES = [
    (
        lambda o: o.update(customer_email=" "),
        "order 100000041 has no customer e-mail",
        "the order in Magento: Specter matches customers on e-mail",
    ),
    (
        lambda o: o["billing_address"].update(street=[]),
        "order 100000041 has no usable billing address (street, city, country)",
        "the order's billing address in Magento",
    ),
    (
        lambda o: _ship(o).update(address=None),
        "order 100000041 has no usable shipping address "
        "(extension_attributes.shipping_assignments[].shipping.address)",
        "the order's shipping address in Magento",
    ),
    (
        lambda o: o.update(payment=None),
        "payment method '(none)' of order 100000041 has no Specter payTypeIdentifier",
        "tenants/acme.yaml: orders.payment_methods.<method>",
    ),
    (
        lambda o: o["payment"].update(method="swish_x"),
        "payment method 'swish_x' of order 100000041 has no Specter payTypeIdentifier",
        "tenants/acme.yaml: orders.payment_methods.swish_x",
    ),
    (
        lambda o: o.update(order_currency_code="EUR"),
        "order 100000041 is in EUR, shop se in SEK",
        "tenants/acme.yaml: orders.allow_foreign_currency (or the shop's currency)",
    ),
    (
        lambda o: o["items"][2].update(qty_ordered=0),
        "order row 3 (24-MB01) has quantity 0",
        "the order in Magento: a row without quantity cannot be booked in Specter",
    ),
    (
        lambda o: o["items"][2].update(qty_ordered=10**7),
        "order row 3 (24-MB01) has quantity 10000000, beyond what Specter can hold",
        "the order in Magento: a quantity this size is a data error",
    ),
    (
        lambda o: o["items"][2].update(price="abc"),
        "malformed Magento order 100000041: items.2.price: Input should be a valid decimal "
        "(1 problem(s) in all)",
        IN_MAGENTO + "; it is retried when the order changes",
    ),
    (
        lambda o: o.update(items=[]),
        "malformed Magento order 100000041: items: List should have at least 1 item after "
        "validation, not 0 (1 problem(s) in all)",
        IN_MAGENTO + "; it is retried when the order changes",
    ),
    (
        lambda o: o.update(increment_id=None, customer_email=None),
        "malformed Magento order 41: increment_id: Input should be a valid string "
        "(2 problem(s) in all)",
        IN_MAGENTO + "; it is retried when the order changes",
    ),
    (
        lambda o: (o.pop("increment_id"), o.pop("entity_id")),
        "malformed Magento order ?: entity_id: Field required (2 problem(s) in all)",
        IN_MAGENTO + "; it is retried when the order changes",
    ),
    (
        lambda o: o["items"][2].update(tax_percent=12.5),
        "order 100000041: row 3 (24-MB01) VAT rate 12.5% is not a whole percent, "
        "and Specter's vatPercent is an integer",
        "the tax rates in Magento, or book such orders by hand",
    ),
    (
        lambda o: o["items"][2].update(price=10**13),
        "order 100000041: row 3 (24-MB01) price 10000000000000 is beyond what Specter can "
        "hold (at most 1,000,000,000,000 in magnitude)",
        "the order in Magento: an amount this size is a data error",
    ),
    (
        lambda o: o.update(grand_total=10**13),
        "order 100000041: grand_total 10000000000000 is beyond what Specter can hold "
        "(at most 1,000,000,000,000 in magnitude)",
        "the order in Magento: an amount this size is a data error",
    ),
    (
        lambda o: o["items"][2].update(discount_amount=10**13),
        "order 100000041: row 3 discount_amount 10000000000000 is beyond what Specter can "
        "hold (at most 1,000,000,000,000 in magnitude)",
        "the order in Magento: an amount this size is a data error",
    ),
]


@pytest.mark.parametrize(("change", "reason", "fix"), CASES)
def test_the_reason_and_fix_support_reads(acme, change, reason, fix):
    raw = magento_order()
    change(raw)
    with pytest.raises(MappingProblem) as caught:
        normalize_order(raw, acme, acme.shop("se"))
    assert (caught.value.reason, caught.value.fix) == (reason, fix)


def test_a_virtual_order_is_delivered_to_its_billing_address(acme):
    raw = magento_order(grand_total=387.0, shipping_amount=0, shipping_incl_tax=0)
    raw.update(shipping_tax_amount=0)
    for item in raw["items"]:
        item["is_virtual"] = 1
    _ship(raw).update(address=None, method=None)
    order = normalize_order(raw, acme, acme.shop("se"))
    assert order.shipping_address == order.billing_address
    assert order.shipping_method == ""
    raw["items"][1]["is_virtual"] = 0  # a child row does not decide
    assert normalize_order(raw, acme, acme.shop("se")).shipping_address == order.billing_address


def test_an_order_with_little_in_it_has_empty_defaults_not_inventions(acme):
    raw = magento_order(status=None)
    raw["payment"] = {"method": "klarna_kp"}
    raw["extension_attributes"]["shipping_assignments"] = []
    for item in raw["items"]:
        item["is_virtual"] = 1
    order = normalize_order(raw, acme, acme.shop("se"))
    assert (order.status, order.payment_reference, order.shipping_method) == ("", "", "")
    assert normalize_order(magento_order(), acme, acme.shop("se")).status == "processing"


def test_a_configurable_without_its_child_row_keeps_the_parent_sku(acme):
    raw = magento_order()
    raw["items"] = [raw["items"][0], raw["items"][2]]
    raw["items"][0]["sku"] = "MH01-XS-Black"
    order = normalize_order(raw, acme, acme.shop("se"))
    assert [line.article_no for line in order.lines if line.kind is LineKind.ARTICLE] == [
        "MH01-XS-Black",
        "24-MB01",
    ]
    raw = magento_order()
    raw["items"][1]["sku"] = "MH01-S-Blue"  # the child row is the safer source
    raw["items"][2]["product_type"] = "simple"
    skus = [
        line.article_no
        for line in normalize_order(raw, acme, acme.shop("se")).lines
        if line.kind is LineKind.ARTICLE
    ]
    assert skus == ["MH01-S-Blue", "24-MB01"]


def test_discount_rows_name_their_rate_only_when_there_are_several(acme):
    raw = magento_order(discount_description=None)
    order = normalize_order(raw, acme, acme.shop("se"))
    (discount,) = [line for line in order.lines if line.kind is LineKind.DISCOUNT]
    assert (discount.name, discount.vat_percent) == ("Rabatt", Decimal(25))
    raw = magento_order(discount_amount=-30, grand_total=424.55)
    raw["items"][2]["discount_amount"] = 10
    names = [
        (line.name, line.unit_price_excl_vat)
        for line in normalize_order(raw, acme, acme.shop("se")).lines
        if line.kind is LineKind.DISCOUNT
    ]
    assert names == [("HÖST10 (12%)", Decimal(-10)), ("HÖST10 (25%)", Decimal(-20))]
