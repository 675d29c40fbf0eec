"""`MagentoSandbox`: Magento 2.4 instances served as one ASGI app, with admin and fault routes."""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from magspec_sandbox.cost import CostModel, magento_classify
from magspec_sandbox.faults import FaultInjector
from magspec_sandbox.magento import errors, rest
from magspec_sandbox.magento.admin import admin_routes
from magspec_sandbox.magento.state import MagentoInstance
from magspec_sandbox.magento.stores import InstanceSpec

ALL_METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]


class MagentoSandbox:
    """Several Magento installations on one server: `<url>/<instance name>/rest/V1/...`.

    `now` ends the generated order history (default: the current time, UTC); afterwards the
    sandbox clock runs on from it in real time, so new orders and status changes come later.
    `cost` is what each request costs (`sandbox/cost.py`); default: nothing.
    """

    def __init__(
        self,
        specs: Iterable[InstanceSpec],
        admin_prefix: str = "/__sandbox__",
        now: datetime | None = None,
        faults: FaultInjector | None = None,
        cost: CostModel | None = None,
    ) -> None:
        start = (now or datetime.now(UTC)).replace(microsecond=0)
        start = start.replace(tzinfo=UTC) if start.tzinfo is None else start.astimezone(UTC)
        started = time.monotonic()

        def clock() -> datetime:
            return start + timedelta(seconds=time.monotonic() - started)

        self.admin_prefix = admin_prefix.rstrip("/")
        self.instances: dict[str, MagentoInstance] = {}
        for spec in specs:
            if spec.name in self.instances:
                raise ValueError(f"two instances are named {spec.name!r}")
            self.instances[spec.name] = MagentoInstance(spec, start, clock)
        self.faults = faults or FaultInjector()
        if cost is not None:
            self.faults.cost = cost
        routes = [
            *admin_routes(self.instances, self.admin_prefix),
            *self.faults.routes(self.admin_prefix),
            Route("/{instance}/rest/{rest_path:path}", self._rest, methods=ALL_METHODS),
        ]
        self._inner = Starlette(routes=routes)
        self.app: ASGIApp = self.faults.middleware(self._inner, self.admin_prefix, magento_classify)

    def instance(self, name: str) -> MagentoInstance:
        try:
            return self.instances[name]
        except KeyError:
            raise errors.UnknownInstance(f"no Magento instance named {name!r}") from None

    async def _rest(self, request: Request) -> Response:
        inst = self.instances.get(request.path_params["instance"])
        if inst is None:
            return PlainTextResponse("Not Found", status_code=404)
        return await rest.answer(inst, request)
