"""Whose fault is it: one order's problem parks that order; a problem that is nobody's order
(a rejected key, an answer that is not Specter's protocol) fails the run loudly and parks nothing;
and what Specter books is what the customer was charged in Magento, within the tenant's
tolerance for rounding."""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest

from magspec_pipelines.flows.orders.assets import SPECTER_DOCUMENTS
from magspec_pipelines.flows.orders.outcomes import fingerprint
from magspec_pipelines.state import StateStore
from magspec_sandbox.magento.order_extras import OrderExtras
from magspec_sandbox.scenario import DEMO_SECRETS


def _place(world, count: int = 3, **kw) -> list[dict]:
    shop = world.sandboxes.magento.instance("acme")
    return [shop.place_order(store_code="se", status="processing", **kw) for _ in range(count)]


def _run_text(world, result) -> str:
    return "\n".join(str(e) for e in world.instance.all_logs(result.run_id))


def _parked(state_url: str) -> list:
    store = StateStore.from_url(state_url)
    try:
        return store.parked("acme", "orders")
    finally:
        store.dispose()


def _sent(world) -> set[str]:
    return {o["externalOrderNo"] for o in world.specter("1001").orders.values()}


def test_a_rejected_key_fails_the_run_and_parks_nothing(world, state_url, monkeypatch):
    orders = _place(world)
    day = world.day_of(orders[0])
    monkeypatch.setenv("MAGSPEC_ACME_SPECTER_API_USER_KEY", "not-the-key")
    failed = world.run_day("acme", day, raise_on_error=False)
    assert not failed.success
    text = _run_text(world, failed)
    assert "Specter rejected the key for account 1001" in text
    assert "MAGSPEC_ACME_SPECTER_API_USER_KEY" in text
    assert "not-the-key" not in text
    assert _parked(state_url) == []
    assert not {o["increment_id"] for o in orders} & _sent(world)

    monkeypatch.setenv(
        "MAGSPEC_ACME_SPECTER_API_USER_KEY", DEMO_SECRETS["MAGSPEC_ACME_SPECTER_API_USER_KEY"]
    )
    again = world.run_day("acme", day)
    assert again.success
    assert {o["increment_id"] for o in orders} <= _sent(world)


@pytest.mark.parametrize(
    "body",
    [
        "<html><head><title>500</title></head><body>Runtime Error</body></html>",
        "<APIresponse><result>1</resu",  # truncated XML
        "\x89PNG\r\n\x1a\n;\x00\x00;garbage",  # bytes of something else
    ],
    ids=["html", "truncated-xml", "binary"],
)
def test_an_answer_that_is_not_the_protocol_fails_the_run_and_parks_nothing(world, state_url, body):
    orders = _place(world, 2)
    day = world.day_of(orders[0])
    faults = world.sandboxes.specter.faults
    rule = faults.add(kind="error", status=200, body=body, match="newOrderSubmit")
    failed = world.run_day("acme", day, raise_on_error=False)
    assert not failed.success
    assert "something that is not its protocol" in _run_text(world, failed)
    assert _parked(state_url) == []
    faults.clear()
    assert rule.hits >= 1
    assert world.run_day("acme", day).success
    account = world.specter("1001")
    for order in orders:
        assert len(account.orders_by_external_no(order["increment_id"])) == 1


@pytest.mark.malformed_magento
def test_an_order_with_an_impossible_amount_parks_and_the_rest_go(world, state_url):
    good = _place(world, 3)
    day = world.day_of(good[0])
    shop = world.sandboxes.magento.instance("acme")
    raw = copy.deepcopy(good[0])
    raw.pop("entity_id")
    raw["increment_id"] = f"9{good[0]['increment_id']}"
    raw["items"][0]["price"] = 1e26
    broken = shop.add_raw_order(raw)

    result = world.run_day("acme", day)
    assert result.success
    report = result.asset_value(SPECTER_DOCUMENTS)
    (parked,) = report.parked
    assert parked.increment_id == broken["increment_id"]
    assert "beyond what Specter can hold" in parked.reason
    assert {g["increment_id"] for g in good} <= _sent(world)
    # Never half-done: no binding was begun for it, so nothing stays "submitting".
    store = StateStore.from_url(state_url)
    try:
        assert store.order_binding("acme", "se", broken["entity_id"]) is None
    finally:
        store.dispose()
    assert world.run_day("acme", day).success  # and the rerun does not fail on it either


def test_orders_parked_for_a_cause_that_was_not_theirs_are_released(world, state_url):
    (order,) = _place(world, 1)
    store = StateStore.from_url(state_url)
    store.upgrade()
    # What an earlier version parked when Specter refused its key.
    store.park(
        "acme",
        "orders",
        f"se:{order['entity_id']}",
        reason="Specter refused the order: newOrderSubmit: Invalid key (code 10)",
        fix_path="the order data or the tenant's Specter settings",
        payload={"stage": "submit", "order": {}},
        shop="se",
        source_fingerprint=fingerprint(order),
    )
    store.dispose()
    assert world.run_day("acme", world.day_of(order)).success
    assert len(world.specter("1001").orders_by_external_no(order["increment_id"])) == 1
    assert _parked(state_url) == []


def test_every_kind_of_amount_reaches_specter_within_the_tolerance(world):
    kinds = [
        OrderExtras(gift_card=Decimal(100)),
        OrderExtras(payment_fee=Decimal(29)),
        OrderExtras(shipping_discount=Decimal(-1)),
        OrderExtras(store_credit=Decimal(75)),
        OrderExtras(reward=Decimal(30)),
        OrderExtras(gift_wrapping=Decimal(40)),
        OrderExtras(tax_rates=(Decimal("0.25"), Decimal("0.12"), Decimal("0.06"))),
    ]
    shop = world.sandboxes.magento.instance("acme")
    placed = [shop.place_order(store_code="se", status="processing", extras=e) for e in kinds]
    result = world.run_day("acme", world.day_of(placed[0]))
    assert result.success
    assert result.asset_value(SPECTER_DOCUMENTS).parked == []
    account = world.specter("1001")
    articles = set()
    for order in placed:
        (document,) = account.orders_by_external_no(order["increment_id"])
        # Magento rounds VAT per row, Specter per rate (assumed): öre apart at most.
        difference = account.document_total(document["orderNo"]) - Decimal(
            str(order["grand_total"])
        )
        assert abs(difference) <= Decimal("0.05")
        articles |= {row["articleNo"] for row in document["rows"]}
    assert {"PRESENTKORT", "AVGIFT", "RABATT", "TILLGODO", "BONUS", "INSLAGNING"} <= articles
    rates = {
        row["vatPercent"]
        for row in account.orders_by_external_no(placed[-1]["increment_id"])[0]["rows"]
    }
    assert {Decimal(25), Decimal(12), Decimal(6)} <= {Decimal(str(r)) for r in rates}
