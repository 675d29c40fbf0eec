"""Every amount of a Magento order reaches Specter, or the order waits with the difference named.

The orders here are shaped as Magento 2.4.8 Commerce returns them (Adobe's schema): a gift card,
a fee, a shipping discount, store credit, reward points, gift wrapping, mixed VAT.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from magspec_pipelines.domain import LineKind
from magspec_pipelines.mapping.order_money import document_total
from magspec_pipelines.mapping.orders import (
    check_payloads,
    normalize_order,
    specter_customer,
    specter_order,
    specter_rows,
)
from magspec_pipelines.mapping.problems import MappingProblem
from magspec_pipelines.mapping.text import Latin1Notes
from magspec_pipelines.tenancy.orders import MappedTotal, MoneyArticles
from magspec_pipelines_tests.flows.orders.support import shipped_tenant, with_orders
from magspec_pipelines_tests.flows.orders.test_mapping import magento_order


@pytest.fixture(scope="module")
def acme():
    return shipped_tenant("acme")


def total_of(order, tenant) -> Decimal:
    shop = tenant.shop("se")
    payload = specter_order(order, tenant, shop, "1", Latin1Notes())
    return document_total((r.priceExclVAT, r.noOfItems, r.vatPercent) for r in payload.rows)


def gift_card_order(**extra) -> dict:
    raw = magento_order(grand_total=335.75, **extra)
    raw["extension_attributes"].update(
        gift_cards=[{"id": 3, "code": "GC-XYZ", "amount": 100, "base_amount": 100}],
        gift_cards_amount=100,
        base_gift_cards_amount=100,
    )
    return raw


def test_the_plain_order_adds_up_to_its_grand_total(acme):
    order = normalize_order(magento_order(), acme, acme.shop("se"))
    assert total_of(order, acme) == Decimal("435.75") == order.grand_total


def test_gift_card_is_a_row_and_the_document_is_the_order(acme):
    order = normalize_order(gift_card_order(), acme, acme.shop("se"))
    (card,) = [line for line in order.lines if line.kind is LineKind.GIFT_CARD]
    assert card.article_no == "PRESENTKORT"
    assert card.unit_price_excl_vat == Decimal(-100) and card.vat_percent == 0
    assert total_of(order, acme) == Decimal("335.75")


def test_unmapped_gift_card_parks_with_the_difference_and_the_key(acme):
    bare = with_orders(acme, money_articles=MoneyArticles())
    with pytest.raises(MappingProblem) as caught:
        normalize_order(gift_card_order(), bare, bare.shop("se"))
    assert caught.value.reason == (
        "totals differ: Magento 335.75, Specter 435.75, difference -100.00 "
        "(gift card -100.00 not mapped)"
    )
    assert "orders.money_articles.gift_card" in caught.value.fix
    assert "tenants/acme.yaml" in caught.value.fix


def test_payment_fee_includes_its_vat(acme):
    raw = magento_order(grand_total=464.75)
    raw["extension_attributes"]["custom_fees"] = [
        {"custom_fee_code": "payment_fee", "custom_fee_label": "Fee", "custom_fee_amount": 29}
    ]
    order = normalize_order(raw, acme, acme.shop("se"))
    (fee,) = [line for line in order.lines if line.kind is LineKind.FEE]
    assert (fee.article_no, fee.unit_price_excl_vat, fee.vat_percent) == (
        "AVGIFT",
        Decimal("23.200"),
        Decimal(25),
    )
    assert total_of(order, acme) == Decimal("464.75")


def test_unknown_fee_code_parks_naming_its_key(acme):
    raw = magento_order(grand_total=464.75)
    raw["extension_attributes"]["custom_fees"] = [
        {"custom_fee_code": "klarna_fee", "custom_fee_label": "Fee", "custom_fee_amount": 29}
    ]
    with pytest.raises(MappingProblem) as caught:
        normalize_order(raw, acme, acme.shop("se"))
    assert "difference 29.00" in caught.value.reason
    assert "orders.fees.klarna_fee.article" in caught.value.fix


def test_shipping_discount_is_booked_at_the_shipping_rate(acme):
    # Free shipping by a cart rule: 39 + 9.75 VAT off; Magento taxes shipping after the discount.
    raw = magento_order(
        grand_total=387.0,
        discount_amount=-59,
        shipping_discount_amount=39,
        shipping_tax_amount=0,
        shipping_incl_tax=48.75,
    )
    order = normalize_order(raw, acme, acme.shop("se"))
    (discount,) = [line for line in order.lines if line.kind is LineKind.SHIPPING_DISCOUNT]
    assert (discount.article_no, discount.unit_price_excl_vat, discount.vat_percent) == (
        "RABATT",
        Decimal(-39),
        Decimal(25),
    )
    assert total_of(order, acme) == Decimal("387.00")


@pytest.mark.parametrize(
    ("field", "kind", "article"),
    [
        ("customer_balance_amount", LineKind.STORE_CREDIT, "TILLGODO"),
        ("reward_currency_amount", LineKind.REWARD_POINTS, "BONUS"),
    ],
)
def test_store_credit_and_reward_points_pay_part(acme, field, kind, article):
    raw = magento_order(grand_total=410.75)
    raw["extension_attributes"][field] = 25
    order = normalize_order(raw, acme, acme.shop("se"))
    (line,) = [line for line in order.lines if line.kind is kind]
    assert line.article_no == article and line.unit_price_excl_vat == -25
    assert total_of(order, acme) == Decimal("410.75")


def test_gift_wrapping_with_its_vat(acme):
    raw = magento_order(grand_total=485.75)
    raw["extension_attributes"].update(gw_price="40.00", gw_tax_amount="10.00")
    order = normalize_order(raw, acme, acme.shop("se"))
    (wrap,) = [line for line in order.lines if line.kind is LineKind.GIFT_WRAPPING]
    assert (wrap.unit_price_excl_vat, wrap.vat_percent) == (Decimal(40), Decimal(25))
    assert total_of(order, acme) == Decimal("485.75")


def test_unknown_total_is_named_and_a_mapped_total_books_it(acme):
    raw = magento_order(grand_total=485.75)
    raw["extension_attributes"]["handling_surcharge_amount"] = 50
    with pytest.raises(MappingProblem) as caught:
        normalize_order(raw, acme, acme.shop("se"))
    assert "difference 50.00" in caught.value.reason
    assert "extension_attributes.handling_surcharge_amount" in caught.value.reason
    assert "orders.mapped_totals" in caught.value.fix
    mapped = with_orders(
        acme,
        mapped_totals=[
            MappedTotal(
                path="extension_attributes.handling_surcharge_amount",
                article="AVGIFT",
                vat_percent=Decimal(25),
            )
        ],
    )
    order = normalize_order(raw, mapped, mapped.shop("se"))
    assert total_of(order, mapped) == Decimal("485.75")


def test_a_difference_beyond_the_tolerance_is_never_sent(acme):
    with pytest.raises(MappingProblem, match="totals differ: Magento 435.85, Specter 435.75"):
        normalize_order(magento_order(grand_total=435.85), acme, acme.shop("se"))
    loose = with_orders(acme, total_tolerance=Decimal("0.10"))
    assert normalize_order(magento_order(grand_total=435.85), loose, loose.shop("se"))


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda o: o["items"][0].update(price=1e26), "beyond what Specter can hold"),
        (lambda o: o["items"][0].update(price="NaN"), "finite number"),
        (lambda o: o["items"][0].update(qty_ordered=1e9), "beyond what Specter can hold"),
        (lambda o: o["items"][2].update(tax_percent=12.5), "not a whole percent"),
        (lambda o: o["items"][2].update(tax_percent=250), "not between 0 and 100"),
        (lambda o: o.update(grand_total="1e400"), "beyond what Specter can hold"),
        (lambda o: o.update(order_currency_code="EUR"), "is in EUR, shop se in SEK"),
    ],
)
def test_values_specter_cannot_hold_are_the_orders_problem(acme, change, reason):
    raw = magento_order()
    change(raw)
    with pytest.raises(MappingProblem, match=reason):
        order = normalize_order(raw, acme, acme.shop("se"))
        check_payloads(order, acme, acme.shop("se"))


def test_foreign_currency_goes_when_the_tenant_allows_it(acme):
    allowed = with_orders(acme, allow_foreign_currency=True)
    order = normalize_order(magento_order(order_currency_code="EUR"), allowed, allowed.shop("se"))
    assert order.currency == "EUR" and order.notes


def test_comment_org_no_and_customer_id_travel(acme):
    raw = magento_order(customer_note="Ring innan leverans ✓")
    raw["billing_address"].update(company="Fjällvaror AB", vat_id="SE556677889901")
    order = normalize_order(raw, acme, acme.shop("se"))
    notes = Latin1Notes()
    payload = specter_order(order, acme, acme.shop("se"), "1", notes)
    assert payload.publishedComment.startswith("Ring innan leverans")
    customer = specter_customer(order, acme, Latin1Notes())
    assert (customer.orgNo, customer.vatNo) == ("556677-8899", "SE556677889901")
    assert customer.externalCustomerNo == ""  # an assumed field: only when the tenant opts in
    opted = with_orders(acme, send_magento_customer_id=True)
    assert specter_customer(order, opted, Latin1Notes()).externalCustomerNo == "7"


def test_rows_as_specter_receives_them_are_what_was_reconciled(acme):
    order = normalize_order(gift_card_order(), acme, acme.shop("se"))
    rows = specter_rows(order.lines, None)
    payload = specter_order(order, acme, acme.shop("se"), "1", Latin1Notes())
    assert [r.model_dump() for r in rows] == [r.model_dump() for r in payload.rows]


def test_fee_amounts_are_rounded_half_up_to_specter_s_three_decimals(acme):
    # Magento keeps four decimals: 10.0005 is 10.001 in Specter (half up), never 10.000.
    raw = magento_order(grand_total=445.7505)
    raw["extension_attributes"]["custom_fees"] = [
        {"custom_fee_code": "payment_fee", "custom_fee_label": "Fee", "custom_fee_amount": 10.0005}
    ]
    zero_vat = with_orders(
        acme,
        fees={
            "payment_fee": acme.orders.fees["payment_fee"].model_copy(
                update={"vat_percent": Decimal(0)}
            )
        },
    )
    order = normalize_order(raw, zero_vat, zero_vat.shop("se"))
    (fee,) = [line for line in order.lines if line.kind is LineKind.FEE]
    assert fee.unit_price_excl_vat == Decimal("10.001")


def test_gift_wrapping_tax_without_a_price_is_named_as_a_difference(acme):
    raw = magento_order(grand_total=445.75)
    raw["extension_attributes"].update(gw_price="0", gw_tax_amount="10.00")
    with pytest.raises(MappingProblem, match="totals differ: Magento 445.75, Specter 435.75"):
        normalize_order(raw, acme, acme.shop("se"))
