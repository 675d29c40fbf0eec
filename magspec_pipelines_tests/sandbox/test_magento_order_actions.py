"""Order actions over raw HTTP: comments, hold, cancel, e-mails, ship, invoice (notes §2.3, §2.4)."""

from __future__ import annotations

from typing import Any

import pytest

from magspec_pipelines_tests.openapi import checked
from magspec_pipelines_tests.sandbox.conftest import MagentoHandle, MagentoServe


def _order(m: MagentoHandle, status: str = "pending", method: str | None = None) -> dict:
    order = m.inst.place_order(store_code="se", status=status)
    if method is not None:
        payment = {**order["payment"], "method": method, "last_trans_id": "tx-1"}
        order = m.inst.add_raw_order({**order, "payment": payment})
    return order


def _get(m: MagentoHandle, entity_id: int) -> dict[str, Any]:
    return checked(m.rest, "GET", "/V1/orders/{id}", f"/V1/orders/{entity_id}")


def _tops(order: dict[str, Any]) -> list[dict[str, Any]]:
    return [row for row in order["items"] if row.get("parent_item_id") is None]


def _ship(m: MagentoHandle, entity_id: int, body: dict, status: int = 200) -> Any:
    template = "/V1/order/{orderId}/ship"
    return checked(m.rest, "POST", template, f"/V1/order/{entity_id}/ship", body, status)


def _invoice(m: MagentoHandle, entity_id: int, body: dict, status: int = 200) -> Any:
    template = "/V1/order/{orderId}/invoice"
    return checked(m.rest, "POST", template, f"/V1/order/{entity_id}/invoice", body, status)


def _emails(m: MagentoHandle, entity_id: int) -> list[dict[str, Any]]:
    response = m.admin("GET", "/magento/acme/emails", params={"order_id": entity_id})
    assert response.status_code == 200
    return response.json()


# -- §2.3: invoice, then ship: new → processing → complete ----------------------------------------
def test_invoice_then_ship_moves_new_to_processing_to_complete(magento_serve: MagentoServe):
    m = magento_serve()
    order = _order(m, "pending", "checkmo")
    assert order["state"] == "new"
    invoice_id = _invoice(m, order["entity_id"], {"capture": True, "notify": True})
    assert isinstance(invoice_id, int)
    after_invoice = _get(m, order["entity_id"])
    assert (after_invoice["state"], after_invoice["status"]) == ("processing", "processing")
    assert after_invoice["total_paid"] == after_invoice["total_invoiced"] == order["grand_total"]
    assert all(r["qty_invoiced"] == r["qty_ordered"] for r in _tops(after_invoice))

    tracks = [{"track_number": "SE123", "title": "PostNord", "carrier_code": "postnord"}]
    shipment_id = _ship(m, order["entity_id"], {"notify": True, "tracks": tracks})
    done = _get(m, order["entity_id"])
    assert (done["state"], done["status"]) == ("complete", "complete")
    assert all(r["qty_shipped"] == r["qty_ordered"] for r in done["items"])

    shipments = checked(
        m.rest, "GET", "/V1/shipments", "/V1/shipments",
        params={"searchCriteria[filter_groups][0][filters][0][field]": "order_id",
                "searchCriteria[filter_groups][0][filters][0][value]": str(order["entity_id"])},
    )  # fmt: skip
    assert [s["entity_id"] for s in shipments["items"]] == [shipment_id]
    assert shipments["items"][0]["tracks"][0]["carrier_code"] == "postnord"
    # The customer got the invoice and the shipment (with its tracking number) by e-mail.
    kinds = [(e["type"], e["to"]) for e in _emails(m, order["entity_id"])]
    assert kinds == [("invoice", order["customer_email"]), ("shipment", order["customer_email"])]
    assert _emails(m, order["entity_id"])[1]["tracks"][0]["track_number"] == "SE123"


def test_partial_shipment_keeps_processing_and_ships_by_parent_item(magento_serve: MagentoServe):
    m = magento_serve()
    order = _order(m, "pending", "checkmo")
    while not any(r["product_type"] == "configurable" for r in order["items"]):
        order = _order(m, "pending", "checkmo")
    parent = next(r for r in order["items"] if r["product_type"] == "configurable")
    child = next(r for r in order["items"] if r.get("parent_item_id") == parent["item_id"])
    # §2.4 / §9.4: the child simple cannot carry the quantity (#9762).
    body = {"items": [{"order_item_id": child["item_id"], "qty": 1}]}
    _ship(m, order["entity_id"], body, status=400)
    _ship(m, order["entity_id"], {"items": [{"order_item_id": parent["item_id"], "qty": 1}]})
    shipped = _get(m, order["entity_id"])
    rows = {r["item_id"]: r for r in shipped["items"]}
    assert rows[parent["item_id"]]["qty_shipped"] == 1 == rows[child["item_id"]]["qty_shipped"]
    # §2.3: shipping before invoicing gives processing, never complete.
    assert (shipped["state"], shipped["status"]) == ("processing", "processing")


@pytest.mark.parametrize(
    ("method", "capture", "expected"),
    [("klarna_kp", True, "online"), ("klarna_kp", False, "offline"), ("checkmo", True, "offline")],
)
def test_capture_is_recorded_online_only_for_a_gateway_with_capture(
    magento_serve: MagentoServe, method: str, capture: bool, expected: str
) -> None:
    m = magento_serve()
    order = _order(m, "processing", method)
    invoice_id = _invoice(m, order["entity_id"], {"capture": capture})
    captures = m.admin("GET", "/magento/acme/captures").json()
    assert [(c["invoice_id"], c["capture"]) for c in captures] == [(invoice_id, expected)]
    invoices = checked(m.rest, "GET", "/V1/invoices", "/V1/invoices", params={"searchCriteria": ""})
    assert invoices["items"][0]["grand_total"] == order["grand_total"]


def test_cancel_answers_false_once_invoiced_and_true_before(magento_serve: MagentoServe):
    m = magento_serve()
    cancel = "/V1/orders/{id}/cancel"
    fresh = _order(m, "pending")
    assert checked(m.rest, "POST", cancel, f"/V1/orders/{fresh['entity_id']}/cancel") is True
    assert _get(m, fresh["entity_id"])["state"] == "canceled"
    invoiced = _order(m, "pending", "checkmo")
    _invoice(m, invoiced["entity_id"], {})
    # §2.4: not cancellable → `false` with HTTP 200, and nothing changes.
    assert checked(m.rest, "POST", cancel, f"/V1/orders/{invoiced['entity_id']}/cancel") is False
    assert _get(m, invoiced["entity_id"])["state"] == "processing"


def test_hold_and_unhold_restore_the_state(magento_serve: MagentoServe) -> None:
    m = magento_serve()
    order = _order(m, "processing")
    oid = order["entity_id"]
    assert checked(m.rest, "POST", "/V1/orders/{id}/hold", f"/V1/orders/{oid}/hold") is True
    held = _get(m, oid)
    assert (held["state"], held["hold_before_state"]) == ("holded", "processing")
    body = checked(m.rest, "POST", "/V1/orders/{id}/hold", f"/V1/orders/{oid}/hold", status=400)
    assert body["message"] == "A hold action is not available."
    _ship(m, oid, {}, status=400)  # a held order cannot be shipped
    assert checked(m.rest, "POST", "/V1/orders/{id}/unhold", f"/V1/orders/{oid}/unhold") is True
    assert _get(m, oid)["state"] == "processing"
    body = checked(m.rest, "POST", "/V1/orders/{id}/unhold", f"/V1/orders/{oid}/unhold", status=400)
    assert body["message"] == "You cannot remove the hold."


def _comment(m: MagentoHandle, oid: int, status: str | None, code: int = 200, notify=0) -> Any:
    entry: dict[str, Any] = {"comment": "Plockad i lager", "is_customer_notified": notify,
                             "is_visible_on_front": 0}  # fmt: skip
    if status is not None:
        entry["status"] = status
    template = "/V1/orders/{id}/comments"
    return checked(m.rest, "POST", template, f"/V1/orders/{oid}/comments",
                   {"statusHistory": entry}, code)  # fmt: skip


def test_comment_status_rule_state_is_the_default(magento_serve: MagentoServe) -> None:
    m = magento_serve(custom_statuses={"erp_confirmed": "new"})
    oid = _order(m, "pending")["entity_id"]
    # §2.4 current upstream: a status of the current state is fine, another state's is refused.
    assert _comment(m, oid, "erp_confirmed") is True
    refused = _comment(m, oid, "processing", 400)
    assert refused["parameters"] == ["processing"]
    assert "not part of the order status history" in refused["message"]
    assert _comment(m, oid, None, notify=1) is True  # empty status keeps the current one
    order = _get(m, oid)
    assert order["status"] == "erp_confirmed" and order["state"] == "new"
    assert order["status_histories"][0]["is_customer_notified"] == 1
    assert [e["type"] for e in _emails(m, oid)] == ["comment"]


def test_comment_status_rule_2_4_7_and_legacy(magento_serve: MagentoServe) -> None:
    m = magento_serve()
    oid = _order(m, "pending")["entity_id"]
    m.admin("PATCH", "/magento/acme/settings", json={"comment_status_rule": "2.4.7"})
    assert _comment(m, oid, "pending") is True
    _comment(m, oid, "fraud", 400)  # §2.4 2.4.7 GA: only the current status
    m.admin("PATCH", "/magento/acme/settings", json={"comment_status_rule": "legacy"})
    assert _comment(m, oid, "anything_goes") is True
    assert _get(m, oid)["status"] == "anything_goes"
    _comment(m, oid, None)  # ≤ 2.4.6: no status sets NULL (#34180)
    assert _get(m, oid)["status"] is None


def test_order_email_is_resent_and_recorded(magento_serve: MagentoServe) -> None:
    m = magento_serve()
    oid = _order(m)["entity_id"]
    assert checked(m.rest, "POST", "/V1/orders/{id}/emails", f"/V1/orders/{oid}/emails") is True
    assert [e["type"] for e in _emails(m, oid)] == ["order"]
