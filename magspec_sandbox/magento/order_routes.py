"""Order routes: search and get, comments, hold/unhold, cancel, e-mails, ship, invoice, and the
shipment and invoice lists (reference §2.1, §2.4). Note the spellings: `/V1/orders/...` for
management, `/V1/order/...` (singular) for ship and invoice.
"""

from __future__ import annotations

from typing import Any

from magspec_sandbox.magento import errors
from magspec_sandbox.magento.criteria import Limits, parse_search_criteria
from magspec_sandbox.magento.routing import Call, route
from magspec_sandbox.magento.search import search

SALES_VIEW = "Magento_Sales::actions_view"


def _orders(call: Call) -> Any:
    return call.inst.search_orders(call.query).body()


def _order(call: Call) -> Any:
    return call.inst.get_order(call.int_param("id"))


def _status(call: Call) -> Any:
    return call.inst.get_order(call.int_param("id")).get("status")


def _comment(call: Call) -> Any:
    entry = call.field("statusHistory")
    if not isinstance(entry, dict):
        raise errors.required("statusHistory")
    return call.inst.actions.add_comment(call.int_param("id"), entry)


def _hold(call: Call) -> Any:
    return call.inst.actions.hold(call.int_param("id"))


def _unhold(call: Call) -> Any:
    return call.inst.actions.unhold(call.int_param("id"))


def _cancel(call: Call) -> Any:
    return call.inst.actions.cancel(call.int_param("id"))


def _emails(call: Call) -> Any:
    return call.inst.actions.send_order_email(call.int_param("id"))


def _document_body(call: Call) -> dict[str, Any]:
    body = call.obj()
    items = body.get("items")
    if isinstance(items, list):
        call.check_limit(items, "\\Magento\\Sales\\Api\\Data\\ShipmentItemCreationInterface")
    return body


def _ship(call: Call) -> Any:
    return call.inst.actions.ship(call.int_param("orderId"), _document_body(call))


def _invoice(call: Call) -> Any:
    return call.inst.actions.invoice(call.int_param("orderId"), _document_body(call))


def _documents(call: Call, documents: dict[int, dict[str, Any]]) -> Any:
    with call.inst.lock:
        rows = [documents[key] for key in sorted(documents)]
    limits = Limits(
        input_limits=call.inst.settings.input_limits,
        clamp_past_end_page=call.inst.settings.clamp_past_end_page,
    )
    return search(rows, parse_search_criteria(call.query), limits).body()


def _shipments(call: Call) -> Any:
    return _documents(call, call.inst.actions.shipments)


def _invoices(call: Call) -> Any:
    return _documents(call, call.inst.actions.invoices)


def _shipment(call: Call) -> Any:
    found = call.inst.actions.shipments.get(call.int_param("id"))
    if found is None:
        raise errors.NoSuchEntityError(errors.NO_SUCH_ENTITY)
    return found


def _invoice_by_id(call: Call) -> Any:
    found = call.inst.actions.invoices.get(call.int_param("id"))
    if found is None:
        raise errors.NoSuchEntityError(errors.NO_SUCH_ENTITY)
    return found


ROUTES = (
    route("GET", "/V1/orders", _orders, SALES_VIEW),
    route("GET", "/V1/orders/{id}", _order, SALES_VIEW),
    route("GET", "/V1/orders/{id}/statuses", _status, SALES_VIEW),
    route("POST", "/V1/orders/{id}/comments", _comment, "Magento_Sales::comment"),
    route("POST", "/V1/orders/{id}/hold", _hold, "Magento_Sales::hold"),
    route("POST", "/V1/orders/{id}/unhold", _unhold, "Magento_Sales::unhold"),
    route("POST", "/V1/orders/{id}/cancel", _cancel, "Magento_Sales::cancel"),
    route("POST", "/V1/orders/{id}/emails", _emails, "Magento_Sales::emails"),
    route("POST", "/V1/order/{orderId}/ship", _ship, "Magento_Sales::ship"),
    route("POST", "/V1/order/{orderId}/invoice", _invoice, "Magento_Sales::invoice"),
    route("GET", "/V1/shipments", _shipments, "Magento_Sales::shipment"),
    route("GET", "/V1/shipment/{id}", _shipment, "Magento_Sales::shipment"),
    route("GET", "/V1/invoices", _invoices, "Magento_Sales::sales_invoice"),
    route("GET", "/V1/invoices/{id}", _invoice_by_id, "Magento_Sales::sales_invoice"),
)
