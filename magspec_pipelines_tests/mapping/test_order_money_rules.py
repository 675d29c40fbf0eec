"""The money rules one by one: exact rows, exact reasons, and the edges where a rule turns.

Written against the survivors of mutation testing (`./dev mutate mapping`): each test pins a
behaviour a plausible slip in `mapping/order_money.py` would change without another test noticing.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from magspec_pipelines.domain import LineKind
from magspec_pipelines.mapping import order_money as money
from magspec_pipelines.mapping.orders import normalize_order
from magspec_pipelines.mapping.problems import MappingProblem
from magspec_pipelines.tenancy.orders import FeeArticle, MappedTotal, MoneyArticles
from magspec_pipelines_tests.flows.orders.support import shipped_tenant, with_orders
from magspec_pipelines_tests.flows.orders.test_mapping import magento_order

D = Decimal


@pytest.fixture(scope="module")
def acme():
    return shipped_tenant("acme")


def rows(order) -> list[tuple]:
    return [
        (line.kind, line.article_no, line.name, line.unit_price_excl_vat, line.vat_percent)
        for line in order.lines
        if line.kind is not LineKind.ARTICLE
    ]


def test_every_kind_at_once_gives_exactly_these_rows(acme):
    tenant = with_orders(
        acme,
        money_articles=MoneyArticles(
            shipping_discount="FRAKTRABATT",
            gift_card="PRESENTKORT",
            store_credit="TILLGODO",
            reward_points="BONUS",
            gift_wrapping="INSLAGNING",
        ),
        fees={"cod_fee": FeeArticle(article="AVGIFT", vat_percent=D(25))},
        mapped_totals=[
            MappedTotal(
                path="extension_attributes.partner_rebate_amount",
                article="PARTNER",
                negative=True,
            )
        ],
    )
    raw = magento_order(
        shipping_description=None,
        shipping_discount_amount=10,
        discount_amount=-30,
        shipping_tax_amount=7.25,  # (39 - 10) x 25 %
    )
    raw["extension_attributes"].update(
        gw_price="20.00",
        gw_items_price="10.00",
        gw_card_price="10.00",
        gw_tax_amount="5.00",
        gw_items_tax_amount="2.50",
        gw_card_tax_amount="2.50",
        custom_fees=[{"custom_fee_code": "cod_fee", "custom_fee_amount": 25}],
        gift_cards_amount=-50,  # the sign Magento stores is not trusted
        customer_balance_amount=20,
        reward_currency_amount=5,
        partner_rebate_amount=15,
    )
    # 435.75 - 12.50 shipping discount incl. VAT + 50 wrapping + 25 fee - 50 - 20 - 5 - 15
    raw["grand_total"] = 408.25
    order = normalize_order(raw, tenant, tenant.shop("se"))
    assert rows(order) == [
        (LineKind.DISCOUNT, "RABATT", "HÖST10", D(-20), D(25)),
        (LineKind.SHIPPING, "FRAKT", "Frakt", D(39), D(25)),
        (LineKind.SHIPPING_DISCOUNT, "FRAKTRABATT", "Fraktrabatt", D(-10), D(25)),
        (LineKind.GIFT_WRAPPING, "INSLAGNING", "Presentinslagning", D(40), D(25)),
        (LineKind.FEE, "AVGIFT", "cod_fee", D("20.000"), D(25)),
        (LineKind.GIFT_CARD, "PRESENTKORT", "Gift card", D(-50), D(0)),
        (LineKind.STORE_CREDIT, "TILLGODO", "Store credit", D(-20), D(0)),
        (LineKind.REWARD_POINTS, "BONUS", "Reward points", D(-5), D(0)),
        (LineKind.MAPPED_TOTAL, "PARTNER", "partner_rebate_amount", D("-15.000"), D(0)),
    ]


def test_a_fee_keeps_its_label_and_a_mapped_total_its_sign(acme):
    tenant = with_orders(
        acme,
        mapped_totals=[
            MappedTotal(path="extension_attributes.handling", article="AVGIFT", label="Hantering")
        ],
    )
    raw = magento_order(grand_total=435.75 + 29 + 8)
    raw["extension_attributes"].update(
        custom_fees=[
            {
                "custom_fee_code": "payment_fee",
                "custom_fee_label": "Avgift",
                "custom_fee_amount": 29,
            }
        ],
        handling=8,
    )
    extra = rows(normalize_order(raw, tenant, tenant.shop("se")))[-2:]
    assert extra == [
        (LineKind.FEE, "AVGIFT", "Betalningsavgift", D("23.200"), D(25)),
        (LineKind.MAPPED_TOTAL, "AVGIFT", "Hantering", D("8.000"), D(0)),
    ]


MODEL_FIELDS = frozenset(
    {
        "grand_total",
        "shipping_amount",
        "shipping_incl_tax",
        "shipping_tax_amount",
        "shipping_discount_amount",
    }
)


@pytest.mark.parametrize(
    ("where", "plant"),
    [
        ("grand_total", lambda o: o.update(grand_total="12,50")),
        ("shipping_amount", lambda o: o.update(shipping_amount="12,50")),
        ("shipping_incl_tax", lambda o: o.update(shipping_incl_tax="12,50")),
        ("shipping_tax_amount", lambda o: o.update(shipping_tax_amount="12,50")),
        ("shipping_discount_amount", lambda o: o.update(shipping_discount_amount="12,50")),
        (
            "gift_cards_amount",
            lambda o: o["extension_attributes"].update(gift_cards_amount="12,50"),
        ),
        (
            "customer_balance_amount",
            lambda o: o["extension_attributes"].update(customer_balance_amount="12,50"),
        ),
        (
            "reward_currency_amount",
            lambda o: o["extension_attributes"].update(reward_currency_amount="12,50"),
        ),
        ("gw_items_price", lambda o: o["extension_attributes"].update(gw_items_price="12,50")),
        ("gw_card_price", lambda o: o["extension_attributes"].update(gw_card_price="12,50")),
        (
            "gw_items_tax_amount",
            lambda o: o["extension_attributes"].update(gw_items_tax_amount="12,50"),
        ),
        (
            "gw_card_tax_amount",
            lambda o: o["extension_attributes"].update(gw_card_tax_amount="12,50"),
        ),
        (
            "custom fee 'payment_fee'",
            lambda o: o["extension_attributes"].update(
                custom_fees=[{"custom_fee_code": "payment_fee", "custom_fee_amount": "12,50"}]
            ),
        ),
    ],
)
def test_an_amount_that_is_not_a_number_is_named_exactly(acme, where, plant):
    raw = magento_order()
    plant(raw)
    with pytest.raises(MappingProblem) as caught:
        normalize_order(raw, acme, acme.shop("se"))
    # The order model declares the top-level totals as decimals and refuses "12,50" itself; the
    # extension attributes are read by the money rows.
    expected = (
        f"malformed Magento order 100000041: {where}: Input should be a valid decimal "
        "(1 problem(s) in all)"
        if where in MODEL_FIELDS
        else f"order 100000041: {where} is not a number ('12,50')"
    )
    assert caught.value.reason == expected
    assert "Magento" in caught.value.fix


def test_amount_names_the_field_and_keeps_the_order_id():
    with pytest.raises(MappingProblem) as caught:
        money.amount("x" * 100, "gw_price", "7")
    assert caught.value.reason == f"order 7: gw_price is not a number ({'x' * 40!r})"
    assert caught.value.fix == "the order in Magento (an extension writing it, or its data)"
    with pytest.raises(MappingProblem) as caught:
        money.amount("9" * 50, "gw_price", "7")
    assert caught.value.reason.startswith(f"order 7: gw_price {'9' * 40} is beyond")
    assert caught.value.fix == "the order in Magento: an amount this size is a data error"
    assert money.amount(Decimal("1.5"), "x", "7") == D("1.5")
    assert money.amount(None, "x", "7") == 0 and money.amount("", "x", "7") == 0


def test_the_edges_of_what_specter_holds():
    just_below = Decimal(money.specter_assumed.MAX_AMOUNT) - Decimal("0.001")
    assert money.amount(just_below, "x", "1") == just_below
    with pytest.raises(MappingProblem):
        money.amount(money.specter_assumed.MAX_AMOUNT, "x", "1")
    assert money.vat_percent(D(100), "x", "1") == 100
    assert money.vat_percent(D(0), "x", "1") == 0
    assert money.vat_percent(D("25.02"), "x", "1") == 25  # within the slack
    assert money.vat_percent(D("5.5") + D("0.48"), "x", "1") == 6
    for outside in (D("100.01"), D("-0.01")):
        with pytest.raises(MappingProblem, match="not between 0 and 100") as caught:
            money.vat_percent(outside, "row 3", "1")
        assert caught.value.fix == "the tax rates in Magento"
    with pytest.raises(MappingProblem) as caught:
        money.vat_percent(D("25.03"), "row 3", "1")
    assert caught.value.reason == (
        "order 1: row 3 VAT rate 25.03% is not a whole percent, "
        "and Specter's vatPercent is an integer"
    )
    assert caught.value.fix == "the tax rates in Magento, or book such orders by hand"


@pytest.mark.parametrize(
    ("fields", "rate"),
    [
        ({"shipping_incl_tax": 48.75, "shipping_tax_amount": 0}, 25),  # incl. before discount
        ({"shipping_incl_tax": None, "shipping_tax_amount": 9.75}, 25),  # from the tax
        ({"shipping_incl_tax": 39, "shipping_tax_amount": 0}, 0),  # untaxed shipping
        ({"shipping_incl_tax": None, "shipping_tax_amount": 0}, 0),
    ],
)
def test_shipping_rate_sources(acme, fields, rate):
    raw = magento_order(**fields)
    raw["grand_total"] = 435.75 if rate else 426.0
    order = normalize_order(raw, acme, acme.shop("se"))
    (shipping,) = [line for line in order.lines if line.kind is LineKind.SHIPPING]
    assert shipping.vat_percent == rate


def test_shipping_rate_after_a_partial_discount_and_for_small_amounts(acme):
    order = money.MagentoOrder.model_validate(
        magento_order(shipping_incl_tax=None, shipping_tax_amount=7.25)
    )
    assert money.shipping_rate(order, D(39), D(10)) == 25  # tax on what is left: 29
    small = money.MagentoOrder.model_validate(
        magento_order(shipping_incl_tax=1.0, shipping_tax_amount=0.2)
    )
    assert money.shipping_rate(small, D("0.8"), D(0)) == 25
    whole_discount = money.MagentoOrder.model_validate(
        magento_order(shipping_incl_tax=None, shipping_tax_amount=0)
    )
    assert money.shipping_rate(whole_discount, D(39), D(39)) == 0


def test_small_shipping_and_a_discount_alone(acme):
    raw = magento_order(shipping_amount=0.8, shipping_incl_tax=1.0, shipping_tax_amount=0.2)
    raw["grand_total"] = 435.75 - 48.75 + 1.0
    kinds = [line.kind for line in normalize_order(raw, acme, acme.shop("se")).lines]
    assert LineKind.SHIPPING in kinds
    # A shipping discount without shipping (a rule on free shipping) is still a row.
    raw = magento_order(shipping_amount=0, shipping_incl_tax=0, shipping_tax_amount=0)
    raw.update(shipping_discount_amount=0)
    raw["grand_total"] = 387.0
    assert not [
        line
        for line in normalize_order(raw, acme, acme.shop("se")).lines
        if line.kind in (LineKind.SHIPPING, LineKind.SHIPPING_DISCOUNT)
    ]


def test_unmapped_kinds_are_named_with_their_keys(acme):
    bare = with_orders(acme, money_articles=MoneyArticles(), fees={})
    raw = magento_order()
    raw["extension_attributes"].update(
        gw_price="40.00",
        gw_tax_amount="10.00",
        custom_fees=[{"custom_fee_code": "", "custom_fee_amount": 5}],
        customer_balance_amount=7,
        reward_currency_amount=3,
    )
    raw["grand_total"] = 435.75 + 50 + 5 - 7 - 3
    with pytest.raises(MappingProblem) as caught:
        normalize_order(raw, bare, bare.shop("se"))
    assert caught.value.reason == (
        "totals differ: Magento 480.75, Specter 435.75, difference 45.00 "
        "(gift wrapping 50.00 not mapped; fee '' 5.00 not mapped; store credit -7.00 not mapped; "
        "reward points -3.00 not mapped)"
    )
    assert caught.value.fix == (
        "set orders.money_articles.gift_wrapping, orders.fees.<code>.article, "
        "orders.money_articles.store_credit, orders.money_articles.reward_points in "
        "tenants/acme.yaml to a Specter article number; the order is retried by itself"
    )


def test_an_unmapped_kind_parks_even_when_the_totals_agree(acme):
    bare = with_orders(acme, money_articles=MoneyArticles())
    with pytest.raises(MappingProblem) as caught:
        money.reconcile(
            "9",
            D(100),
            D(100),
            [money.Unmapped("gift card", D(0), "money_articles.gift_card")],
            {},
            bare,
        )
    assert caught.value.reason == (
        "order 9 carries amounts without an article (gift card 0.00 not mapped)"
    )


def test_the_tolerance_is_inclusive_and_the_causes_are_named(acme):
    money.reconcile("9", D("100.05"), D(100), [], {}, acme)  # exactly the tolerance: goes
    with pytest.raises(MappingProblem) as caught:
        money.reconcile("9", D("100.06"), D(100), [], {}, acme)
    assert caught.value.reason == "totals differ: Magento 100.06, Specter 100.00, difference 0.06"
    assert caught.value.fix.startswith("compare the order's rows in Magento with its totals")
    assert caught.value.fix.endswith("orders.total_tolerance in tenants/acme.yaml is 0.05")
    with pytest.raises(MappingProblem) as caught:
        money.reconcile("9", D(150), D(100), [], {"extension_attributes": {"x_amount": 50}}, acme)
    assert caught.value.reason.endswith("difference 50.00 (extension_attributes.x_amount is 50.00)")
    assert caught.value.fix == (
        "map extension_attributes.x_amount under orders.mapped_totals in tenants/acme.yaml "
        "(article, vat_percent, negative)"
    )


def test_what_counts_as_unknown_money(acme):
    mapped = with_orders(
        acme,
        mapped_totals=[
            MappedTotal(path="extension_attributes.known_amount", article="AVGIFT"),
        ],
    )
    raw = {
        "extension_attributes": {
            "surcharge_amount": "12.5",
            "packing_fee": 3,
            "base_surcharge_amount": "12.5",
            "gift_cards_amount": 10,
            "gift_cards_invoiced": 10,
            "fee_amount_refunded": 2,
            "known_amount": 4,
            "zero_amount": 0,
            "text_amount": "n/a",
            "infinite_amount": "Infinity",
            "weight": 3,
        }
    }
    assert money.unknown_amounts(raw, mapped) == [
        ("extension_attributes.surcharge_amount", D("12.5")),
        ("extension_attributes.packing_fee", D(3)),
    ]
    assert money.unknown_amounts({"extension_attributes": [1]}, mapped) == []


def test_specter_rounds_half_up_per_row_and_per_rate():
    # A net of 0.005 is 0.01; VAT of 25 % on 0.10 is 0.025, which is 0.03.
    assert money.document_total([(D("0.005"), D(1), 0)]) == D("0.01")
    assert money.document_total([(D("0.10"), D(1), 25)]) == D("0.13")
    # VAT per rate on the summed nets, not per row: 3 x 0.10 at 25 % is 0.08 of VAT, not 0.09.
    assert money.document_total([(D("0.10"), D(1), 25)] * 3) == D("0.38")


def test_long_fee_codes_and_labels_are_cut(acme):
    code = "f" * 80
    bare = with_orders(acme, fees={})
    raw = magento_order(grand_total=440.75)
    raw["extension_attributes"]["custom_fees"] = [{"custom_fee_code": code, "custom_fee_amount": 5}]
    with pytest.raises(MappingProblem) as caught:
        normalize_order(raw, bare, bare.shop("se"))
    assert f"orders.fees.{'f' * 64}.article" in caught.value.fix
    assert f"{'f' * 65}" not in caught.value.fix
    tenant = with_orders(acme, fees={"f" * 64: FeeArticle(article="AVGIFT")})
    raw["extension_attributes"]["custom_fees"][0]["custom_fee_label"] = "L" * 150
    (fee,) = [
        line
        for line in normalize_order(raw, tenant, tenant.shop("se")).lines
        if line.kind is LineKind.FEE
    ]
    assert fee.name == "L" * 100
