"""Order actions against a fake Magento: what the client sends, what it makes of the answers
(reference §2.4). Every exchange is checked against Adobe's schema."""

from __future__ import annotations

import httpx
import pytest

from magspec_pipelines.magento.errors import MagentoOutcomeUnknown, MagentoRequestError
from magspec_pipelines.magento.models import LineQty, Track
from magspec_pipelines.magento.search import SearchCriteria
from magspec_pipelines_tests.magento.schema_hooks import checked_client, json_body


class FakeOrders:
    """An order with a status that, like Magento up to 2.4.6, a comment without a status wipes."""

    def __init__(self, status: str = "processing") -> None:
        self.status: str | None = status
        self.requests: list[httpx.Request] = []
        self.comments: list[dict] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = request.url.path.split("/rest/", 1)[1]
        if request.method == "GET" and path == "V1/orders/7":
            return httpx.Response(200, json={"entity_id": 7, "status": self.status, "state": "new"})
        if path == "V1/orders/7/comments":
            history = json_body(request)["statusHistory"]
            self.comments.append(history)
            self.status = history.get("status")  # the pre-2.4.7 behaviour: NULL when absent
            return httpx.Response(200, json=True)
        if path == "V1/orders/7/cancel":
            return httpx.Response(200, json=False)
        if path == "V1/orders/7/hold":
            return httpx.Response(400, json={"message": "A hold action is not available."})
        if path in ("V1/orders/7/unhold", "V1/orders/7/emails"):
            return httpx.Response(200, json=True)
        if path == "V1/order/7/ship":
            return httpx.Response(200, json=31)
        if path == "V1/order/7/invoice":
            return httpx.Response(200, json=41)
        if path in ("V1/shipments", "V1/invoices"):
            return httpx.Response(
                200, json={"items": [{"entity_id": 3, "order_id": 7}], "total_count": 1}
            )
        return httpx.Response(404, json={"message": "Request does not match any route."})


def test_a_comment_without_status_keeps_the_current_status() -> None:
    fake = FakeOrders(status="erp_confirmed")
    client, _ = checked_client(fake)
    with client:
        assert client.add_comment(7, "Received by the business system") is True
    assert fake.status == "erp_confirmed"
    sent = fake.comments[0]
    assert sent["status"] == "erp_confirmed"
    assert sent["is_customer_notified"] == 0 and sent["is_visible_on_front"] == 0
    assert sent["comment"] == "Received by the business system"


def test_a_comment_with_status_and_notification() -> None:
    fake = FakeOrders()
    client, _ = checked_client(fake)
    with client:
        client.add_comment(7, "Packed", status="fraud", notify=True, visible_on_front=True)
    # No order read is needed when the status is given.
    assert [r.method for r in fake.requests] == ["POST"]
    assert fake.comments[0]["status"] == "fraud"
    assert fake.comments[0]["is_customer_notified"] == 1
    assert fake.comments[0]["is_visible_on_front"] == 1


def test_cancel_answers_false_and_hold_refusal_raises() -> None:
    client, _ = checked_client(FakeOrders())
    with client:
        assert client.cancel(7) is False
        assert client.unhold(7) is True
        assert client.send_order_email(7) is True
        with pytest.raises(MagentoRequestError, match="A hold action is not available"):
            client.hold(7)


def test_ship_sends_items_tracks_and_source() -> None:
    fake = FakeOrders()
    client, checked = checked_client(fake)
    with client:
        shipment_id = client.ship(
            7,
            items=[LineQty(order_item_id=11, qty=2)],
            tracks=[Track("JJD0001", carrier_code="dhl", title="DHL Freight")],
            notify=True,
            source_code="se_warehouse",
        )
    assert shipment_id == 31
    body = json_body(fake.requests[-1])
    assert body["items"] == [{"order_item_id": 11, "qty": 2}]
    assert body["tracks"] == [
        {"track_number": "JJD0001", "title": "DHL Freight", "carrier_code": "dhl"}
    ]
    assert body["notify"] is True
    assert body["arguments"] == {"extension_attributes": {"source_code": "se_warehouse"}}
    assert checked.checked == ["POST /V1/order/{orderId}/ship"]


def test_ship_everything_and_invoice_with_capture() -> None:
    fake = FakeOrders()
    client, _ = checked_client(fake)
    with client:
        client.ship(7)
        assert client.invoice(7, capture=True, notify=False) == 41
    ship, invoice = (json_body(r) for r in fake.requests)
    assert "items" not in ship  # Magento ships everything left when items are absent
    assert invoice["capture"] is True and "items" not in invoice


def test_a_lost_ship_answer_is_not_repeated() -> None:
    calls: list[int] = []

    def lost(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        raise httpx.ReadTimeout("no answer", request=request)

    client, _ = checked_client(lost)
    with client, pytest.raises(MagentoOutcomeUnknown):
        client.ship(7)
    assert len(calls) == 1


def test_shipments_and_invoices_search() -> None:
    client, checked = checked_client(FakeOrders())
    with client:
        criteria = SearchCriteria().where("order_id", "eq", 7)
        assert client.shipments(criteria).items[0]["order_id"] == 7
        assert client.invoices(criteria).total_count == 1
    assert checked.checked == ["GET /V1/shipments", "GET /V1/invoices"]
