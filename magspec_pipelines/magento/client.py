"""The Magento 2 REST client: the reads the order flow needs, under the shared HTTP policy."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx

from magspec_pipelines.http import (
    CallPolicy,
    CallStats,
    CircuitBreaker,
    CircuitOpen,
    ClosingClient,
    HttpPolicyError,
    RetryPolicy,
)
from magspec_pipelines.magento.auth import magento_auth
from magspec_pipelines.magento.errors import (
    MagentoError,
    MagentoTransientError,
    error_from_response,
    scrub,
)
from magspec_pipelines.magento.search import SearchCriteria

# Above this Magento answers 400 when its web API input limits are on (always on in 2.4.3).
MAX_PAGE_SIZE = 300


@dataclass(frozen=True)
class SearchResult:
    items: list[dict[str, Any]]
    total_count: int
    search_criteria: dict[str, Any] = field(default_factory=dict)


class MagentoClient(ClosingClient):
    """One Magento installation (`base_url` is the shop root; REST lives under `/rest`).

    `store_code` selects the `/rest/<store_code>/V1` scope; None uses the default store.
    """

    def __init__(
        self,
        base_url: str,
        token: str,
        store_code: str | None = None,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        max_concurrency: int = 4,
        transport: httpx.BaseTransport | None = None,
        breaker: CircuitBreaker | None = None,
    ) -> None:
        self._auth = magento_auth(token)
        scope = f"/{store_code}" if store_code else ""
        self._rest = f"{base_url.rstrip('/')}/rest{scope}"
        self._policy = CallPolicy(
            retry=retry,
            breaker=breaker or CircuitBreaker(name="magento"),
            max_concurrency=max_concurrency,
        )
        self._http = httpx.Client(
            auth=self._auth,
            timeout=timeout,
            transport=transport,
            headers={"Accept": "application/json"},
            limits=httpx.Limits(max_connections=max_concurrency),
        )

    @property
    def stats(self) -> CallStats:
        return self._policy.stats

    # -- orders ------------------------------------------------------------------------------
    def search_orders(self, criteria: SearchCriteria) -> SearchResult:
        body = self._get("/V1/orders", "GET /V1/orders", params=criteria.to_params())
        return _search_result(body)

    def iter_orders(self, criteria: SearchCriteria, page_size: int = 100) -> Iterator[dict]:
        """Every order matching `criteria` once, in `entity_id` order.

        Pages by key (`entity_id gt <last seen>`, sorted `entity_id ASC`) instead of by offset,
        so orders placed or updated while paging neither repeat nor shift others out of view.
        The caller's sort orders are replaced: any other order would break the key.
        """
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be between 1 and {MAX_PAGE_SIZE}")
        base = criteria.without_sort().sort("entity_id", "ASC").page(size=page_size, current=1)
        seen: set[int] = set()
        last: int | None = None
        while True:
            page = base if last is None else base.where("entity_id", "gt", last)
            items = self.search_orders(page).items
            highest = last
            for item in items:
                entity_id = int(item["entity_id"])
                highest = entity_id if highest is None else max(highest, entity_id)
                if entity_id not in seen:
                    seen.add(entity_id)
                    yield item
            # A short page is the last; a page that does not move the key forward means the
            # server ignored the filter, and asking again would loop for ever.
            if len(items) < page_size or highest == last:
                return
            last = highest

    def get_order(self, entity_id: int) -> dict[str, Any]:
        return self._get(f"/V1/orders/{int(entity_id)}", "GET /V1/orders/{id}")

    # -- stores ------------------------------------------------------------------------------
    def store_views(self) -> list[dict[str, Any]]:
        return _without_admin(self._get("/V1/store/storeViews", "GET /V1/store/storeViews"))

    def websites(self) -> list[dict[str, Any]]:
        return _without_admin(self._get("/V1/store/websites", "GET /V1/store/websites"))

    def store_groups(self) -> list[dict[str, Any]]:
        return _without_admin(self._get("/V1/store/storeGroups", "GET /V1/store/storeGroups"))

    def store_configs(self, store_codes: list[str] | None = None) -> list[dict[str, Any]]:
        params = [("storeCodes[]", code) for code in store_codes or []]
        body = self._get("/V1/store/storeConfigs", "GET /V1/store/storeConfigs", params=params)
        return _without_admin(body)

    # -- plumbing ----------------------------------------------------------------------------
    def _get(self, path: str, endpoint: str, params: list[tuple[str, str]] | None = None) -> Any:
        request = self._http.build_request("GET", self._rest + path, params=params or None)
        try:
            response = self._policy.send(self._http, request, endpoint=endpoint, idempotent=True)
        except CircuitOpen as exc:
            raise MagentoTransientError(f"{endpoint}: {exc}", endpoint=endpoint) from exc
        except HttpPolicyError as exc:
            raise MagentoTransientError(
                scrub(f"{endpoint}: {exc}", (self._auth.secret,)), endpoint=endpoint
            ) from exc
        if not response.is_success:
            raise error_from_response(response, endpoint, (self._auth.secret,))
        try:
            return response.json()
        except ValueError as exc:
            raise MagentoError(
                f"{endpoint}: HTTP {response.status_code} but the body is not JSON",
                status=response.status_code,
                endpoint=endpoint,
            ) from exc

    def __repr__(self) -> str:
        return f"MagentoClient({self._rest!r})"


def _search_result(body: Any) -> SearchResult:
    if not isinstance(body, dict) or not isinstance(body.get("items", []), list):
        raise MagentoError("GET /V1/orders: the answer is not a search result")
    items = body.get("items") or []
    return SearchResult(
        items=items,
        total_count=int(body.get("total_count", len(items))),
        search_criteria=body.get("search_criteria") or {},
    )


def _without_admin(rows: Any) -> list[dict[str, Any]]:
    # Magento lists its admin scope (id 0) next to the real websites, groups and store views.
    if not isinstance(rows, list):
        raise MagentoError("store listing: the answer is not a list")
    return [row for row in rows if int(row.get("id", -1)) != 0]
