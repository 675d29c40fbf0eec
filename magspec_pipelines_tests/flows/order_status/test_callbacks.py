"""Specter's invoice and removal callbacks reach the receiver, are staged, wake the sensor and,
confirmed by Specter's order feed, end up in Magento; a callback with the wrong secret is
refused. Forged callbacks are in test_status_forged_callbacks.py."""

from __future__ import annotations

import httpx

from magspec_pipelines.flows.order_status.confirm import dropped_callbacks
from magspec_pipelines.flows.order_status.triggers import evaluate_status_sensor
from magspec_pipelines.services.callbacks import (
    build_callback_app,
    callback_path,
    register_callbacks,
)
from magspec_pipelines.state import StateStore
from magspec_pipelines.state.order_status import OrderStatusState
from magspec_pipelines.tenancy import load_registry
from magspec_pipelines_tests.flows.order_status.test_support import (
    export,
    magento,
    place,
    run_status,
    specter_order_no,
)
from magspec_sandbox.scenario import DEMO_SECRETS
from magspec_sandbox.server import BackgroundServer

SECRET = DEMO_SECRETS["MAGSPEC_ACME_CALLBACK_SECRET"]


def _register(world, base_url: str) -> None:
    magspec = world.resource()
    tenant = magspec.tenant("acme")
    with magspec.specter(tenant) as specter:
        register_callbacks(tenant, specter, base_url)


def test_invoice_and_removal_callbacks_are_staged_and_applied(world):
    invoiced = place(world, "acme", "se", "klarna_kp")
    removed = place(world, "acme", "se", "braintree")
    export(world, "acme", invoiced, removed)
    store = StateStore.from_url(None)
    app = build_callback_app(load_registry(str(world.tenants_dir)), store)
    account = world.specter("1001")
    with BackgroundServer(app) as receiver:
        _register(world, receiver.url)
        invoice = account.invoice(specter_order_no(world, "acme", invoiced))
        account.cancel(specter_order_no(world, "acme", removed))
        assert account.callbacks.wait_idle(10)
    answers = [e for e in account.callbacks.describe()["log"] if e["event"] != "actionOrderChange"]
    assert answers and all(e["outcome"] == "done" for e in answers)
    # The registered templates carry the key, so Specter calls back with it.
    assert all(f"pskey={SECRET}" in e["url"] for e in answers)
    staged = OrderStatusState(store).pending_events("acme")
    assert {e.source for e in staged} == {"callback", "nudge"}  # nudges: actionOrderChange
    callbacks = [e for e in staged if e.source == "callback"]
    assert {e.payload["callback"] for e in callbacks} == {"new_invoice", "remove_order"}

    magspec = world.resource()
    request, _ = evaluate_status_sensor(magspec.tenant("acme"), magspec)
    repeat, _ = evaluate_status_sensor(magspec.tenant("acme"), magspec)
    assert request is not None and repeat is not None
    assert request.run_key == repeat.run_key, "a repeated tick must not start a second run"
    run_status(world, "acme")

    inst = magento(world, "acme")
    assert inst.orders[removed["entity_id"]]["state"] == "canceled"
    comments = [
        h.get("comment") or "" for h in inst.orders[invoiced["entity_id"]]["status_histories"]
    ]
    assert any(invoice["invoiceNo"] in c for c in comments)
    # the invoiced order keeps its status: the comment did not wipe it
    assert inst.orders[invoiced["entity_id"]]["status"] == "processing"
    assert OrderStatusState(store).pending_events("acme") == []
    assert dropped_callbacks("acme", OrderStatusState(store)) == [], "genuine: confirmed"
    nothing, _ = evaluate_status_sensor(magspec.tenant("acme"), magspec)
    assert nothing is None
    store.dispose()


def test_callback_with_a_wrong_secret_is_refused(world, monkeypatch):
    monkeypatch.setenv("MAGSPEC_ACME_CALLBACK_SECRET", "s3cret")
    store = StateStore.from_url(None)
    store.upgrade()
    app = build_callback_app(load_registry(str(world.tenants_dir)), store)
    with BackgroundServer(app) as receiver:
        url = receiver.url + callback_path("acme", "remove_order")
        wrong = httpx.get(url, params={"orderNo": "5", "pskey": "guess"})
        right = httpx.get(url, params={"orderNo": "5", "pskey": "s3cret"})
        fjall = httpx.get(receiver.url + callback_path("fjall", "remove_order"), params={})
    assert wrong.status_code == 403 and not wrong.text.startswith("1;")
    assert right.status_code == 200 and right.text.startswith("1;Done")
    # fjall's package has no order status: refused the same way as a wrong key
    assert (fjall.status_code, fjall.text) == (wrong.status_code, wrong.text)
    (staged,) = OrderStatusState(store).pending_events("acme")
    assert staged.payload == {"callback": "remove_order", "order_no": "5", "invoice_no": None}
    store.dispose()
