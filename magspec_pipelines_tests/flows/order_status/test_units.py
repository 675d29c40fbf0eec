"""The order status flow's pieces without sandboxes: tenant settings, event mapping, the Magento
rows a delivery stands for, capture modes, and the state tables on both backends."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import ValidationError

from magspec_pipelines.domain.events import EventKind
from magspec_pipelines.mapping.problems import MappingProblem
from magspec_pipelines.mapping.status import (
    capture_mode,
    change_from_payload,
    change_payload,
    delivered_items,
    events_from_change,
    tracks,
)
from magspec_pipelines.specter.changes import Delivery, OrderChange
from magspec_pipelines.state.order_status import ActionState, OrderStatusState, StagedItem
from magspec_pipelines.tenancy import load_registry
from magspec_pipelines.tenancy.order_status import OrderStatusSettings
from magspec_pipelines_tests import REPO


@pytest.fixture(scope="module")
def acme():
    return load_registry(str(REPO / "tenants")).tenants["acme"]


def _change(**kw) -> OrderChange:
    base = dict(order_no="7", external_order_no="100000007", delivery_status="", status_id="1")
    return OrderChange(**{**base, **kw})


def _order(method: str = "klarna_kp", **payment) -> dict:
    # A configurable (parent row 10 with the child's SKU, child row 11) and a simple row 12.
    return {
        "entity_id": 3,
        "increment_id": "100000003",
        "state": "processing",
        "payment": {"method": method, **payment},
        "items": [
            {"item_id": 10, "sku": "MJ01-M-Red", "product_type": "configurable",
             "qty_ordered": 2, "qty_shipped": 0, "qty_invoiced": 0},
            {"item_id": 11, "parent_item_id": 10, "sku": "MJ01-M-Red", "product_type": "simple",
             "qty_ordered": 2},
            {"item_id": 12, "sku": "24-MB01", "product_type": "simple",
             "qty_ordered": 1, "qty_shipped": 1, "qty_invoiced": 0},
        ],
    }  # fmt: skip


def test_settings_refuse_offline_capture_on_a_gateway_and_misplaced_actions():
    with pytest.raises(ValidationError) as error:
        OrderStatusSettings.model_validate({"capture": {"klarna_kp": "offline"}})
    assert "klarna_kp" in str(error.value) and "online or none" in str(error.value)
    with pytest.raises(ValidationError, match="'ship' cannot run on a cancelled event"):
        OrderStatusSettings.model_validate({"cancelled": {"actions": ["ship"]}})
    with pytest.raises(ValidationError, match="comment"):
        OrderStatusSettings.model_validate({"paid": {"actions": ["comment"]}})


def test_a_broken_order_status_section_names_file_and_field(tmp_path):
    text = (REPO / "tenants" / "acme.yaml").read_text()
    (tmp_path / "acme.yaml").write_text(text.replace("braintree: online", "braintree: offline"))
    registry = load_registry(str(tmp_path))
    assert "acme" not in registry.tenants
    message = " ".join(str(e) for e in registry.errors)
    assert "acme.yaml" in message and "order_status.capture.braintree" in message


def test_deliveries_become_partial_then_delivered_events_and_survive_staging():
    change = _change(
        delivery_status="D",
        invoice_no="55",
        paid=True,
        deliveries=(
            Delivery("1", ("A1",), None, "PostNord", (("MJ01-M-Red", Decimal(1)),)),
            Delivery("2", ("A2", "A3"), None, "DHL", (("MJ01-M-Red", Decimal(1)),)),
        ),
    )
    again = change_from_payload(change_payload(change))
    assert again == change
    events = events_from_change(again)
    assert [e.kind for e in events] == [
        EventKind.PARTLY_DELIVERED,
        EventKind.DELIVERED,
        EventKind.INVOICED,
        EventKind.PAID,
    ]
    assert len({e.key for e in events}) == 4
    assert events_from_change(_change(status_id="5"))[-1].kind is EventKind.CANCELLED


def test_a_delivery_ships_a_configurable_by_its_parent_row_and_skips_what_is_shipped(acme):
    (event,) = events_from_change(
        _change(
            delivery_status="D",
            deliveries=(
                Delivery(
                    "9",
                    ("PN1",),
                    None,
                    "PostNord",
                    (("MJ01-M-Red", Decimal(2)), ("24-MB01", Decimal(1)), ("FRAKT", Decimal(1))),
                ),
            ),
        )
    )
    items, notes = delivered_items(event, _order(), acme)
    assert [(i.order_item_id, i.qty) for i in items] == [(10, 2)]
    assert notes and "24-MB01" in notes[0]
    (track,) = tracks(event, acme)
    assert (track.track_number, track.carrier_code) == ("PN1", "postnord")
    stranger = event.model_copy(
        update={"rows": (event.rows[0].model_copy(update={"article_no": "X"}),)}
    )
    with pytest.raises(MappingProblem, match="not on Magento order"):
        delivered_items(stranger, _order(), acme)


def test_capture_mode_per_payment_method_never_offline_on_a_held_payment(acme):
    assert capture_mode(_order("klarna_kp"), acme) == "online"
    assert capture_mode(_order("checkmo"), acme) == "offline"
    held = _order("checkmo", amount_authorized=100)
    with pytest.raises(MappingProblem, match="capture impossible"):
        capture_mode(held, acme)
    with pytest.raises(MappingProblem, match="no capture mode") as unknown:
        capture_mode(_order("fancy_pay"), acme)
    assert unknown.value.fix == "tenants/acme.yaml: order_status.capture.fancy_pay"


def test_staging_is_keyed_and_actions_are_recorded_once(state_store):
    state = OrderStatusState(state_store)
    items = [StagedItem("queue:b1:7:x", "7", {"n": 1}), StagedItem("queue:b1:8:y", "8", {"n": 2})]
    assert state.stage("acme", "queue", items) == 2
    assert state.stage("acme", "queue", items) == 0, "a recovered batch stages nothing new"
    assert state.stage("brisk", "queue", items[:1]) == 1, "tenants do not share keys"
    pending = state.pending_events("acme")
    assert [e.specter_order_no for e in pending] == ["7", "8"]
    state.mark_processed("acme", [pending[0].id], "done")
    assert [e.specter_order_no for e in state.pending_events("acme")] == ["8"]

    first = state.begin_action("acme", "se", 3, "7", "delivery:1", "ship")
    retry = state.begin_action("acme", "se", 3, "7", "delivery:1", "ship")
    assert (first.state, first.attempts, retry.attempts) == (ActionState.PENDING, 1, 2)
    state.finish_action("acme", "se", 3, "delivery:1", "ship", ActionState.DONE, document_id=4)
    after = state.begin_action("acme", "se", 3, "7", "delivery:1", "ship")
    assert after.state is ActionState.DONE and after.magento_document_id == 4
    assert (
        state.begin_action("acme", "se", 3, "7", "delivery:2", "ship").state is ActionState.PENDING
    )
