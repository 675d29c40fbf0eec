"""The Specter sandbox as an ASGI app: `getInfo.asp` / `putInfo.asp` plus admin routes.

`SpecterSandbox(accounts).app` is ready to serve (e.g. with `BackgroundServer`); the fault
injector wraps everything but the admin routes and applies the cost model (`sandbox/cost.py`).
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from ..cost import CostModel, specter_classify
from ..faults import FaultInjector
from . import assumed
from .accounts import AccountSpec
from .actions import answer
from .admin import admin_routes
from .errors import InvalidAccountSpec, UnknownAccount
from .protocol import request_params
from .receipts import invoice_pdf
from .state import AccountState

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"


class SpecterSandbox:
    """Serves one or more Specter accounts over the legacy action protocol."""

    def __init__(
        self,
        accounts: Iterable[AccountSpec],
        admin_prefix: str = "/__sandbox__",
        faults: FaultInjector | None = None,
        cost: CostModel | None = None,
    ) -> None:
        self.admin_prefix = admin_prefix.rstrip("/")
        self._accounts: dict[str, AccountState] = {}
        for spec in accounts:
            if spec.sbm_id in self._accounts:
                raise InvalidAccountSpec(f"duplicate sbmId {spec.sbm_id!r}")
            self._accounts[spec.sbm_id] = AccountState(spec)
        self.faults = faults or FaultInjector()
        if cost is not None:
            self.faults.cost = cost
        self.app: ASGIApp = self.faults.middleware(
            self._build(), self.admin_prefix, specter_classify
        )

    def account(self, sbm_id: str) -> AccountState:
        try:
            return self._accounts[sbm_id]
        except KeyError:
            raise UnknownAccount(sbm_id) from None

    @property
    def accounts(self) -> dict[str, AccountState]:
        return dict(self._accounts)

    async def _protocol(self, request: Request) -> Response:
        # IIS serves `getinfo.asp` and `getInfo.asp` alike [I, reference 2.1].
        script = request.path_params["script"].lower()
        if script not in (assumed.WRITE_SCRIPT, assumed.READ_SCRIPT):
            return PlainTextResponse("Not Found", status_code=404)
        form = None
        content_type = request.headers.get("content-type", "")
        if content_type.split(";")[0].strip().lower() == FORM_CONTENT_TYPE:
            form = await request.body()
        params = request_params(request.scope.get("query_string", b""), form)
        base_url = str(request.base_url).rstrip("/")
        reply = answer(script, params, self._accounts, base_url)
        body, media_type = reply.render(params.get("useXML", ""))
        # The charset is already in media_type; starlette must not add its own (utf-8).
        return Response(
            body, status_code=assumed.PROTOCOL_STATUS, headers={"content-type": media_type}
        )

    async def _invoice_pdf(self, request: Request) -> Response:
        # The document behind a getPDFLink URL: a one-page PDF naming the invoice.
        try:
            state = self.account(request.path_params["sbm_id"])
        except UnknownAccount:
            return PlainTextResponse("Not Found", status_code=404)
        invoice_no = request.path_params["invoice_no"]
        if invoice_no not in state.invoices:
            return PlainTextResponse("Not Found", status_code=404)
        return Response(invoice_pdf(invoice_no), media_type="application/pdf")

    async def _account_list(self, request: Request) -> Response:
        return JSONResponse(
            [
                {
                    "sbmId": state.sbm_id,
                    "webshops": [
                        {"webshopId": shop.webshop_id, "name": shop.name}
                        for shop in state.spec.webshops
                    ],
                }
                for state in self._accounts.values()
            ]
        )

    def _build(self) -> Starlette:
        routes = [
            Route(f"{self.admin_prefix}/specter", self._account_list, methods=["GET"]),
            *admin_routes(self.account, self.admin_prefix),
            *self.faults.routes(self.admin_prefix),
            Route("/pdf/{sbm_id}/invoice/{invoice_no}.pdf", self._invoice_pdf, methods=["GET"]),
            Route("/{script}", self._protocol, methods=list(assumed.ACCEPTED_METHODS)),
        ]
        return Starlette(routes=routes)
