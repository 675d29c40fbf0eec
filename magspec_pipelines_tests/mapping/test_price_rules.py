"""The price and stock rules without the sandboxes: VAT, the tier plan, settings validation and
the staging state on both backends."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import ValidationError

from magspec_pipelines.domain.pricing import StockLevel
from magspec_pipelines.magento.models import TierPrice
from magspec_pipelines.mapping.prices import plan_tiers, shop_amount
from magspec_pipelines.mapping.stock import level_from_change
from magspec_pipelines.specter.changes import StockChange
from magspec_pipelines.state.pricing import PricingState
from magspec_pipelines.tenancy.pricing import PricingSettings

STEPS = {"incl_step": Decimal("0.01"), "excl_step": Decimal("0.0001")}


def test_vat_is_added_only_for_shops_whose_prices_include_it():
    assert shop_amount(Decimal("79.99"), Decimal(25), True, **STEPS) == Decimal("99.99")
    assert shop_amount(Decimal("79.99"), Decimal(25), False, **STEPS) == Decimal("79.99")
    assert shop_amount(Decimal("10.00"), Decimal(6), True, **STEPS) == Decimal("10.60")


def tier(group: str, qty: int, price: str, website: int = 1) -> TierPrice:
    return TierPrice("A", Decimal(price), group, Decimal(qty), website)


def row(group: str, qty: int, price: float, website: int = 1) -> dict:
    return {"sku": "A", "customer_group": group, "quantity": qty, "price": price,
            "website_id": website, "price_type": "fixed"}  # fmt: skip


def test_tier_plan_touches_only_managed_rows():
    current = [
        row("Wholesale", 5, 8.0),  # another group: stays
        row("Retailer", 5, 9.0, website=2),  # another website: stays
        row("Retailer", 1, 10.0),  # same as wanted: nothing to send
        row("Retailer", 50, 7.0),  # managed, no longer wanted: deleted
    ]
    plan = plan_tiers(
        "A", [tier("Retailer", 1, "10"), tier("Retailer", 10, "9")], current, ["retailer"], [1]
    )
    assert [(r.customer_group, r.quantity) for r in plan.add] == [("Retailer", Decimal(10))]
    assert [(r.customer_group, r.quantity) for r in plan.delete] == [("Retailer", Decimal(50))]
    assert not plan.conflicts


def test_tier_plan_refuses_to_collide_with_an_all_websites_row():
    plan = plan_tiers("A", [tier("Retailer", 10, "9")], [row("Retailer", 10, 8.0, website=0)],
                      ["Retailer"], [1])  # fmt: skip
    assert plan.conflicts and not plan.add and not plan.delete


def test_on_hand_is_sent_and_available_only_when_on_hand_is_missing():
    with_on_hand = StockChange("A", "1", available=Decimal(3), on_hand=Decimal(8))
    assert level_from_change(with_on_hand) == StockLevel("A", "1", Decimal(8), True)
    without = StockChange("A", None, available=Decimal(3))
    assert level_from_change(without) == StockLevel("A", None, Decimal(3), False)


def test_settings_refuse_two_lists_for_one_group_and_bad_ids():
    with pytest.raises(ValidationError, match="more than one price list"):
        PricingSettings(
            tier_prices=[
                {"price_list_id": "2", "customer_group": "Retailer"},
                {"price_list_id": "3", "customer_group": "retailer"},
            ]
        )
    with pytest.raises(ValidationError, match="digits only"):
        PricingSettings(base_price_list_id="one")
    settings = PricingSettings(tier_prices=[{"price_list_id": 2, "customer_group": "Retailer",
                                             "shops": ["se", "xx"]}])  # fmt: skip
    assert settings.shop_problems(["se", "en"]) == [
        (("pricing", "tier_prices", 0, "shops", 1), "'xx' is not a shop of this tenant "
         "(allowed: se, en)")
    ]  # fmt: skip


def test_staging_is_idempotent_per_batch_and_keeps_newer_changes_pending(state_store):
    state = PricingState(state_store)
    levels = [StockLevel("A", None, Decimal(5)), StockLevel("B", "2", Decimal("1.5"))]
    assert state.stage_stock_batch("acme", "b1", levels)
    assert not state.stage_stock_batch("acme", "b1", levels, recovered=True)
    read = state.pending_stock("acme")
    assert [(s.level.article_no, s.level.quantity) for s in read] == [
        ("A", Decimal(5)),
        ("B", Decimal("1.5")),
    ]
    # A newer change of A arrives between reading and applying: it stays pending.
    state.stage_stock_batch("acme", "b2", [StockLevel("A", None, Decimal(2))])
    assert state.mark_stock_applied("acme", read) == 1
    [left] = state.pending_stock("acme")
    assert (left.level.article_no, left.level.quantity) == ("A", Decimal(2))
    assert state.pending_summary("acme")[0] == 1
    assert state.pending_stock("other") == []
