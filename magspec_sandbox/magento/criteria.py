"""searchCriteria as Magento reads it from a query string (reference §2.1), and the shape of a
search's answer. Evaluated over rows in `search.py`.

Groups AND, filters within a group OR; snake_case and camelCase keys alike; PHP's bracket syntax,
later duplicates winning; a sort direction other than ASC or DESC is refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from magspec_sandbox.magento import assumed, errors

CONDITION_TYPES = frozenset(
    [
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
    ]
)
MAX_PAGE_SIZE = 300
DEFAULT_PAGE_SIZE = 20


@dataclass(frozen=True)
class Filter:
    field: str | None
    value: str | None
    condition_type: str | None = None

    def echo(self) -> dict[str, Any]:
        out = {"field": self.field, "value": self.value, "condition_type": self.condition_type}
        return {k: v for k, v in out.items() if v is not None}


@dataclass(frozen=True)
class SortOrder:
    field: str | None
    direction: str | None = None

    @property
    def descending(self) -> bool:
        return (self.direction or "DESC").upper() == "DESC"

    def echo(self) -> dict[str, Any]:
        out = {"field": self.field, "direction": self.direction}
        return {k: v for k, v in out.items() if v is not None}


@dataclass(frozen=True)
class SearchCriteria:
    filter_groups: tuple[tuple[Filter, ...], ...] = ()
    sort_orders: tuple[SortOrder, ...] | None = None
    page_size: int | None = None
    current_page: int | None = None

    def echo(self) -> dict[str, Any]:
        """The `search_criteria` Magento sends back: only what was set (2.4.4+)."""
        out: dict[str, Any] = {
            "filter_groups": [{"filters": [f.echo() for f in g]} for g in self.filter_groups]
        }
        if self.sort_orders is not None:
            out["sort_orders"] = [s.echo() for s in self.sort_orders]
        if self.page_size is not None:
            out["page_size"] = self.page_size
        if self.current_page is not None:
            out["current_page"] = self.current_page
        return out


@dataclass
class SearchResult:
    items: list[dict[str, Any]]
    criteria: SearchCriteria
    total_count: int = 0

    def body(self) -> dict[str, Any]:
        return {
            "items": self.items,
            "search_criteria": self.criteria.echo(),
            "total_count": self.total_count,
        }


@dataclass(frozen=True)
class Limits:
    """Instance settings that change how a search is answered."""

    input_limits: bool = False
    clamp_past_end_page: bool = True
    columns: frozenset[str] | None = None  # None: any column is accepted


# -- parsing -------------------------------------------------------------------------------------
_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


def _nest(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """PHP-style bracket keys to nested dicts; later duplicates win, as in PHP's $_GET."""
    root: dict[str, Any] = {}
    for key, value in pairs:
        match = _KEY.match(key)
        if not match:
            continue
        parts = [_snake(match.group(1))]
        parts += [_snake(p) for p in re.findall(r"\[([^\[\]]*)\]", match.group(2))]
        node = root
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            if part == "":  # `[]` appends
                part = str(sum(1 for k in node if k.isdigit()))
            if last:
                node[part] = value
            else:
                child = node.get(part)
                if not isinstance(child, dict):
                    child = node[part] = {}
                node = child
    return root


def _indexed(node: Any) -> list[Any]:
    if not isinstance(node, dict):
        return []
    keys = sorted((k for k in node if k.isdigit()), key=int)
    return [node[k] for k in keys]


def _int(value: Any) -> int:
    text = value if isinstance(value, str) else str(value)
    try:
        return int(text.strip())
    except ValueError:
        raise errors.invalid_type(text, "int") from None


def _text(node: dict[str, Any], key: str) -> str | None:
    value = node.get(key)
    return value if isinstance(value, str) else None


def parse_search_criteria(pairs: Iterable[tuple[str, str]]) -> SearchCriteria:
    """Read `searchCriteria[...]` (or `search_criteria[...]`) from query-string pairs."""
    tree = _nest(pairs)
    if "search_criteria" not in tree:
        raise errors.required("searchCriteria")
    node = tree["search_criteria"]
    if not isinstance(node, dict):  # `searchCriteria=` alone satisfies the requirement
        return SearchCriteria()
    groups = []
    for group in _indexed(node.get("filter_groups")):
        filters = []
        for raw in _indexed(group.get("filters") if isinstance(group, dict) else None):
            if isinstance(raw, dict):
                filters.append(
                    Filter(_text(raw, "field"), _text(raw, "value"), _text(raw, "condition_type"))
                )
        groups.append(tuple(filters))
    sort_orders = None
    if "sort_orders" in node:
        sort_orders = tuple(
            SortOrder(_text(raw, "field"), _text(raw, "direction"))
            for raw in _indexed(node["sort_orders"])
            if isinstance(raw, dict)
        )
        for order in sort_orders:
            if order.direction is not None and order.direction.upper() not in ("ASC", "DESC"):
                raise errors.InputError(assumed.INVALID_SORT_DIRECTION, [order.direction])
    page_size = _int(node["page_size"]) if "page_size" in node else None
    current_page = _int(node["current_page"]) if "current_page" in node else None
    return SearchCriteria(tuple(groups), sort_orders, page_size, current_page)
