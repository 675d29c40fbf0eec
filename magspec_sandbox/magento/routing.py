"""What a REST handler gets (`Call`) and how routes are declared; shared by every area module.

Each area module (orders, catalog, prices, inventory, ...) exports a `ROUTES` tuple; `rest.py`
joins them. A route marked `bulk` may also be reached through `/async/bulk/V1/...` (§7).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from magspec_sandbox.magento import assumed, errors

if TYPE_CHECKING:
    from magspec_sandbox.magento.state import MagentoInstance

SYNC_MAX_ITEMS = 20  # webapi/validation/input_limit: entities per array (§1.5)
ASYNC_MAX_ITEMS = 5000  # the same limit for async requests (§7)


@dataclass
class Call:
    """One REST call as a handler sees it: path params decoded, body parsed, scope resolved."""

    inst: MagentoInstance
    params: dict[str, str]
    query: list[tuple[str, str]]
    body: Any
    store_code: str | None  # None: no code in the URL; "all"; or a store view code
    is_async: bool = False

    @property
    def max_items(self) -> int:
        return ASYNC_MAX_ITEMS if self.is_async else SYNC_MAX_ITEMS

    def obj(self) -> dict[str, Any]:
        """The body as a JSON object ({} when it is absent or something else)."""
        return self.body if isinstance(self.body, dict) else {}

    def field(self, name: str) -> Any:
        """A required top-level body field."""
        body = self.obj()
        if body.get(name) is None:
            raise errors.required(name)
        return body[name]

    def items(self, name: str, type_name: str) -> list[Any]:
        """A required array field, checked against the input limit when limits are on."""
        value = self.field(name)
        if not isinstance(value, list):
            raise errors.invalid_type(str(value), f"{type_name}[]")
        self.check_limit(value, type_name)
        return value

    def check_limit(self, value: list[Any], type_name: str) -> None:
        if self.inst.settings.input_limits and len(value) > self.max_items:
            raise errors.InputError(
                assumed.MAX_ITEMS_OF_TYPE, {"type": type_name, "max": self.max_items}
            )

    def int_param(self, name: str) -> int:
        return int_value(self.params[name])


Handler = Callable[[Call], Any]


@dataclass(frozen=True)
class RestRoute:
    method: str
    template: str
    pattern: re.Pattern[str]
    handler: Handler
    resource: str | None  # ACL resource; None: anonymous
    bulk: bool = False  # also served through /async/bulk/V1 (§7)
    msi: bool = False  # part of MSI: 404 when the instance runs without it (§5)

    @property
    def bulk_template(self) -> str:
        """`/V1/products/{sku}` → `/V1/products/bySku` (§7: path params become `byXxx`)."""
        return re.sub(r"\{(\w+)\}", lambda m: "by" + m.group(1)[0].upper() + m.group(1)[1:],
                      self.template)  # fmt: skip

    @property
    def path_params(self) -> list[str]:
        return re.findall(r"\{(\w+)\}", self.template)


def route(
    method: str,
    template: str,
    handler: Handler,
    resource: str | None,
    *,
    bulk: bool = False,
) -> RestRoute:
    regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template)
    return RestRoute(
        method,
        template,
        re.compile(f"^{regex}$"),
        handler,
        resource,
        bulk,
        template.startswith("/V1/inventory/"),
    )


def int_value(value: Any) -> int:
    if isinstance(value, bool):
        raise errors.invalid_type(str(value), "int")
    if isinstance(value, int):
        return value
    try:
        return int(str(value).strip())
    except ValueError:
        raise errors.invalid_type(str(value), "int") from None


def number_value(value: Any) -> float:
    if isinstance(value, bool) or value is None:
        raise errors.invalid_type(str(value), "float")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise errors.invalid_type(str(value), "float") from None
