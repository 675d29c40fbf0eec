"""searchCriteria (parsed in `criteria.py`) evaluated over rows the way Magento's SQL does.

Semantics follow reference §2.1: groups AND, filters within a group OR, snake_case and
camelCase keys alike, sort direction DESC when omitted, `in`/`nin` comma-separated, `like` with
`%` and `_`. SQL NULL semantics apply: a missing or null column matches only `null`.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from magspec_sandbox.magento import assumed, errors
from magspec_sandbox.magento.criteria import (
    CONDITION_TYPES,
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    Filter,
    Limits,
    SearchCriteria,
    SearchResult,
)


# -- evaluation ----------------------------------------------------------------------------------
def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        return Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None


def _fold(value: Any) -> str:
    text = str(value)
    return text.casefold() if assumed.CASE_INSENSITIVE_TEXT else text


def _compare(column: Any, value: str) -> int | None:
    """-1/0/1 of column against value; numbers numerically when the column holds a number."""
    if isinstance(column, int | float) and not isinstance(column, bool):
        number = _number(value)
        if number is not None:
            left = Decimal(str(column))
            return (left > number) - (left < number)
    left_text, right_text = _fold(column), _fold(value)
    return (left_text > right_text) - (left_text < right_text)


def _like(pattern: str) -> re.Pattern[str]:
    regex = "".join(
        ".*" if ch == "%" else "." if ch == "_" else re.escape(ch) for ch in pattern or ""
    )
    flags = re.DOTALL | (re.IGNORECASE if assumed.CASE_INSENSITIVE_TEXT else 0)
    return re.compile(f"^{regex}$", flags)


def _values(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",")]


def matches(row: dict[str, Any], flt: Filter) -> bool:
    return compile_filter(flt)(row)


def compile_filter(flt: Filter) -> Callable[[dict[str, Any]], bool]:
    """`flt` as a predicate over rows; values are parsed once, not once per row."""
    condition = (flt.condition_type or "eq").lower()
    if condition not in CONDITION_TYPES:
        condition = assumed.UNKNOWN_CONDITION_TYPE
    name, value = flt.field, flt.value
    if condition == "null":
        return lambda row: (row.get(name) if name else None) is None
    if condition == "notnull":
        return lambda row: (row.get(name) if name else None) is not None
    if not name or value is None:
        return lambda row: False  # SQL: any comparison with NULL is not true
    if condition in ("in", "nin"):
        wanted = _values(value)
        texts = {_fold(v) for v in wanted}
        numbers = {n for n in map(_number, wanted) if n is not None}

        def within(column: Any) -> bool:
            numeric = isinstance(column, int | float) and not isinstance(column, bool)
            if numeric and numbers and Decimal(str(column)) in numbers:
                return True
            return _fold(column) in texts

        if condition == "in":
            return lambda row: (column := row.get(name)) is not None and within(column)
        return lambda row: (column := row.get(name)) is not None and not within(column)
    if condition in ("finset", "nfinset"):
        folded = _fold(value)
        wanted_in = condition == "finset"

        def in_set(row: dict[str, Any]) -> bool:
            column = row.get(name)
            if column is None:
                return False
            return (folded in [_fold(v) for v in str(column).split(",")]) == wanted_in

        return in_set
    if condition in ("like", "nlike"):
        pattern = _like(value)
        wanted_like = condition == "like"

        def like(row: dict[str, Any]) -> bool:
            column = row.get(name)
            return column is not None and bool(pattern.match(str(column))) == wanted_like

        return like
    accept = _ORDER_ACCEPTS[condition]
    number, folded = _number(value), _fold(value)

    def compare(row: dict[str, Any]) -> bool:
        # As `_compare`, with the value parsed once: numbers numerically, else as text.
        column = row.get(name)
        if column is None:
            return False
        if number is not None and isinstance(column, int | float) and not isinstance(column, bool):
            # Floats as written (123.45, not the binary fraction); ints exactly as they are.
            left = Decimal(str(column)) if isinstance(column, float) else column
            order = (left > number) - (left < number)
        else:
            text = _fold(column)
            order = (text > folded) - (text < folded)
        return order in accept

    return compare


_ORDER_ACCEPTS: dict[str, frozenset[int]] = {
    "eq": frozenset({0}),
    "neq": frozenset({-1, 1}),
    "gt": frozenset({1}),
    "lt": frozenset({-1}),
    "gteq": frozenset({0, 1}),
    "moreq": frozenset({0, 1}),
    "from": frozenset({0, 1}),
    "lteq": frozenset({-1, 0}),
    "to": frozenset({-1, 0}),
}


def exact_values(criteria: SearchCriteria, field_name: str) -> set[str] | None:
    """The values `field_name` must take when some filter group consists only of `eq`/`in`
    filters on it (groups AND, so every match is among them); None when no group says so.
    Lets a route look rows up by key instead of building every row."""
    for group in criteria.filter_groups:
        if group and all(
            f.field == field_name
            and (f.condition_type or "eq").lower() in ("eq", "in")
            and f.value is not None
            for f in group
        ):
            return {v for f in group for v in _values(f.value)}
    return None


def _sort_key(value: Any) -> tuple[int, Any]:
    # NULL sorts first ascending, as in MySQL; then numbers, then text.
    if value is None:
        return (0, 0)
    if isinstance(value, int) and not isinstance(value, bool):
        return (1, value)
    if isinstance(value, float):
        return (1, Decimal(str(value)))
    return (2, _fold(value))


def search(
    rows: list[dict[str, Any]], criteria: SearchCriteria, limits: Limits | None = None
) -> SearchResult:
    """Filter, sort and page `rows` (in primary-key order) as Magento's collection would."""
    limits = limits or Limits()
    page_size = criteria.page_size
    if limits.input_limits:
        if page_size is None:
            page_size = DEFAULT_PAGE_SIZE
            if assumed.ECHO_DEFAULT_PAGE_SIZE:
                criteria = SearchCriteria(
                    criteria.filter_groups,
                    criteria.sort_orders,
                    page_size,
                    criteria.current_page,
                )
        if page_size > MAX_PAGE_SIZE:
            raise errors.InputError(errors.MAX_PAGE_SIZE, {"max": MAX_PAGE_SIZE})
    for name in _fields(criteria):
        if not name or (limits.columns is not None and name not in limits.columns):
            raise errors.InternalError()

    groups = [[compile_filter(f) for f in group] for group in criteria.filter_groups if group]
    found = [row for row in rows if all(any(test(row) for test in group) for group in groups)]
    for order in reversed(criteria.sort_orders or ()):
        found.sort(key=lambda row, f=order.field: _sort_key(row.get(f)), reverse=order.descending)

    total = len(found)
    if page_size and page_size > 0:
        page = max(1, criteria.current_page or 1)
        last_page = max(1, math.ceil(total / page_size))
        if page > last_page and limits.clamp_past_end_page:
            page = last_page
        found = found[(page - 1) * page_size : page * page_size]
    return SearchResult(found, criteria, total)


def _fields(criteria: SearchCriteria) -> list[str | None]:
    names = [f.field for group in criteria.filter_groups for f in group]
    return names + [s.field for s in criteria.sort_orders or ()]


_RANGE = frozenset({"gt", "gteq", "moreq", "from", "lt", "lteq", "to"})


def key_page(
    keys: list[int], criteria: SearchCriteria, limits: Limits, field_name: str = "entity_id"
) -> tuple[list[int], int] | None:
    """(the page's keys, total_count) of a search that only bounds and sorts by its primary key
    (keyset paging), found on the sorted `keys` alone: the answer `search` gives, without a row
    per record. None when the search asks for anything else."""
    sorts = criteria.sort_orders or ()
    if criteria.page_size is None or len(sorts) > 1:
        return None
    if any(order.field != field_name for order in sorts):
        return None
    bounds: list[tuple[str, Decimal]] = []
    for group in criteria.filter_groups:
        if len(group) != 1 or group[0].field != field_name:
            return None
        condition = (group[0].condition_type or "eq").lower()
        number = _number(group[0].value)
        if condition not in _RANGE or number is None:
            return None
        bounds.append((condition, number))
    size = criteria.page_size
    if limits.input_limits and size > MAX_PAGE_SIZE:
        return None  # `search` answers with the input error
    # `keys` are sorted: each bound cuts the range at a point found by bisection.
    low, high = 0, len(keys)
    for condition, number in bounds:
        if condition == "gt":
            low = max(low, bisect.bisect_right(keys, number))
        elif condition in ("gteq", "moreq", "from"):
            low = max(low, bisect.bisect_left(keys, number))
        elif condition == "lt":
            high = min(high, bisect.bisect_left(keys, number))
        else:
            high = min(high, bisect.bisect_right(keys, number))
    chosen = keys[low:high] if low < high else []
    if sorts and sorts[0].descending:
        chosen.reverse()
    total = len(chosen)
    if size > 0:
        page = max(1, criteria.current_page or 1)
        last_page = max(1, math.ceil(total / size))
        if page > last_page and limits.clamp_past_end_page:
            page = last_page
        chosen = chosen[(page - 1) * size : page * size]
    return chosen, total
