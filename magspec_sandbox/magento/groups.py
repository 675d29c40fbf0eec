"""Customer groups and `GET /V1/customerGroups/search` (reference §4 "Customer groups")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from magspec_sandbox.magento import assumed
from magspec_sandbox.magento.criteria import Limits, parse_search_criteria
from magspec_sandbox.magento.routing import Call, route
from magspec_sandbox.magento.search import search

CUSTOMER_GROUPS = "Magento_Customer::group"
ALL_GROUPS = "ALL GROUPS"


@dataclass(frozen=True)
class CustomerGroupSpec:
    id: int
    code: str
    tax_class_id: int = assumed.RETAIL_CUSTOMER_TAX_CLASS_ID
    tax_class_name: str = assumed.RETAIL_CUSTOMER_TAX_CLASS_NAME


DEFAULT_CUSTOMER_GROUPS: tuple[CustomerGroupSpec, ...] = (
    CustomerGroupSpec(0, "NOT LOGGED IN"),
    CustomerGroupSpec(1, "General"),
    CustomerGroupSpec(2, "Wholesale"),
    CustomerGroupSpec(3, "Retailer"),
)


def group_by_code(groups: tuple[CustomerGroupSpec, ...], code: str) -> CustomerGroupSpec | None:
    """Magento resolves tier-price groups by code, ignoring case (§4)."""
    folded = code.casefold()
    return next((g for g in groups if g.code.casefold() == folded), None)


def _search(call: Call) -> Any:
    rows = [
        {"id": g.id, "code": g.code, "tax_class_id": g.tax_class_id,
         "tax_class_name": g.tax_class_name}
        for g in call.inst.spec.customer_groups
    ]  # fmt: skip
    limits = Limits(
        input_limits=call.inst.settings.input_limits,
        clamp_past_end_page=call.inst.settings.clamp_past_end_page,
    )
    return search(rows, parse_search_criteria(call.query), limits).body()


ROUTES = (route("GET", "/V1/customerGroups/search", _search, CUSTOMER_GROUPS),)
