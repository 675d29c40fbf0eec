"""Magento's searchCriteria, built up immutably and rendered as query parameters.

Filters inside one group are OR-ed, groups are AND-ed; there is no OR across groups. Every builder
method returns a new `SearchCriteria`, so a caller's criteria can be extended (e.g. for keyset
paging) without being changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

CONDITION_TYPES = frozenset(
    {
        "eq",
        "finset",
        "from",
        "gt",
        "gteq",
        "in",
        "like",
        "lt",
        "lteq",
        "moreq",
        "neq",
        "nfinset",
        "nin",
        "nlike",
        "notnull",
        "null",
        "to",
    }
)
_LIST_CONDITIONS = frozenset({"in", "nin"})
DIRECTIONS = frozenset({"ASC", "DESC"})


@dataclass(frozen=True)
class Filter:
    field: str
    condition_type: str
    value: str


@dataclass(frozen=True)
class SortOrder:
    field: str
    direction: str


@dataclass(frozen=True)
class SearchCriteria:
    filter_groups: tuple[tuple[Filter, ...], ...] = ()
    sort_orders: tuple[SortOrder, ...] = ()
    page_size: int | None = None
    current_page: int | None = None

    def where(self, field_name: str, condition_type: str, value: Any = "") -> SearchCriteria:
        """AND a filter (a group of its own)."""
        return self.where_any([(field_name, condition_type, value)])

    def where_any(self, filters: Iterable[tuple[str, str, Any]]) -> SearchCriteria:
        """AND one group whose filters are OR-ed."""
        group = tuple(_filter(f, c, v) for f, c, v in filters)
        if not group:
            raise ValueError("a filter group needs at least one filter")
        return replace(self, filter_groups=(*self.filter_groups, group))

    def sort(self, field_name: str, direction: str = "ASC") -> SearchCriteria:
        """Add a sort order; Magento sorts DESC when no direction is sent, so one is always sent."""
        direction = direction.upper()
        if direction not in DIRECTIONS:
            raise ValueError(f"sort direction must be ASC or DESC, not {direction!r}")
        return replace(self, sort_orders=(*self.sort_orders, SortOrder(field_name, direction)))

    def without_sort(self) -> SearchCriteria:
        return replace(self, sort_orders=())

    def page(self, size: int, current: int = 1) -> SearchCriteria:
        if size < 1 or current < 1:
            raise ValueError("page size and current page start at 1")
        return replace(self, page_size=size, current_page=current)

    def to_params(self) -> list[tuple[str, str]]:
        """Query parameters in Magento's bracket syntax (indices from 0, current page from 1)."""
        params: list[tuple[str, str]] = []
        for g, group in enumerate(self.filter_groups):
            for f, flt in enumerate(group):
                prefix = f"searchCriteria[filter_groups][{g}][filters][{f}]"
                params.append((f"{prefix}[field]", flt.field))
                params.append((f"{prefix}[value]", flt.value))
                params.append((f"{prefix}[condition_type]", flt.condition_type))
        for s, order in enumerate(self.sort_orders):
            params.append((f"searchCriteria[sortOrders][{s}][field]", order.field))
            params.append((f"searchCriteria[sortOrders][{s}][direction]", order.direction))
        if self.page_size is not None:
            params.append(("searchCriteria[pageSize]", str(self.page_size)))
        if self.current_page is not None:
            params.append(("searchCriteria[currentPage]", str(self.current_page)))
        # Magento answers 400 when searchCriteria is missing entirely; an empty one means "all".
        return params or [("searchCriteria", "")]


def _filter(field_name: str, condition_type: str, value: Any) -> Filter:
    if condition_type not in CONDITION_TYPES:
        raise ValueError(
            f"unknown condition type {condition_type!r}; allowed: {', '.join(sorted(CONDITION_TYPES))}"
        )
    return Filter(field_name, condition_type, _value(condition_type, value))


def _value(condition_type: str, value: Any) -> str:
    if (
        condition_type in _LIST_CONDITIONS
        and isinstance(value, Sequence)
        and not isinstance(value, str)
    ):
        return ",".join(_scalar(v) for v in value)
    return _scalar(value)


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    return "" if value is None else str(value)


__all__ = ["CONDITION_TYPES", "Filter", "SearchCriteria", "SortOrder"]
