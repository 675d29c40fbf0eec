"""Orders: search and read, and the actions a status event from the business system turns into
(comment, hold, unhold, cancel, e-mail, ship, invoice), reference §2."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from magspec_pipelines.magento.models import LineQty, Track
from magspec_pipelines.magento.paging import SearchResult, iter_keyset, search_result
from magspec_pipelines.magento.rest import Area, expect_bool, expect_dict, expect_int
from magspec_pipelines.magento.search import SearchCriteria


class OrderApi(Area):
    # -- reads ----------------------------------------------------------------------------------
    def search_orders(self, criteria: SearchCriteria) -> SearchResult:
        body = self._core.call(
            "GET",
            "/V1/orders",
            "GET /V1/orders",
            params=self._search_params(criteria),
            idempotent=True,
        )
        return search_result(body, "GET /V1/orders")

    def iter_orders(self, criteria: SearchCriteria, page_size: int | None = None) -> Iterator[dict]:
        """Every order matching `criteria` once, in `entity_id` order (keyset paging, pages
        of `page_size` or the client's largest, read `concurrency` at a time)."""
        size = page_size or self._limits.page_size
        return iter_keyset(self.search_orders, criteria, size, parallel=self._limits.concurrency)

    def get_order(self, entity_id: int) -> dict[str, Any]:
        body = self._core.call(
            "GET", f"/V1/orders/{int(entity_id)}", "GET /V1/orders/{id}", idempotent=True
        )
        return expect_dict(body, "GET /V1/orders/{id}")

    def shipments(self, criteria: SearchCriteria) -> SearchResult:
        body = self._core.call(
            "GET",
            "/V1/shipments",
            "GET /V1/shipments",
            params=self._search_params(criteria),
            idempotent=True,
        )
        return search_result(body, "GET /V1/shipments")

    def invoices(self, criteria: SearchCriteria) -> SearchResult:
        body = self._core.call(
            "GET",
            "/V1/invoices",
            "GET /V1/invoices",
            params=self._search_params(criteria),
            idempotent=True,
        )
        return search_result(body, "GET /V1/invoices")

    # -- actions --------------------------------------------------------------------------------
    def add_comment(
        self,
        order_id: int,
        comment: str,
        *,
        status: str | None = None,
        notify: bool = False,
        visible_on_front: bool = False,
    ) -> bool:
        """Add a comment, optionally changing the status within the order's current state.

        Without `status` the order's current status is read and sent: up to 2.4.6 a comment
        without one sets the status to NULL and the order drops out of the admin grid (reference
        §2.4, §9.8). `notify` e-mails the comment to the customer.
        """
        order_id = int(order_id)
        if status is None:
            status = self.get_order(order_id).get("status") or None
        history: dict[str, Any] = {
            "comment": comment,
            "is_customer_notified": 1 if notify else 0,
            "is_visible_on_front": 1 if visible_on_front else 0,
            "parent_id": order_id,
        }
        if status is not None:
            history["status"] = status
        endpoint = "POST /V1/orders/{id}/comments"
        body = self._core.call(
            "POST",
            f"/V1/orders/{order_id}/comments",
            endpoint,
            body={"statusHistory": history},
            idempotent=False,
        )
        return expect_bool(body, endpoint)

    def hold(self, order_id: int) -> bool:
        """Put the order on hold; 400 `A hold action is not available.` raises."""
        return self._order_action(order_id, "hold")

    def unhold(self, order_id: int) -> bool:
        """Release a hold; 400 `You cannot remove the hold.` raises."""
        return self._order_action(order_id, "unhold")

    def cancel(self, order_id: int) -> bool:
        """Cancel the order; False (HTTP 200) when Magento cannot, e.g. invoiced or shipped."""
        return self._order_action(order_id, "cancel")

    def send_order_email(self, order_id: int) -> bool:
        """Send (again) the order confirmation e-mail."""
        return self._order_action(order_id, "emails")

    def ship(
        self,
        order_id: int,
        items: Sequence[LineQty] | None = None,
        tracks: Sequence[Track] = (),
        notify: bool = False,
        source_code: str | None = None,
        comment: str | None = None,
    ) -> int:
        """Ship the order (everything left when `items` is None) and return the shipment id.

        Uses `POST /V1/order/{id}/ship`, which registers shipped quantities, never
        `POST /V1/shipment` (reference §9.11). Configurable lines ship by the parent row's id.
        `source_code` is the MSI source the goods leave from.
        """
        body: dict[str, Any] = {"notify": notify}
        if items is not None:
            body["items"] = [item.payload() for item in items]
        if tracks:
            body["tracks"] = [track.payload() for track in tracks]
        if comment:
            body["appendComment"] = True
            body["comment"] = {"comment": comment, "is_visible_on_front": 0}
        if source_code:
            body["arguments"] = {"extension_attributes": {"source_code": source_code}}
        endpoint = "POST /V1/order/{orderId}/ship"
        answer = self._core.call(
            "POST", f"/V1/order/{int(order_id)}/ship", endpoint, body=body, idempotent=False
        )
        return expect_int(answer, endpoint)

    def invoice(
        self,
        order_id: int,
        items: Sequence[LineQty] | None = None,
        *,
        capture: bool,
        notify: bool = False,
        comment: str | None = None,
    ) -> int:
        """Invoice the order (everything left when `items` is None) and return the invoice id.

        `capture` has no default on purpose: on a gateway payment (Klarna, card) True takes the
        money at the payment provider, False marks the order paid without taking it and rules
        out a later online capture (reference §2.4, §9.12).
        """
        body: dict[str, Any] = {"capture": capture, "notify": notify}
        if items is not None:
            body["items"] = [item.payload() for item in items]
        if comment:
            body["appendComment"] = True
            body["comment"] = {"comment": comment, "is_visible_on_front": 0}
        endpoint = "POST /V1/order/{orderId}/invoice"
        answer = self._core.call(
            "POST", f"/V1/order/{int(order_id)}/invoice", endpoint, body=body, idempotent=False
        )
        return expect_int(answer, endpoint)

    def _order_action(self, order_id: int, action: str) -> bool:
        endpoint = f"POST /V1/orders/{{id}}/{action}"
        body = self._core.call(
            "POST", f"/V1/orders/{int(order_id)}/{action}", endpoint, idempotent=False
        )
        return expect_bool(body, endpoint)
