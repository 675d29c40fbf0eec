"""Admin routes of the Magento sandbox: place, inject and change orders, flip settings, and see
the e-mails customers received and the payment captures invoices made.

JSON in and out, no auth; they live under the sandbox's admin prefix, which fault injection never
touches. Bodies are validated with pydantic (`admin_inputs.py`); errors answer `{"error": ...}`
like the fault routes, 400 for a body that does not fit (naming the fields at fault).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from magspec_sandbox.magento import errors
from magspec_sandbox.magento.admin_inputs import PlaceOrders, StatusChange
from magspec_sandbox.magento.state import MagentoInstance
from magspec_sandbox.validation import InvalidInput, json_object, parse

Endpoint = Callable[[MagentoInstance, Request], Awaitable[Response]]


async def _json(request: Request) -> Any:
    raw = await request.body()
    return json.loads(raw) if raw.strip() else {}


async def _list_orders(inst: MagentoInstance, request: Request) -> Response:
    status = request.query_params.get("status")
    orders = [
        inst.orders[key]
        for key in sorted(inst.orders)
        if status is None or inst.orders[key].get("status") == status
    ]
    return JSONResponse(orders)


async def _place_orders(inst: MagentoInstance, request: Request) -> Response:
    wanted = parse(PlaceOrders, await _json(request))
    placed = [
        inst.place_order(store_code=wanted.store_code, status=wanted.status)
        for _ in range(wanted.count)
    ]
    return JSONResponse(placed, status_code=201)


async def _raw_order(inst: MagentoInstance, request: Request) -> Response:
    body = json_object(await _json(request))
    return JSONResponse(inst.add_raw_order(body), status_code=201)


async def _set_status(inst: MagentoInstance, request: Request) -> Response:
    change = parse(StatusChange, await _json(request))
    entity_id = int(request.path_params["entity_id"])
    return JSONResponse(inst.set_status(entity_id, change.status, change.state))


def _order_filter(request: Request) -> int | None:
    raw = request.query_params.get("order_id")
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError:
        raise errors.SandboxError(f"order_id must be an integer, not {raw!r}") from None


async def _emails(inst: MagentoInstance, request: Request) -> Response:
    """What the customers received, oldest first (optionally for one order)."""
    order_id = _order_filter(request)
    with inst.lock:
        sent = [e for e in inst.actions.emails if order_id in (None, e["order_id"])]
    return JSONResponse(sent)


async def _captures(inst: MagentoInstance, request: Request) -> Response:
    """Payment captures per invoice: `online` (taken at the PSP) or `offline` (marked paid)."""
    order_id = _order_filter(request)
    with inst.lock:
        done = [c for c in inst.actions.captures if order_id in (None, c["order_id"])]
    return JSONResponse(done)


async def _get_settings(inst: MagentoInstance, request: Request) -> Response:
    return JSONResponse(inst.settings.as_dict())


async def _patch_settings(inst: MagentoInstance, request: Request) -> Response:
    inst.settings.update(json_object(await _json(request)))
    return JSONResponse(inst.settings.as_dict())


def admin_routes(instances: Mapping[str, MagentoInstance], admin_prefix: str) -> list[Route]:
    """`<prefix>/magento` (instances) and `<prefix>/magento/{instance}/...` routes."""
    base = f"{admin_prefix}/magento"

    def bind(endpoint: Endpoint) -> Callable[[Request], Awaitable[Response]]:
        async def wrapped(request: Request) -> Response:
            inst = instances.get(request.path_params["instance"])
            if inst is None:
                return JSONResponse({"error": "unknown instance"}, status_code=404)
            try:
                return await endpoint(inst, request)
            except (errors.UnknownOrder, errors.UnknownStoreView) as exc:
                return JSONResponse({"error": str(exc.args[0])}, status_code=404)
            except (errors.SandboxError, InvalidInput, json.JSONDecodeError) as exc:
                return JSONResponse({"error": str(exc)}, status_code=400)

        return wrapped

    async def list_instances(request: Request) -> Response:
        return JSONResponse(
            [
                {"name": name, "store_views": [v.code for v in inst.stores.views]}
                for name, inst in instances.items()
            ]
        )

    return [
        Route(base, list_instances, methods=["GET"]),
        Route(f"{base}/{{instance}}/orders", bind(_list_orders), methods=["GET"]),
        Route(f"{base}/{{instance}}/orders", bind(_place_orders), methods=["POST"]),
        Route(f"{base}/{{instance}}/orders/raw", bind(_raw_order), methods=["POST"]),
        Route(
            f"{base}/{{instance}}/orders/{{entity_id:int}}/status",
            bind(_set_status),
            methods=["POST"],
        ),
        Route(f"{base}/{{instance}}/emails", bind(_emails), methods=["GET"]),
        Route(f"{base}/{{instance}}/captures", bind(_captures), methods=["GET"]),
        Route(f"{base}/{{instance}}/settings", bind(_get_settings), methods=["GET"]),
        Route(f"{base}/{{instance}}/settings", bind(_patch_settings), methods=["PATCH"]),
    ]
