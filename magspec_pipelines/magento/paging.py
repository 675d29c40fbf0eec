"""Search results and keyset paging over any Magento search endpoint."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from magspec_pipelines.http import map_bounded
from magspec_pipelines.magento.errors import MagentoError
from magspec_pipelines.magento.rest import MAX_PAGE_SIZE
from magspec_pipelines.magento.search import SearchCriteria


@dataclass(frozen=True)
class SearchResult:
    items: list[dict[str, Any]]
    total_count: int
    search_criteria: dict[str, Any] = field(default_factory=dict)
    # False when the answer carried no total_count (then `total_count` is the page's length).
    counted: bool = True


def search_result(body: Any, endpoint: str) -> SearchResult:
    if not isinstance(body, dict) or not isinstance(body.get("items", []), list):
        raise MagentoError(f"{endpoint}: the answer is not a search result", endpoint=endpoint)
    items = body.get("items") or []
    return SearchResult(
        items=items,
        total_count=int(body.get("total_count", len(items))),
        search_criteria=body.get("search_criteria") or {},
        counted="total_count" in body,
    )


def iter_keyset(
    search: Callable[[SearchCriteria], SearchResult],
    criteria: SearchCriteria,
    page_size: int,
    *,
    filter_field: str = "entity_id",
    item_key: str = "entity_id",
    parallel: int = 1,
) -> Iterator[dict[str, Any]]:
    """Every item matching `criteria` once, in ascending `filter_field` order.

    Pages by key (`<filter_field> gt <last seen>`, sorted ascending) instead of by offset, so
    rows added or updated while paging neither repeat nor shift others out of view (reference
    §9.1). The caller's sort orders are replaced: any other order would break the key.
    `item_key` names the key in the answer (products filter on `entity_id` but answer `id`).

    With `parallel` > 1 and more than one page to read, the key range past the first page is
    cut into that many slices (the last one open-ended, so rows added meanwhile are still
    seen), each paged by key on its own and all read side by side; items are yielded in key
    order once every slice is read.
    """
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ValueError(f"page_size must be between 1 and {MAX_PAGE_SIZE}")
    base = criteria.without_sort().sort(filter_field, "ASC").page(size=page_size, current=1)
    first = search(base)
    keys = [int(item[item_key]) for item in first.items]
    yield from first.items
    if _last_page(first, page_size) or not keys:
        return
    start = max(keys)
    if parallel > 1:
        top = search(criteria.without_sort().sort(filter_field, "DESC").page(size=1, current=1))
        highest = max((int(item[item_key]) for item in top.items), default=start)
        if highest - start > parallel:
            step = -(-(highest - start) // parallel)
            bounds = [(start + i * step, start + (i + 1) * step) for i in range(parallel)]
            bounds[-1] = (bounds[-1][0], None)

            def read(bound: tuple[int, int | None]) -> list[dict[str, Any]]:
                low, high = bound
                sliced = base if high is None else base.where(filter_field, "lteq", high)
                return list(_pages(search, sliced, page_size, filter_field, item_key, low))

            for part in map_bounded(read, bounds, parallel):
                yield from part
            return
    yield from _pages(search, base, page_size, filter_field, item_key, start)


def _last_page(result: SearchResult, page_size: int) -> bool:
    # A short page is the last, and so is a full one that holds every remaining match.
    if len(result.items) < page_size:
        return True
    return result.counted and len(result.items) >= result.total_count


def _pages(
    search: Callable[[SearchCriteria], SearchResult],
    base: SearchCriteria,
    page_size: int,
    filter_field: str,
    item_key: str,
    after: int | None,
) -> Iterator[dict[str, Any]]:
    seen: set[int] = set()
    last = after
    while True:
        page = base if last is None else base.where(filter_field, "gt", last)
        result = search(page)
        highest = last
        for item in result.items:
            key = int(item[item_key])
            highest = key if highest is None else max(highest, key)
            if key not in seen:
                seen.add(key)
                yield item
        # A page that does not move the key forward means the server ignored the filter, and
        # asking again would loop for ever.
        if _last_page(result, page_size) or highest == last:
            return
        last = highest
