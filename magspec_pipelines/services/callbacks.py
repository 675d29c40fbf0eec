"""The receiver of Specter's callbacks: a small Starlette app that stages each call and answers.

Specter calls `<base>/specter/<tenant>/<kind>?...` (kind: new_invoice, remove_order,
order_change) with its placeholders filled in and expects an answer beginning `1;Done`, by GET or
by POST with a form body. The only thing that authenticates a call is the secret the shop put in
its own URL (`pskey`, reference 2.8), so the receiver is built to be called by anyone:

1. bounded: a body over `max_body` bytes is refused (413) without being read to the end;
2. authenticated: the tenant's secret must match (constant-time); an unknown tenant, a tenant
   without the order status flow, a missing or a wrong key all get the same refusal (403), so
   the answer does not tell which tenants exist;
3. rate-bounded per tenant after authentication (a token bucket; 429 beyond it), so a leaked key
   cannot flood the state store and an unauthenticated caller cannot starve a tenant;
4. staged, never acted on: nothing is done in Magento from here. The status flow confirms each
   callback against Specter's own order feed before acting (`flows/order_status/confirm.py`).
   The state store is synchronous (SQLAlchemy), so staging runs in a worker thread: a slow
   database never holds the event loop, and other calls (refusals included) are still answered.
"""

from __future__ import annotations

import contextlib
import logging
import math
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from magspec_pipelines.flows.order_status.stage import stage_callback
from magspec_pipelines.specter.callbacks import (
    CALLBACK_OK,
    CallbackKind,
    callback_form,
    callback_query,
    callback_template,
    parse_callback,
    secret_matches,
)
from magspec_pipelines.specter.client import SpecterClient
from magspec_pipelines.specter.errors import SpecterCallbackError
from magspec_pipelines.state import StateStore
from magspec_pipelines.state.order_status import OrderStatusState
from magspec_pipelines.tenancy import Flow, MissingSecret, Registry, Tenant, resolve_secret

log = logging.getLogger("magspec.callbacks")
RECEIVED = (CallbackKind.NEW_INVOICE, CallbackKind.REMOVE_ORDER, CallbackKind.ORDER_CHANGE)
SECRET_PARAM = "pskey"
# A callback carries a handful of ids; 8 KiB is generous and keeps a flood cheap to refuse.
MAX_BODY_BYTES = 8 * 1024
# Per tenant: a burst the size of a staff member invoicing a stack of orders, then a steady rate.
# A call refused with 429 is retried by Specter, and the order queue carries the change anyway.
RATE_PER_SECOND = 5.0
RATE_BURST = 60
REFUSED = "0;403;refused"
# Compared against when a tenant has no usable secret, so that every refusal costs the same.
_NO_SECRET = secrets.token_urlsafe(32)


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateBound:
    """A token bucket per key: `burst` calls at once, refilled at `per_second`."""

    def __init__(
        self,
        per_second: float = RATE_PER_SECOND,
        burst: int = RATE_BURST,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if per_second <= 0 or burst < 1:
            raise ValueError("a rate bound needs per_second > 0 and burst >= 1")
        self.per_second, self.burst, self._clock = per_second, burst, clock
        self._buckets: dict[str, _Bucket] = {}

    def wait(self, key: str) -> float:
        """Take a token for `key`: 0 when there was one, else the seconds until there is."""
        now = self._clock()
        bucket = self._buckets.setdefault(key, _Bucket(float(self.burst), now))
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.per_second)
        bucket.updated = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return 0.0
        return (1 - bucket.tokens) / self.per_second


def callback_path(tenant_id: str, kind: CallbackKind | str) -> str:
    """The path a tenant registers for `kind` (below the receiver's base URL)."""
    return f"/specter/{tenant_id}/{CallbackKind(kind).value}"


def callback_templates(
    tenant: Tenant, base_url: str, environ: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The URL templates to register for `tenant`, by `register_callbacks` parameter name: the
    receiver's public `base_url`, the tenant's path, its secret as `pskey` and the placeholders.
    Raises `MissingSecret` when the secret's variable is unset: a template without the key would
    register callbacks the receiver refuses."""
    env = tenant.order_status.callback_secret_env
    if env is None:
        raise ValueError(f"tenant {tenant.id!r} has no order_status.callback_secret_env")
    secret = resolve_secret(env, environ)
    root = base_url.rstrip("/")
    return {
        kind.value: callback_template(
            root + callback_path(tenant.id, kind), kind, **{SECRET_PARAM: secret}
        )
        for kind in RECEIVED
    }


def register_callbacks(
    tenant: Tenant,
    specter: SpecterClient,
    base_url: str,
    environ: Mapping[str, str] | None = None,
) -> None:
    """Register the receiver's URLs for `tenant` with Specter (`checkAccountSettings`)."""
    specter.register_callbacks(**callback_templates(tenant, base_url, environ))


class _Refusal(Exception):
    def __init__(self, status: int, text: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(text)
        self.status, self.text, self.headers = status, text, headers

    def response(self) -> PlainTextResponse:
        return PlainTextResponse(self.text, status_code=self.status, headers=self.headers)


async def _bounded_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.strip().isdigit() and int(declared) > limit:
        raise _Refusal(413, f"0;413;body over {limit} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            # Stop reading: a chunked body that lied about nothing still cannot grow past this.
            raise _Refusal(413, f"0;413;body over {limit} bytes")
    return bytes(body)


def build_callback_app(
    registry: Registry,
    store: StateStore,
    *,
    max_body: int = MAX_BODY_BYTES,
    rate: RateBound | None = None,
    environ: Mapping[str, str] | None = None,
) -> Starlette:
    """The receiver for the tenants of `registry`, staging into `store`. `environ` (default the
    process environment) holds the tenants' callback secrets, read on every call so that a
    rotated secret needs no restart."""
    state = OrderStatusState(store)
    bound = rate or RateBound()

    def authenticated(tenant_id: str, kind: CallbackKind, params: Mapping[str, str]) -> Tenant:
        tenant = registry.tenants.get(tenant_id)
        receives = tenant is not None and Flow.ORDER_STATUS in tenant.flows
        env = tenant.order_status.callback_secret_env if tenant is not None else None
        secret = None
        if receives and env is not None:
            with contextlib.suppress(MissingSecret):  # refused below, and logged by name
                secret = resolve_secret(env, environ)
        # Compared even when there is nothing to compare with: the same work for every refusal.
        matches = secret_matches(params, secret or _NO_SECRET, SECRET_PARAM)
        if tenant is not None and secret is not None and matches:
            return tenant
        if not receives:
            why = "unknown tenant or no order status flow"
        elif secret is None:
            why = f"callback secret {env or '(none configured)'} is not set"
        else:
            why = f"{SECRET_PARAM} wrong" if _sent(params) else f"{SECRET_PARAM} missing"
        # The tenant id comes from the caller: shown with repr, cut short; never the key.
        log.warning("callback %s for %r refused: %s", kind.value, tenant_id[:64], why)
        raise _Refusal(403, REFUSED)

    async def receive(request: Request) -> PlainTextResponse:
        try:
            kind = CallbackKind(request.path_params["kind"])
        except ValueError:
            return PlainTextResponse("0;404;unknown callback", status_code=404)
        if kind not in RECEIVED:
            return PlainTextResponse("0;404;not received here", status_code=404)
        try:
            raw_query = request.scope.get("query_string", b"")
            if len(raw_query) > max_body:
                raise _Refusal(414, f"0;414;query over {max_body} bytes")
            params = callback_query(raw_query)
            if request.method == "POST":
                body = await _bounded_body(request, max_body)
                try:
                    form = callback_form(body, request.headers.get("content-type"))
                except SpecterCallbackError as exc:
                    raise _Refusal(415, f"0;415;{exc}") from None
                params.update(form)
            tenant = authenticated(request.path_params["tenant"], kind, params)
            wait = bound.wait(tenant.id)
            if wait > 0:
                log.warning("callback %s for %s over the rate bound", kind.value, tenant.id)
                retry = {"Retry-After": str(math.ceil(wait))}
                raise _Refusal(429, "0;429;too many callbacks", retry)
            try:
                event = parse_callback(kind, params)
            except SpecterCallbackError as exc:
                log.warning("callback for %s malformed: %s", tenant.id, exc)
                raise _Refusal(400, f"0;400;{exc}") from None
        except _Refusal as refusal:
            return refusal.response()
        new = await run_in_threadpool(stage_callback, tenant.id, event, state)
        log.info("callback %s for %s staged (%s)", kind.value, tenant.id, "new" if new else "seen")
        return PlainTextResponse(CALLBACK_OK)

    return Starlette(routes=[Route("/specter/{tenant}/{kind}", receive, methods=["GET", "POST"])])


def _sent(params: Mapping[str, str]) -> bool:
    return any(k.lower() == SECRET_PARAM and v for k, v in params.items())
