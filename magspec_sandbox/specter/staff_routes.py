"""Admin routes for what staff do in Specter: deliver, invoice, mark paid, cancel, change prices,
stock and articles; plus the queues, the callback log and the price-list export file.

Each route calls the `AccountState` method of the same name, so it changes state, queues changes
and fires callbacks exactly as the protocol would. Refusals answer JSON with the protocol code:
404 for an unknown order, invoice or article, 409 for anything else.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from . import assumed
from .errors import ActionRefused, UnknownAccount
from .state import AccountState

NOT_FOUND_CODES = (assumed.UNKNOWN_ORDER, assumed.UNKNOWN_ARTICLE, assumed.UNKNOWN_CUSTOMER)


class BadRequest(Exception):
    """The admin request itself is malformed (400)."""


Handler = Callable[[AccountState, Request, Any], Any]


def staff_routes(
    account: Callable[[str], AccountState], base: str, to_json: Callable[[Any], Any]
) -> list[Route]:
    """Routes under `base` (`{prefix}/specter/{sbm_id}`)."""

    def endpoint(handler: Handler, status: int = 200) -> Callable[[Request], Awaitable[Response]]:
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
            except BadRequest as exc:
                return JSONResponse({"error": str(exc)}, status_code=400)
            except ActionRefused as refused:
                code = 404 if refused.code in NOT_FOUND_CODES else 409
                return JSONResponse(
                    {"code": refused.code, "error": refused.message}, status_code=code
                )
            if isinstance(result, Response):
                return result
            return JSONResponse(to_json(result), status_code=status)

        return run

    def deliver(state: AccountState, request: Request, payload: Any) -> Any:
        payload = _object(payload)
        rows = None
        if payload.get("rows") is not None:
            try:
                rows = [
                    (str(row["articleNo"]), _decimal(row["noOfItems"], "noOfItems"))
                    for row in payload["rows"]
                ]
            except (KeyError, TypeError) as exc:
                raise BadRequest(f"rows need articleNo and noOfItems: {exc}") from None
        return state.deliver(
            request.path_params["order_no"],
            rows,
            tracking_no=str(payload.get("trackingNo") or ""),
            delivery_method=str(payload.get("deliveryMethod") or ""),
            delivery_date=_date(payload.get("deliveryDate")),
        )

    def paid(state: AccountState, request: Request, payload: Any) -> Any:
        payload = _object(payload)
        return state.mark_paid(request.path_params["invoice_no"], _date(payload.get("paidDate")))

    def set_stock(state: AccountState, request: Request, payload: Any) -> Any:
        payload = _object(payload)
        if "onHand" not in payload:
            raise BadRequest("need onHand (and optionally stockSiteId)")
        site = payload.get("stockSiteId")
        return state.set_stock(
            request.path_params["article_no"],
            _decimal(payload["onHand"], "onHand"),
            None if site is None else str(site),
        )

    def patch_article(state: AccountState, request: Request, payload: Any) -> Any:
        return state.patch_article(request.path_params["article_no"], _object(payload))

    def set_prices(state: AccountState, request: Request, payload: Any) -> Any:
        if not isinstance(payload, list):
            raise BadRequest("need a list of {articleNo, fromQuantity, priceExclVat}")
        try:
            rows = [
                (
                    str(row["articleNo"]),
                    _decimal(row.get("fromQuantity", 1), "fromQuantity"),
                    _decimal(row["priceExclVat"], "priceExclVat"),
                )
                for row in payload
            ]
        except (KeyError, TypeError, AttributeError) as exc:
            raise BadRequest(f"rows need articleNo and priceExclVat: {exc}") from None
        return state.set_prices(request.path_params["list_id"], rows)

    def export(state: AccountState, request: Request, payload: Any) -> Any:
        body = state.export_price_list(request.path_params["list_id"])
        filename = f"prislista_{request.path_params['list_id']}.csv"
        return Response(
            body,
            headers={
                "content-type": "text/csv; charset=iso-8859-1",
                "content-disposition": f'attachment; filename="{filename}"',
            },
        )

    def queues(state: AccountState, request: Request, payload: Any) -> Any:
        with state.lock:
            return {
                "stock": state.stock_queue.describe(),
                "articles": state.article_queue.describe(),
                "orders": state.order_queue.describe(),
            }

    def stock(state: AccountState, request: Request, payload: Any) -> Any:
        with state.lock:
            return list(state.stock_levels())

    def order(state: AccountState, request: Request, payload: Any) -> Any:
        with state.lock:
            found = state.orders.get(request.path_params["order_no"])
            if found is None:
                raise ActionRefused(
                    assumed.UNKNOWN_ORDER, assumed.unknown_order(request.path_params["order_no"])
                )
            return dict(found)

    def prices(state: AccountState, request: Request, payload: Any) -> Any:
        return state.prices(request.path_params["list_id"])

    order_path = f"{base}/orders/{{order_no}}"
    return [
        Route(order_path, endpoint(order), methods=["GET"]),
        Route(f"{order_path}/deliveries", endpoint(deliver, 201), methods=["POST"]),
        Route(
            f"{order_path}/invoice",
            endpoint(lambda s, r, p: s.invoice(r.path_params["order_no"]), 201),
            methods=["POST"],
        ),
        Route(
            f"{order_path}/cancel",
            endpoint(lambda s, r, p: s.cancel(r.path_params["order_no"])),
            methods=["POST"],
        ),
        Route(f"{base}/invoices/{{invoice_no}}/paid", endpoint(paid), methods=["POST"]),
        Route(f"{base}/stock", endpoint(stock), methods=["GET"]),
        Route(f"{base}/stock/{{article_no:path}}", endpoint(set_stock), methods=["PUT"]),
        Route(f"{base}/articles/{{article_no:path}}", endpoint(patch_article), methods=["PATCH"]),
        Route(f"{base}/pricelists/{{list_id}}/prices", endpoint(prices), methods=["GET"]),
        Route(f"{base}/pricelists/{{list_id}}/prices", endpoint(set_prices), methods=["PUT"]),
        Route(f"{base}/pricelists/{{list_id}}/export", endpoint(export), methods=["GET"]),
        Route(f"{base}/queues", endpoint(queues), methods=["GET"]),
        Route(
            f"{base}/callbacks",
            endpoint(lambda s, r, p: s.callbacks.describe()),
            methods=["GET"],
        ),
    ]


def _object(payload: Any) -> dict[str, Any]:
    if payload is None:
        return {}
    if not isinstance(payload, dict):
        raise BadRequest("need a JSON object")
    return payload


def _decimal(value: Any, name: str) -> Decimal:
    try:
        number = Decimal(str(value).replace(",", "."))
    except InvalidOperation:
        raise BadRequest(f"{name} is not a number: {value!r}") from None
    if not number.is_finite():
        raise BadRequest(f"{name} is not a number: {value!r}")
    return number


def _date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise BadRequest(f"not a date (YYYY-MM-DD): {value!r}") from None
