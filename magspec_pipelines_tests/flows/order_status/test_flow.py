"""The order status flow end to end: Specter staff deliver, invoice and cancel; the customer sees
shipments with tracking, captures and e-mails in Magento, each exactly once."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from magspec_pipelines.state import StateStore
from magspec_pipelines_tests.flows.order_status.test_support import (
    article_rows,
    captures_of,
    emails_of,
    export,
    magento,
    ordered_units,
    place,
    report,
    run_status,
    shipments_of,
    shipped_units,
    specter_order_no,
)


@pytest.fixture
def state_url(tmp_path: Path) -> str:
    # These end-to-end runs take seconds each, so they run on SQLite only; the flow's state
    # queries run on both backends in test_status_units.py and test_status_callbacks.py.
    return f"sqlite:///{tmp_path / 'state.db'}"


def test_full_delivery_ships_with_every_tracking_number_and_captures_klarna(world):
    order = place(world, "acme", "se", "klarna_kp")
    export(world, "acme", order)
    order_no = specter_order_no(world, "acme", order)
    world.specter("1001").deliver(order_no, tracking_no="PN111,PN222", delivery_method="PostNord")

    result = run_status(world, "acme")

    (shipment,) = shipments_of(world, "acme", order["entity_id"])
    assert shipped_units([shipment]) == ordered_units(world, "acme", order["entity_id"])
    assert {t["track_number"] for t in shipment["tracks"]} == {"PN111", "PN222"}
    assert {t["carrier_code"] for t in shipment["tracks"]} == {"postnord"}
    (capture,) = captures_of(world, "acme", order["entity_id"])
    assert capture["capture"] == "online"
    assert Decimal(str(capture["amount"])) == Decimal(str(order["grand_total"]))
    (mail,) = emails_of(world, "acme", order["entity_id"], "shipment")
    assert mail["to"] == order["customer_email"]
    assert {t["track_number"] for t in mail["tracks"]} == {"PN111", "PN222"}
    assert magento(world, "acme").orders[order["entity_id"]]["state"] == "complete"
    (check,) = result.get_asset_check_evaluations()
    assert check.passed
    table = result.asset_materializations_for_node("order_status__magento_order_updates")
    rows = table[0].metadata["events and actions"].value.records
    mine = [r for r in rows if r.data["order"] == order["increment_id"]]
    assert mine and "ship: done" in mine[0].data["actions"]


def test_partial_delivery_then_the_rest_gives_two_shipments_that_add_up(world):
    order = place(world, "acme", "en", "klarna_kp", min_units=2)
    export(world, "acme", order)
    order_no = specter_order_no(world, "acme", order)
    rows = article_rows(world, "acme", order_no)
    first = [(rows[0][0], Decimal(1))]
    world.specter("1001").deliver(order_no, rows=first, tracking_no="DHL1", delivery_method="DHL")
    run_status(world, "acme")

    partial = shipments_of(world, "acme", order["entity_id"])
    assert len(partial) == 1 and shipped_units(partial) == 1
    assert magento(world, "acme").orders[order["entity_id"]]["state"] == "processing"
    assert [c["capture"] for c in captures_of(world, "acme", order["entity_id"])] == ["online"]

    world.specter("1001").deliver(order_no, tracking_no="DHL2", delivery_method="DHL")
    result = run_status(world, "acme")

    both = shipments_of(world, "acme", order["entity_id"])
    assert len(both) == 2
    assert shipped_units(both) == ordered_units(world, "acme", order["entity_id"])
    assert [t["track_number"] for s in both for t in s["tracks"]] == ["DHL1", "DHL2"]
    captures = captures_of(world, "acme", order["entity_id"])
    assert [c["capture"] for c in captures] == ["online", "online"]
    total = sum(Decimal(str(c["amount"])) for c in captures)
    assert total == Decimal(str(order["grand_total"]))
    assert magento(world, "acme").orders[order["entity_id"]]["state"] == "complete"
    assert all(e.passed for e in result.get_asset_check_evaluations())


def test_invoice_payment_captures_offline_and_klarna_online(world):
    klarna = place(world, "acme", "se", "klarna_kp")
    invoice_pay = place(world, "acme", "se", "braintree")
    # An invoice payment the shop has not invoiced yet: the money comes with Specter's invoice.
    inst = magento(world, "acme")
    unpaid = dict(inst.orders[invoice_pay["entity_id"]])
    unpaid["payment"] = {"method": "checkmo", "additional_information": ["Check / Money order"]}
    inst.orders[invoice_pay["entity_id"]] = unpaid
    already = place(world, "acme", "se", "banktransfer")  # invoiced by the shop at checkout
    export(world, "acme", klarna, invoice_pay, already)
    for order in (klarna, invoice_pay, already):
        world.specter("1001").deliver(specter_order_no(world, "acme", order))

    run_status(world, "acme")

    assert [c["capture"] for c in captures_of(world, "acme", klarna["entity_id"])] == ["online"]
    assert [c["capture"] for c in captures_of(world, "acme", invoice_pay["entity_id"])] == [
        "offline"
    ]
    assert captures_of(world, "acme", already["entity_id"]) == []
    gateway = [c for c in inst.actions.captures if c["method"] in ("klarna_kp", "braintree")]
    assert all(c["capture"] == "online" for c in gateway)


def test_cancellation_before_invoicing_cancels_and_tells_the_customer(world):
    order = place(world, "acme", "se", "klarna_kp")
    export(world, "acme", order)
    world.specter("1001").cancel(specter_order_no(world, "acme", order))

    run_status(world, "acme")

    assert magento(world, "acme").orders[order["entity_id"]]["state"] == "canceled"
    assert emails_of(world, "acme", order["entity_id"], "comment")
    assert StateStore.from_url(None).parked("acme", "order_status") == []


def test_cancellation_after_invoicing_is_parked_for_support(world):
    order = place(world, "acme", "se", "checkmo")  # invoiced in Magento at checkout
    export(world, "acme", order)
    world.specter("1001").cancel(specter_order_no(world, "acme", order))

    result = run_status(world, "acme")

    assert result.success
    assert magento(world, "acme").orders[order["entity_id"]]["state"] == "processing"
    (parked,) = StateStore.from_url(None).parked("acme", "order_status")
    assert "refuses to cancel" in parked.reason and "invoiced" in parked.reason
    assert "credit memo" in parked.fix_path
    (outcome,) = report(result).parked
    assert outcome.increment_id == order["increment_id"]


def test_replayed_and_recovered_batches_never_ship_or_capture_twice(world):
    order = place(world, "acme", "se", "klarna_kp")
    export(world, "acme", order)
    order_no = specter_order_no(world, "acme", order)
    account = world.specter("1001")
    account.deliver(order_no, tracking_no="PN1", delivery_method="PostNord")
    # The acknowledgement fails: the batch is staged but stays open in Specter.
    world.sandboxes.specter.faults.add(kind="error", match="updateOrdersFromBatch", count=10)
    failed = run_status(world, "acme", raise_on_error=False, max_attempts=1)
    assert not failed.success
    world.sandboxes.specter.faults.clear()

    run_status(world, "acme")  # the open batch comes back recovered and is acknowledged
    account.order_queue.mark(order_no)  # Specter sends the same order again
    again = run_status(world, "acme")

    assert len(shipments_of(world, "acme", order["entity_id"])) == 1
    assert len(captures_of(world, "acme", order["entity_id"])) == 1
    assert len(emails_of(world, "acme", order["entity_id"], "shipment")) == 1
    replayed = [o for o in report(again).outcomes if o.specter_order_no == order_no]
    assert replayed and {o.result for o in replayed} == {"already done"}


def test_lost_answer_on_ship_is_resolved_without_a_second_shipment(world):
    order = place(world, "acme", "se", "klarna_kp")
    export(world, "acme", order)
    world.specter("1001").deliver(specter_order_no(world, "acme", order), tracking_no="X1")
    world.sandboxes.magento.faults.add(kind="lost_answer", match="/ship", count=1, seconds=2.0)

    result = run_status(world, "acme", http_timeout=0.5, max_attempts=2)

    assert len(shipments_of(world, "acme", order["entity_id"])) == 1
    assert len(captures_of(world, "acme", order["entity_id"])) == 1
    (outcome,) = [o for o in report(result).outcomes if o.increment_id == order["increment_id"]]
    assert "found after a lost answer" in outcome.actions_text()


def test_an_order_from_each_demo_shop_is_shipped(world):
    placed = {
        ("acme", store): place(world, "acme", store, "klarna_kp") for store in ("se", "en", "b2b")
    }
    placed |= {
        ("brisk", store): place(world, "brisk", store, "braintree") for store in ("se", "b2b")
    }
    for tenant in ("acme", "brisk"):
        export(world, tenant, *[o for (t, _), o in placed.items() if t == tenant])
    for (tenant, _), order in placed.items():
        sbm = {"acme": "1001", "brisk": "1003"}[tenant]
        world.specter(sbm).deliver(specter_order_no(world, tenant, order), tracking_no="T1")

    results = {tenant: run_status(world, tenant) for tenant in ("acme", "brisk")}

    for (tenant, store), order in placed.items():
        shipments = shipments_of(world, tenant, order["entity_id"])
        assert len(shipments) == 1, f"{tenant}/{store}"
        assert shipped_units(shipments) == ordered_units(world, tenant, order["entity_id"])
        assert [c["capture"] for c in captures_of(world, tenant, order["entity_id"])] == ["online"]
    for result in results.values():
        assert all(e.passed for e in result.get_asset_check_evaluations())


def test_a_refused_magento_token_fails_the_run_and_parks_nothing(world):
    # The integration lost its ACL grant: Magento answers 401 to the cancel, which is not the
    # order's fault. Nothing may be parked for it; once the grant is back the order is cancelled.
    order = place(world, "acme", "se", "klarna_kp")
    export(world, "acme", order)
    world.specter("1001").cancel(specter_order_no(world, "acme", order))
    faults = world.sandboxes.magento.faults
    faults.add(
        kind="error",
        status=401,
        match=f"/V1/orders/{order['entity_id']}/cancel",
        body='{"message":"The consumer isn\'t authorized to access %resources.",'
        '"parameters":{"resources":"Magento_Sales::cancel"}}',
    )
    failed = run_status(world, "acme", raise_on_error=False)
    assert not failed.success
    assert StateStore.from_url(None).parked("acme", "order_status") == []
    assert magento(world, "acme").orders[order["entity_id"]]["state"] != "canceled"

    faults.clear()
    run_status(world, "acme")
    assert magento(world, "acme").orders[order["entity_id"]]["state"] == "canceled"
