"""Guarantees of the order status flow that move money or e-mail customers, each shown where it
is made: the `capture` flag in the very request magspec sends to Magento, and the action runner
refusing a recorded action by itself, whatever the filter in front of it lets through."""

from __future__ import annotations

import json
import random
import re
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from magspec_pipelines.domain.events import EventKind, OrderEvent
from magspec_pipelines.flows.order_status.apply import OrderActions
from magspec_pipelines.flows.order_status.process import events_of
from magspec_pipelines.flows.order_status.stage import stage_queue
from magspec_pipelines.magento.client import MagentoClient
from magspec_pipelines.state import StateStore
from magspec_pipelines.state.order_status import ActionState, OrderStatusState
from magspec_pipelines_tests.flows.order_status.test_support import (
    captures_of,
    emails_of,
    export,
    magento,
    place,
    run_status,
    shipments_of,
    specter_order_no,
)
from magspec_pipelines_tests.magento.schema_hooks import SchemaCheckingTransport
from magspec_sandbox.magento.payments import payment_json

INVOICE_PATH = re.compile(r"/V1/order/(\d+)/invoice$")


@pytest.fixture
def state_url(tmp_path: Path) -> str:
    # End-to-end runs of seconds each: SQLite only, as in test_status_flow.py.
    return f"sqlite:///{tmp_path / 'state.db'}"


class _InvoiceRecorder(httpx.BaseTransport):
    """Keeps the JSON body of every invoice request on its way to Magento, by order id."""

    def __init__(self, inner: httpx.BaseTransport, sent: list[tuple[int, dict]]) -> None:
        self.inner, self.sent = inner, sent

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        match = INVOICE_PATH.search(request.url.path)
        if request.method == "POST" and match:
            self.sent.append((int(match.group(1)), json.loads(request.read())))
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


@pytest.fixture
def invoice_requests(magento_exchanges_checked, monkeypatch) -> list[tuple[int, dict]]:
    # The sandbox's capture record ANDs the flag with the method being a gateway, so a wrong
    # `capture: true` on a bank transfer looks "offline" there: only the request tells.
    sent: list[tuple[int, dict]] = []
    schema_checked = MagentoClient.__init__

    def init(self, *args, **kwargs):
        inner = kwargs.get("transport") or SchemaCheckingTransport(httpx.HTTPTransport())
        kwargs["transport"] = _InvoiceRecorder(inner, sent)
        schema_checked(self, *args, **kwargs)

    monkeypatch.setattr(MagentoClient, "__init__", init)
    return sent


def _pay_unpaid_with(world, order: dict, method: str) -> None:
    # The generator invoices offline payments at checkout; an offline order Specter is to
    # invoice is a gateway order whose payment becomes an unpaid offline one before export.
    inst = magento(world, "acme")
    changed = dict(inst.orders[order["entity_id"]])
    total = Decimal(str(changed["grand_total"]))
    changed["payment"] = payment_json(random.Random(0), method, order["entity_id"], total, False)
    inst.orders[order["entity_id"]] = changed


def test_invoice_requests_carry_capture_false_offline_and_true_online(world, invoice_requests):
    online = {m: place(world, "acme", "se", m) for m in ("klarna_kp", "braintree")}
    offline = {m: place(world, "acme", "se", "klarna_kp") for m in ("checkmo", "banktransfer")}
    offline["cashondelivery"] = place(world, "acme", "se", "braintree")
    for method, order in offline.items():
        _pay_unpaid_with(world, order, method)
    orders = online | offline
    export(world, "acme", *orders.values())
    for order in orders.values():
        world.specter("1001").deliver(specter_order_no(world, "acme", order))

    run_status(world, "acme")

    # As JSON text, so 1/0 or a missing key cannot pass for true/false.
    sent = {
        method: [
            json.dumps(body.get("capture", "omitted"))
            for entity_id, body in invoice_requests
            if entity_id == order["entity_id"]
        ]
        for method, order in orders.items()
    }
    assert sent == {
        "klarna_kp": ["true"],
        "braintree": ["true"],
        "checkmo": ["false"],
        "banktransfer": ["false"],
        "cashondelivery": ["false"],
    }


def test_the_action_runner_sends_nothing_for_a_recorded_action(world):
    # The processor filters recorded actions with `pending_actions`; this calls the runner
    # itself, as a caller that skipped the filter (or raced another run past it) would.
    order = place(world, "acme", "se", "klarna_kp")
    export(world, "acme", order)
    order_no = specter_order_no(world, "acme", order)
    world.specter("1001").deliver(order_no, tracking_no="PN1", delivery_method="PostNord")
    resource = world.resource()
    tenant = resource.tenant("acme")
    store = StateStore.from_url(None)
    try:
        state = OrderStatusState(store)
        with resource.specter(tenant) as specter:
            stage_queue(tenant, specter, state)
        (delivered,) = [
            e
            for staged in state.pending_events("acme")
            if staged.specter_order_no == order_no
            for e in events_of(staged)
        ]
        assert delivered.kind is EventKind.DELIVERED
        cancelled = OrderEvent(kind=EventKind.CANCELLED, specter_order_no=order_no, key="cancelled")
        binding = state.binding_for("acme", order_no)
        assert binding is not None
        # Recorded, yet Magento has nothing of it: everything is still there to ship, invoice and
        # cancel, so only the record can stop a second shipment, capture or e-mail.
        recorded = [
            (delivered, "ship", ActionState.DONE),
            (delivered, "invoice", ActionState.SKIPPED),
            (cancelled, "cancel", ActionState.DONE),
        ]
        shop, entity_id = binding.shop, binding.magento_entity_id
        for event, action, outcome in recorded:
            state.begin_action("acme", shop, entity_id, order_no, event.key, action)
            state.finish_action("acme", shop, entity_id, event.key, action, outcome, detail="test")
        faults = world.sandboxes.magento.faults
        faults.reset_stats()

        with resource.magento(tenant, tenant.shop(binding.shop)) as client:
            for event, action, outcome in recorded:
                rule = tenant.order_status.rule(event.kind)
                taken = OrderActions(tenant, state, client, binding, event, rule).run(action)
                writes = [k for k in faults.stats()["requests"] if not k.startswith("GET ")]
                assert writes == [], f"{action} recorded {outcome.value} was sent again"
                assert (taken.action, taken.result) == (action, "already done")

        assert shipments_of(world, "acme", entity_id) == []
        assert captures_of(world, "acme", entity_id) == []
        assert emails_of(world, "acme", entity_id) == []
        assert magento(world, "acme").orders[entity_id]["state"] == "processing"
        for event, action, outcome in recorded:
            record = state.action("acme", shop, entity_id, event.key, action)
            assert record is not None
            assert (record.state, record.attempts) == (outcome, 1)
    finally:
        store.dispose()
