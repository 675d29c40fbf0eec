"""Callbacks with a valid key but a false story: the status flow confirms each one with Specter's
order feed and drops what the feed does not show, so nothing happens in Magento. (Genuine
callbacks, confirmed and applied: test_status_callbacks.py.)"""

from __future__ import annotations

import copy
from typing import Any

import httpx

from magspec_pipelines.flows.order_status.confirm import dropped_callbacks
from magspec_pipelines.services.callbacks import build_callback_app, callback_path
from magspec_pipelines.state import StateStore
from magspec_pipelines.state.order_status import OrderStatusState
from magspec_pipelines.tenancy import load_registry
from magspec_pipelines_tests.flows.order_status.test_support import (
    export,
    magento,
    place,
    report,
    run_status,
    specter_order_no,
)
from magspec_sandbox.scenario import DEMO_SECRETS
from magspec_sandbox.server import BackgroundServer

SECRET = DEMO_SECRETS["MAGSPEC_ACME_CALLBACK_SECRET"]


def _magento_view(world, orders: list[dict[str, Any]]) -> dict[str, Any]:
    """Everything the status flow could change in Magento for `orders`, and every document and
    e-mail of the installation."""
    inst = magento(world, "acme")
    return copy.deepcopy(
        {
            "orders": {o["entity_id"]: inst.orders[o["entity_id"]] for o in orders},
            "shipments": inst.actions.shipments,
            "invoices": inst.actions.invoices,
            "captures": inst.actions.captures,
            "emails": inst.actions.emails,
        }
    )


def test_forged_callbacks_with_a_valid_key_change_nothing_in_magento(world):
    invoiced = place(world, "acme", "se", "klarna_kp")
    quiet = place(world, "acme", "se", "klarna_kp")
    export(world, "acme", invoiced, quiet)
    invoiced_no = specter_order_no(world, "acme", invoiced)
    quiet_no = specter_order_no(world, "acme", quiet)
    # Specter's own story: one order invoiced by staff (the feed reports it, active, with its
    # invoice); the other one untouched (the feed has reported nothing on it).
    invoice_no = world.specter("1001").invoice(invoiced_no)["invoiceNo"]
    run_status(world, "acme")
    before = _magento_view(world, [invoiced, quiet])
    histories = before["orders"][invoiced["entity_id"]]["status_histories"]
    assert any(invoice_no in (h.get("comment") or "") for h in histories), "genuine: applied"

    store = StateStore.from_url(None)
    forged = [
        ("remove_order", {"orderNo": invoiced_no}),  # Specter has it active
        ("remove_order", {"orderNo": quiet_no}),  # the feed reported nothing on it
        # an invoice of another order
        ("new_invoice", {"orderId": quiet_no, "invoiceId": invoice_no, "invoiceSource": "sbm"}),
        # an invoice that does not exist
        ("new_invoice", {"orderId": invoiced_no, "invoiceId": "999999", "invoiceSource": "sbm"}),
        ("order_change", {"orderId": quiet_no}),
    ]
    app = build_callback_app(load_registry(str(world.tenants_dir)), store)
    with BackgroundServer(app) as receiver:
        for kind, params in forged:
            url = receiver.url + callback_path("acme", kind)
            answer = httpx.get(url, params={**params, "pskey": SECRET})
            assert answer.text.startswith("1;Done"), "a valid key gets in"

    result = run_status(world, "acme")

    assert _magento_view(world, [invoiced, quiet]) == before, "no cancel, ship, invoice, comment"
    state = OrderStatusState(store)
    assert state.pending_events("acme") == []
    dropped = {
        (e.payload["callback"], e.specter_order_no): e.outcome
        for e in dropped_callbacks("acme", state)
    }
    assert dropped == {
        ("remove_order", invoiced_no): (
            f"dropped: Specter reports order {invoiced_no} active (statusId 1), not removed"
        ),
        ("remove_order", quiet_no): (
            f"dropped: Specter's order feed has reported nothing on order {quiet_no}"
        ),
        ("new_invoice", quiet_no): (
            f"dropped: Specter's order feed has reported nothing on order {quiet_no}"
        ),
        ("new_invoice", invoiced_no): (
            f"dropped: Specter reports invoice {invoice_no} on order {invoiced_no}, not 999999"
        ),
    }
    outcomes = report(result).outcomes
    assert sorted(o.result for o in outcomes) == ["dropped"] * 4
    assert {o.increment_id for o in outcomes} == {invoiced["increment_id"], quiet["increment_id"]}
    assert report(result).nudges == 1
    (materialization,) = result.asset_materializations_for_node(
        "order_status__magento_order_updates"
    )
    assert materialization.metadata["callbacks dropped"].value == 4  # support sees them
    store.dispose()


def test_an_invoice_of_another_order_the_feed_reports_is_dropped(world):
    first = place(world, "acme", "se", "klarna_kp")
    second = place(world, "acme", "se", "klarna_kp")
    export(world, "acme", first, second)
    first_no = specter_order_no(world, "acme", first)
    second_no = specter_order_no(world, "acme", second)
    account = world.specter("1001")
    first_invoice = account.invoice(first_no)["invoiceNo"]
    account.invoice(second_no)
    run_status(world, "acme")
    before = _magento_view(world, [first, second])

    store = StateStore.from_url(None)
    app = build_callback_app(load_registry(str(world.tenants_dir)), store)
    with BackgroundServer(app) as receiver:
        params = {"orderId": second_no, "invoiceId": first_invoice, "invoiceSource": "webshop"}
        url = receiver.url + callback_path("acme", "new_invoice")
        assert httpx.get(url, params={**params, "pskey": SECRET}).text.startswith("1;Done")
    run_status(world, "acme")

    assert _magento_view(world, [first, second]) == before
    (dropped,) = dropped_callbacks("acme", OrderStatusState(store))
    assert f"on order {second_no}, not {first_invoice}" in (dropped.outcome or "")
    store.dispose()
