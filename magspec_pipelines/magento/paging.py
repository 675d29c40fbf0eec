"""Search results and keyset paging over any Magento search endpoint."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from magspec_pipelines.magento.errors import MagentoError
from magspec_pipelines.magento.rest import MAX_PAGE_SIZE
from magspec_pipelines.magento.search import SearchCriteria


@dataclass(frozen=True)
class SearchResult:
    items: list[dict[str, Any]]
    total_count: int
    search_criteria: dict[str, Any] = field(default_factory=dict)


def search_result(body: Any, endpoint: str) -> SearchResult:
    if not isinstance(body, dict) or not isinstance(body.get("items", []), list):
        raise MagentoError(f"{endpoint}: the answer is not a search result", endpoint=endpoint)
    items = body.get("items") or []
    return SearchResult(
        items=items,
        total_count=int(body.get("total_count", len(items))),
        search_criteria=body.get("search_criteria") or {},
    )


def iter_keyset(
    search: Callable[[SearchCriteria], SearchResult],
    criteria: SearchCriteria,
    page_size: int,
    *,
    filter_field: str = "entity_id",
    item_key: str = "entity_id",
) -> Iterator[dict[str, Any]]:
    """Every item matching `criteria` once, in ascending `filter_field` order.

    Pages by key (`<filter_field> gt <last seen>`, sorted ascending) instead of by offset, so
    rows added or updated while paging neither repeat nor shift others out of view (reference
    §9.1). The caller's sort orders are replaced: any other order would break the key.
    `item_key` names the key in the answer (products filter on `entity_id` but answer `id`).
    """
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ValueError(f"page_size must be between 1 and {MAX_PAGE_SIZE}")
    base = criteria.without_sort().sort(filter_field, "ASC").page(size=page_size, current=1)
    seen: set[int] = set()
    last: int | None = None
    while True:
        page = base if last is None else base.where(filter_field, "gt", last)
        items = search(page).items
        highest = last
        for item in items:
            key = int(item[item_key])
            highest = key if highest is None else max(highest, key)
            if key not in seen:
                seen.add(key)
                yield item
        # A short page is the last; a page that does not move the key forward means the
        # server ignored the filter, and asking again would loop for ever.
        if len(items) < page_size or highest == last:
            return
        last = highest
