"""Admin routes for what staff do in Specter: deliver, invoice, mark paid, cancel, change prices,
stock and articles; plus the queues, the callback log and the price-list export file.

Each route calls the `AccountState` method of the same name, so it changes state, queues changes
and fires callbacks exactly as the protocol would. Refusals answer JSON with the protocol code:
404 for an unknown order, invoice or article, 409 for anything else. Bodies are validated with
pydantic (`staff_inputs.py`); one that does not fit answers 400 naming the fields at fault.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from magspec_sandbox.validation import InvalidInput, json_object, parse

from . import assumed
from .errors import ActionRefused, UnknownAccount
from .staff_inputs import Delivery, PaidDate, PriceRows, StockLevel
from .state import AccountState

NOT_FOUND_CODES = (assumed.UNKNOWN_ORDER, assumed.UNKNOWN_ARTICLE, assumed.UNKNOWN_CUSTOMER)


Handler = Callable[[AccountState, Request, Any], Any]
ToJson = Callable[[Any], Any]


def staff_routes(account: Callable[[str], AccountState], base: str, to_json: ToJson) -> list[Route]:
    """Routes under `base` (`{prefix}/specter/{sbm_id}`)."""

    def endpoint(handler: Handler, status: int = 200) -> Callable[[Request], Awaitable[Response]]:
        return _endpoint(account, to_json, handler, status)

    order_path = f"{base}/orders/{{order_no}}"
    prices_path = f"{base}/pricelists/{{list_id}}"
    return [
        Route(order_path, endpoint(_order), methods=["GET"]),
        Route(f"{order_path}/deliveries", endpoint(_deliver, 201), methods=["POST"]),
        Route(f"{order_path}/invoice", endpoint(_invoice, 201), methods=["POST"]),
        Route(f"{order_path}/cancel", endpoint(_cancel), methods=["POST"]),
        Route(f"{base}/invoices/{{invoice_no}}/paid", endpoint(_paid), methods=["POST"]),
        Route(f"{base}/stock", endpoint(_stock), methods=["GET"]),
        Route(f"{base}/stock/{{article_no:path}}", endpoint(_set_stock), methods=["PUT"]),
        Route(f"{base}/articles/{{article_no:path}}", endpoint(_patch_article), methods=["PATCH"]),
        Route(f"{prices_path}/prices", endpoint(_prices), methods=["GET"]),
        Route(f"{prices_path}/prices", endpoint(_set_prices), methods=["PUT"]),
        Route(f"{prices_path}/export", endpoint(_export), methods=["GET"]),
        Route(f"{base}/queues", endpoint(_queues), methods=["GET"]),
        Route(f"{base}/callbacks", endpoint(_callbacks), methods=["GET"]),
    ]


def _endpoint(
    account: Callable[[str], AccountState], to_json: ToJson, handler: Handler, status: int
) -> Callable[[Request], Awaitable[Response]]:
    async def run(request: Request) -> Response:
        try:
            state = account(request.path_params["sbm_id"])
        except UnknownAccount as exc:
            return JSONResponse({"error": str(exc)}, status_code=404)
        payload: Any = None
        if request.method in ("POST", "PUT", "PATCH"):
            raw = await request.body()
            try:
                payload = json.loads(raw) if raw.strip() else None
            except json.JSONDecodeError as exc:
                return JSONResponse({"error": f"not JSON: {exc}"}, status_code=400)
        try:
            result = handler(state, request, payload)
        except InvalidInput as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        except ActionRefused as refused:
            code = 404 if refused.code in NOT_FOUND_CODES else 409
            return JSONResponse({"code": refused.code, "error": refused.message}, status_code=code)
        if isinstance(result, Response):
            return result
        return JSONResponse(to_json(result), status_code=status)

    return run


# -- orders and invoices -------------------------------------------------------------------------


def _order(state: AccountState, request: Request, payload: Any) -> Any:
    order_no = request.path_params["order_no"]
    with state.lock:
        found = state.orders.get(order_no)
        if found is None:
            raise ActionRefused(assumed.UNKNOWN_ORDER, assumed.unknown_order(order_no))
        return dict(found)


def _deliver(state: AccountState, request: Request, payload: Any) -> Any:
    delivery = parse(Delivery, payload)
    rows = None
    if delivery.rows is not None:
        rows = [(row.article_no, row.no_of_items) for row in delivery.rows]
    return state.deliver(
        request.path_params["order_no"],
        rows,
        tracking_no=delivery.tracking_no,
        delivery_method=delivery.delivery_method,
        delivery_date=delivery.delivery_date,
    )


def _invoice(state: AccountState, request: Request, payload: Any) -> Any:
    return state.invoice(request.path_params["order_no"])


def _cancel(state: AccountState, request: Request, payload: Any) -> Any:
    return state.cancel(request.path_params["order_no"])


def _paid(state: AccountState, request: Request, payload: Any) -> Any:
    paid = parse(PaidDate, payload)
    return state.mark_paid(request.path_params["invoice_no"], paid.paid_date)


# -- stock, articles and prices ------------------------------------------------------------------


def _stock(state: AccountState, request: Request, payload: Any) -> Any:
    with state.lock:
        return list(state.stock_levels())


def _set_stock(state: AccountState, request: Request, payload: Any) -> Any:
    level = parse(StockLevel, payload)
    return state.set_stock(request.path_params["article_no"], level.on_hand, level.stock_site_id)


def _patch_article(state: AccountState, request: Request, payload: Any) -> Any:
    return state.patch_article(request.path_params["article_no"], json_object(payload))


def _prices(state: AccountState, request: Request, payload: Any) -> Any:
    return state.prices(request.path_params["list_id"])


def _set_prices(state: AccountState, request: Request, payload: Any) -> Any:
    if not isinstance(payload, list):
        raise InvalidInput("need a list of {articleNo, fromQuantity, priceExclVat}")
    rows = parse(PriceRows, payload)
    prices = [(row.article_no, row.from_quantity, row.price_excl_vat) for row in rows]
    return state.set_prices(request.path_params["list_id"], prices)


def _export(state: AccountState, request: Request, payload: Any) -> Any:
    list_id = request.path_params["list_id"]
    return Response(
        state.export_price_list(list_id),
        headers={
            "content-type": "text/csv; charset=iso-8859-1",
            "content-disposition": f'attachment; filename="prislista_{list_id}.csv"',
        },
    )


# -- what Specter sent and queued ----------------------------------------------------------------


def _queues(state: AccountState, request: Request, payload: Any) -> Any:
    with state.lock:
        return {
            "stock": state.stock_queue.describe(),
            "articles": state.article_queue.describe(),
            "orders": state.order_queue.describe(),
        }


def _callbacks(state: AccountState, request: Request, payload: Any) -> Any:
    return state.callbacks.describe()
