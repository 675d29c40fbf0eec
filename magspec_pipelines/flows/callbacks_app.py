"""The receiver of Specter's callbacks: a small Starlette app that stages each call and answers.

Specter calls `<base>/specter/<tenant>/<kind>?...` (kind: new_invoice, remove_order,
order_change) with its placeholders filled in and expects an answer beginning `1;Done`. The app
checks the tenant's secret (`pskey`, when the tenant sets `order_status.callback_secret_env`),
stages the event in the state store and answers; the Dagster side processes staged events.
Nothing is done in Magento from here, so a slow shop never makes Specter's call time out.
"""

from __future__ import annotations

import logging

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from magspec_pipelines.flows.status_stage import stage_callback
from magspec_pipelines.specter import (
    CALLBACK_OK,
    CallbackKind,
    SpecterCallbackError,
    callback_query,
    parse_callback,
)
from magspec_pipelines.state import StateStore
from magspec_pipelines.state.order_status import OrderStatusState
from magspec_pipelines.tenancy import Flow, Registry, resolve_secret

log = logging.getLogger("magspec.callbacks")
RECEIVED = (CallbackKind.NEW_INVOICE, CallbackKind.REMOVE_ORDER, CallbackKind.ORDER_CHANGE)


def callback_path(tenant_id: str, kind: CallbackKind | str) -> str:
    """The path a tenant registers for `kind` (below the receiver's base URL)."""
    return f"/specter/{tenant_id}/{CallbackKind(kind).value}"


def build_callback_app(registry: Registry, store: StateStore) -> Starlette:
    state = OrderStatusState(store)

    async def receive(request: Request) -> PlainTextResponse:
        tenant = registry.tenants.get(request.path_params["tenant"])
        if tenant is None or Flow.ORDER_STATUS not in tenant.flows:
            return PlainTextResponse("0;404;unknown tenant", status_code=404)
        try:
            kind = CallbackKind(request.path_params["kind"])
        except ValueError:
            return PlainTextResponse("0;404;unknown callback", status_code=404)
        if kind not in RECEIVED:
            return PlainTextResponse("0;404;not received here", status_code=404)
        params = callback_query(request.scope.get("query_string", b""))
        if request.method == "POST":
            # Specter may POST its callbacks (S1 accepts both); form fields count as parameters.
            form = await request.form()
            params.update({k: str(v) for k, v in form.items()})
        secret_env = tenant.order_status.callback_secret_env
        try:
            event = parse_callback(
                kind, params, secret=resolve_secret(secret_env) if secret_env else None
            )
        except SpecterCallbackError as exc:
            log.warning("callback for %s refused: %s", tenant.id, exc)
            return PlainTextResponse(f"0;400;{exc}", status_code=400)
        new = stage_callback(tenant.id, event, state)
        log.info("callback %s for %s staged (%s)", kind.value, tenant.id, "new" if new else "seen")
        return PlainTextResponse(f"{CALLBACK_OK}")

    return Starlette(routes=[Route("/specter/{tenant}/{kind}", receive, methods=["GET", "POST"])])
