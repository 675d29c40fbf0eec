"""Admin routes of the Specter sandbox: inspect an account's registers, change its articles
(staff actions in `staff_routes.py`).

JSON, no authentication, under the sandbox's admin prefix (never faulted, never counted).
Decimals travel as strings, the way the reference proposes money on the wire.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from magspec_sandbox.validation import InvalidInput, parse

from .errors import UnknownAccount
from .staff_inputs import NewArticle
from .staff_routes import staff_routes
from .state import AccountState


def to_json(value: Any) -> Any:
    """`value` with every Decimal as its plain decimal string."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, Mapping):
        return {key: to_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(item) for item in value]
    return value


def admin_routes(account: Callable[[str], AccountState], prefix: str) -> list[Route]:
    """Routes under `{prefix}/specter/{sbmId}/…`; `account` looks a state up by sbmId."""

    def state_of(request: Request) -> AccountState:
        return account(request.path_params["sbm_id"])

    def listing(pick: Callable[[AccountState], dict[str, dict[str, Any]]]) -> Any:
        async def endpoint(request: Request) -> Response:
            try:
                state = state_of(request)
            except UnknownAccount as exc:
                return JSONResponse({"error": str(exc)}, status_code=404)
            with state.lock:
                records = list(pick(state).values())
            return JSONResponse(to_json(records))

        return endpoint

    async def list_orders(request: Request) -> Response:
        try:
            state = state_of(request)
        except UnknownAccount as exc:
            return JSONResponse({"error": str(exc)}, status_code=404)
        external_order_no = request.query_params.get("externalOrderNo")
        with state.lock:
            if external_order_no is None:
                orders = list(state.orders.values())
            else:
                orders = state.orders_by_external_no(external_order_no)
        return JSONResponse(to_json(orders))

    async def add_article(request: Request) -> Response:
        try:
            state = state_of(request)
        except UnknownAccount as exc:
            return JSONResponse({"error": str(exc)}, status_code=404)
        try:
            new = parse(NewArticle, await request.json())
        except (InvalidInput, json.JSONDecodeError) as exc:
            return JSONResponse(
                {"error": f"need articleNo, name, priceExclVAT, vatPercent: {exc}"},
                status_code=400,
            )
        added = state.add_article(
            new.article_no, new.name, new.price_excl_vat, new.vat_percent, new.stock
        )
        return JSONResponse(to_json(added), status_code=201)

    async def remove_article(request: Request) -> Response:
        try:
            state = state_of(request)
        except UnknownAccount as exc:
            return JSONResponse({"error": str(exc)}, status_code=404)
        article_no = request.path_params["article_no"]
        if not state.remove_article(article_no):
            return JSONResponse({"error": f"no article {article_no!r}"}, status_code=404)
        return JSONResponse({"deleted": article_no})

    base = f"{prefix}/specter/{{sbm_id}}"
    return [
        *staff_routes(account, base, to_json),
        Route(f"{base}/customers", listing(lambda s: s.customers), methods=["GET"]),
        Route(f"{base}/orders", list_orders, methods=["GET"]),
        Route(f"{base}/invoices", listing(lambda s: s.invoices), methods=["GET"]),
        Route(f"{base}/articles", listing(lambda s: s.articles), methods=["GET"]),
        Route(f"{base}/articles", add_article, methods=["POST"]),
        Route(f"{base}/articles/{{article_no:path}}", remove_article, methods=["DELETE"]),
    ]
