"""The REST side of an instance: route table, store-code and async prefixes, auth, JSON answers.

Routes match per method, so a known path with the wrong method is a 404 like an unknown one
(reference §1.4). Paths are matched on the raw (still percent-encoded) URL and each parameter is
decoded afterwards, so SKUs with `/`, spaces or non-ASCII characters work when encoded (§3.1).
The route is resolved before the ACL check, as Magento's REST controller does. Auth: Bearer admin
tokens; the integration token as Bearer only with integration-as-bearer on (§1.2); OAuth 1.0a
HMAC-SHA256 signatures (§1.3). `fields=` is ignored: whole objects are always returned.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from starlette.requests import Request
from starlette.responses import Response

from magspec_sandbox.magento import (
    assumed,
    attributes,
    bulk,
    errors,
    groups,
    inventory,
    oauth,
    order_routes,
    prices,
    products,
)
from magspec_sandbox.magento.routing import Call, RestRoute, route
from magspec_sandbox.magento.state import MagentoInstance

STORES = "Magento_Backend::store"


class MagentoJSON(Response):
    media_type = "application/json; charset=utf-8"

    def render(self, content: Any) -> bytes:
        text = json.dumps(content, ensure_ascii=assumed.ESCAPE_LIKE_PHP, separators=(",", ":"))
        if assumed.ESCAPE_LIKE_PHP:
            text = text.replace("/", "\\/")
        return text.encode("utf-8")


def _admin_token(call: Call) -> Any:
    body = call.obj()
    for name in ("username", "password"):
        if not isinstance(body.get(name), str) or not body[name]:
            raise errors.required(name)
    return call.inst.issue_admin_token(body["username"], body["password"])


def _websites(call: Call) -> Any:
    return call.inst.stores.websites_json()


def _groups(call: Call) -> Any:
    return call.inst.stores.groups_json()


def _views(call: Call) -> Any:
    return call.inst.stores.views_json()


def _configs(call: Call) -> Any:
    codes: list[str] | None = None
    for key, value in call.query:
        if key.split("[", 1)[0] in ("storeCodes", "store_codes"):
            codes = codes or []
            # `storeCodes[]=a&storeCodes[]=b` (PHP) or `storeCodes=a,b` (the schema's form style)
            codes.extend(value.split(",") if "[" not in key else [value])
    return call.inst.stores.configs_json(codes)


ROUTES: tuple[RestRoute, ...] = (
    route("POST", "/V1/integration/admin/token", _admin_token, None),
    route("GET", "/V1/store/websites", _websites, STORES),
    route("GET", "/V1/store/storeGroups", _groups, STORES),
    route("GET", "/V1/store/storeViews", _views, STORES),
    route("GET", "/V1/store/storeConfigs", _configs, STORES),
    *order_routes.ROUTES,
    *products.ROUTES,
    *attributes.ROUTES,
    *groups.ROUTES,
    *prices.ROUTES,
    *inventory.ROUTES,
    *bulk.ROUTES,
)


# A literal segment wins over a parameter, as in Magento's router: `PUT /V1/products/tier-prices`
# is the tier-price route, not a product called "tier-prices".
_BY_SPECIFICITY = tuple(sorted(ROUTES, key=lambda r: len(r.path_params)))


@dataclass(frozen=True)
class Resolved:
    route: RestRoute
    params: dict[str, str]
    store_code: str | None
    mode: str  # "sync", "async" (one body) or "bulk" (an array of bodies)


def resolve(inst: MagentoInstance, method: str, raw_rest_path: str) -> Resolved:
    """Route for the raw `<rest_path>` (after `/rest/`): store code, async and bulk prefixes."""
    parts = raw_rest_path.strip("/").split("/")
    store_code = None
    if parts and parts[0] not in ("V1", "async"):
        store_code = unquote(parts.pop(0))
        if store_code != "all" and inst.stores.by_code(store_code) is None:
            raise errors.NoRouteError()
    mode = "sync"
    if parts and parts[0] == "async":
        parts.pop(0)
        mode = "async"
        if parts and parts[0] == "bulk":
            parts.pop(0)
            mode = "bulk"
        if method.upper() == "GET":  # §7: GET is not supported asynchronously
            raise errors.NoRouteError()
    path = "/" + "/".join(parts)
    for candidate in _BY_SPECIFICITY:
        if candidate.method != method.upper():
            continue
        if candidate.msi and not inst.spec.msi:
            continue  # §5: MSI uninstalled
        if mode == "bulk":
            if candidate.bulk and candidate.bulk_template == path:
                return Resolved(candidate, {}, store_code, mode)
            continue
        match = candidate.pattern.match(path)
        if match and (mode == "sync" or candidate.bulk):
            params = {k: unquote(v) for k, v in match.groupdict().items()}
            return Resolved(candidate, params, store_code, mode)
    raise errors.NoRouteError()


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _authorize(inst: MagentoInstance, request: Request, raw_path: str, resource: str) -> None:
    header = oauth.parse_header(request.headers.get("authorization", ""))
    if header is not None:
        base = f"{request.url.scheme}://{request.headers.get('host', request.url.netloc)}"
        uris = dict.fromkeys([base + raw_path, base + unquote(raw_path)])
        query = list(request.query_params.multi_items())
        inst.oauth.verify(header, request.method, uris, query)
        return
    token = _bearer(request)
    if token is None or not inst.accepts_bearer(token):
        raise errors.not_authorized(resource)


def raw_rest_path(request: Request) -> tuple[str, str]:
    """(`/<instance>/rest/...` as sent, the part after `/rest/`), both still percent-encoded."""
    raw = request.scope.get("raw_path")
    path = raw.decode("latin-1") if isinstance(raw, bytes) else request.url.path
    path = path.split("?", 1)[0]
    pieces = path.split("/", 3)  # ['', instance, 'rest', rest]
    return path, pieces[3] if len(pieces) > 3 else ""


async def answer(inst: MagentoInstance, request: Request) -> Response:
    """Answer one REST request the way Magento would, errors included."""
    try:
        inst.bulk.process_due()
        full_path, rest_path = raw_rest_path(request)
        found = resolve(inst, request.method, rest_path)
        if found.route.resource is not None:
            _authorize(inst, request, full_path, found.route.resource)
        raw = await request.body()
        try:
            body = json.loads(raw) if raw.strip() else None
        except json.JSONDecodeError:
            raise errors.InputError(assumed.MALFORMED_BODY) from None
        query = list(request.query_params.multi_items())
        if found.mode == "sync":
            call = Call(inst, found.params, query, body, found.store_code)
            answer = found.route.handler(call)
            wanted = request.query_params.get("fields")
            return MagentoJSON(filter_fields(answer, parse_fields(wanted)) if wanted else answer)
        if found.mode == "bulk":
            if not isinstance(body, list):
                raise errors.InputError(assumed.MALFORMED_BODY)
            envelope = Call(inst, {}, query, body, found.store_code, is_async=True)
            envelope.check_limit(body, "array")  # §7: 5000 entities per async request
            accepted = inst.bulk.accept(found.route, body, found.store_code)
        else:
            accepted = inst.bulk.accept(found.route, [body], found.store_code, found.params)
        return MagentoJSON(accepted, status_code=202)
    except errors.WebapiError as exc:
        return MagentoJSON(exc.body(), status_code=exc.status)
    except Exception:  # noqa: BLE001 - Magento masks anything unexpected as a 500
        failure = errors.InternalError()
        return MagentoJSON(failure.body(), status_code=failure.status)


# -- `fields=`: filtered responses (reference §2.1) ------------------------------------------------
Fields = dict[str, "Fields"]


def parse_fields(text: str) -> Fields:
    """`items[sku,type_id],total_count` → {"items": {"sku": {}, "type_id": {}}, "total_count": {}};
    an empty selection keeps the whole value."""
    out: Fields = {}
    stack = [out]
    name = ""
    for ch in text:
        if ch in ",[]":
            if name.strip():
                stack[-1][name.strip()] = stack[-1].get(name.strip(), {})
            if ch == "[" and name.strip():
                stack.append(stack[-1][name.strip()])
            elif ch == "]" and len(stack) > 1:
                stack.pop()
            name = ""
        else:
            name += ch
    if name.strip():
        stack[-1][name.strip()] = stack[-1].get(name.strip(), {})
    return out


def filter_fields(value: Any, fields: Fields) -> Any:
    """`value` with only the selected fields (lists filtered element by element); names the
    answer does not have are left out, as Magento's field filter does."""
    if not fields:
        return value
    if isinstance(value, list):
        return [filter_fields(item, fields) for item in value]
    if isinstance(value, dict):
        return {k: filter_fields(value[k], sub) for k, sub in fields.items() if k in value}
    return value
