"""The REST side of an instance: route table, store-code prefixes, Bearer auth, JSON answers.

Routes match per method, so a known path with the wrong method is a 404 like an unknown one
(reference §1.4). The route is resolved before the ACL check, as Magento's REST controller does.
Served: the admin token, order search and order by id, the four store lists. Not served (404):
OAuth 1.0a signatures, async/bulk routes, order actions. `fields=` is ignored: whole objects are
always returned, which a client that trims with `fields` still understands.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from magspec_pipelines.sandbox.magento import assumed, errors
from magspec_pipelines.sandbox.magento.state import MagentoInstance

SALES_VIEW = "Magento_Sales::actions_view"
STORES = "Magento_Backend::store"


class MagentoJSON(Response):
    media_type = "application/json; charset=utf-8"

    def render(self, content: Any) -> bytes:
        text = json.dumps(content, ensure_ascii=assumed.ESCAPE_LIKE_PHP, separators=(",", ":"))
        if assumed.ESCAPE_LIKE_PHP:
            text = text.replace("/", "\\/")
        return text.encode("utf-8")


Handler = Callable[[MagentoInstance, Request, dict[str, str]], Awaitable[Any]]


@dataclass(frozen=True)
class RestRoute:
    method: str
    pattern: re.Pattern[str]
    handler: Handler
    resource: str | None  # ACL resource; None: anonymous


def _int_param(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise errors.invalid_type(value, "int") from None


async def _admin_token(inst: MagentoInstance, request: Request, params: dict[str, str]) -> Any:
    try:
        body = json.loads(await request.body() or b"{}")
    except json.JSONDecodeError:
        body = {}
    body = body if isinstance(body, dict) else {}
    for name in ("username", "password"):
        if not isinstance(body.get(name), str) or not body[name]:
            raise errors.required(name)
    return inst.issue_admin_token(body["username"], body["password"])


async def _orders(inst: MagentoInstance, request: Request, params: dict[str, str]) -> Any:
    return inst.search_orders(request.query_params.multi_items()).body()


async def _order(inst: MagentoInstance, request: Request, params: dict[str, str]) -> Any:
    return inst.get_order(_int_param(params["id"]))


async def _websites(inst: MagentoInstance, request: Request, params: dict[str, str]) -> Any:
    return inst.stores.websites_json()


async def _groups(inst: MagentoInstance, request: Request, params: dict[str, str]) -> Any:
    return inst.stores.groups_json()


async def _views(inst: MagentoInstance, request: Request, params: dict[str, str]) -> Any:
    return inst.stores.views_json()


async def _configs(inst: MagentoInstance, request: Request, params: dict[str, str]) -> Any:
    codes: list[str] | None = None
    for key, value in request.query_params.multi_items():
        if key.split("[", 1)[0] in ("storeCodes", "store_codes"):
            codes = codes or []
            # `storeCodes[]=a&storeCodes[]=b` (PHP) or `storeCodes=a,b` (the schema's form style)
            codes.extend(value.split(",") if "[" not in key else [value])
    return inst.stores.configs_json(codes)


def _route(method: str, path: str, handler: Handler, resource: str | None) -> RestRoute:
    regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", path)
    return RestRoute(method, re.compile(f"^{regex}$"), handler, resource)


ROUTES: tuple[RestRoute, ...] = (
    _route("POST", "/V1/integration/admin/token", _admin_token, None),
    _route("GET", "/V1/orders", _orders, SALES_VIEW),
    _route("GET", "/V1/orders/{id}", _order, SALES_VIEW),
    _route("GET", "/V1/store/websites", _websites, STORES),
    _route("GET", "/V1/store/storeGroups", _groups, STORES),
    _route("GET", "/V1/store/storeViews", _views, STORES),
    _route("GET", "/V1/store/storeConfigs", _configs, STORES),
)


def resolve(inst: MagentoInstance, method: str, rest_path: str) -> tuple[RestRoute, dict[str, str]]:
    """Route for `<rest_path>` (the part after `/rest/`), honouring a store-code prefix."""
    parts = rest_path.strip("/").split("/")
    if parts and parts[0] != "V1":
        code = parts.pop(0)
        if code != "all" and inst.stores.by_code(code) is None:
            raise errors.NoRouteError()
    path = "/" + "/".join(parts)
    for route in ROUTES:
        if route.method == method.upper():
            match = route.pattern.match(path)
            if match:
                return route, match.groupdict()
    raise errors.NoRouteError()


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


async def answer(inst: MagentoInstance, request: Request, rest_path: str) -> Response:
    """Answer one REST request the way Magento would, errors included."""
    try:
        route, params = resolve(inst, request.method, rest_path)
        if route.resource is not None:
            token = _bearer(request)
            if token is None or not inst.accepts_bearer(token):
                raise errors.not_authorized(route.resource)
        return MagentoJSON(await route.handler(inst, request, params))
    except errors.WebapiError as exc:
        return MagentoJSON(exc.body(), status_code=exc.status)
    except Exception:  # noqa: BLE001 - Magento masks anything unexpected as a 500
        failure = errors.InternalError()
        return MagentoJSON(failure.body(), status_code=failure.status)
