"""The Magento 2 REST client: one installation, every endpoint the flows use, under the shared
HTTP policy. The endpoints live in area modules (orders, catalog, prices, inventory, bulk) that
this class composes; stores and customer groups are here."""

from __future__ import annotations

from typing import Any, Self

import httpx

from magspec_pipelines.http import CallPolicy, CallStats, CircuitBreaker, ClosingClient, RetryPolicy
from magspec_pipelines.magento.auth import MagentoAuth, OAuthCredentials, magento_auth
from magspec_pipelines.magento.catalog import CatalogApi
from magspec_pipelines.magento.errors import MagentoError
from magspec_pipelines.magento.inventory import InventoryApi
from magspec_pipelines.magento.orders import OrderApi
from magspec_pipelines.magento.paging import SearchResult, search_result
from magspec_pipelines.magento.prices import PriceApi
from magspec_pipelines.magento.rest import MAX_PAGE_SIZE, Limits, RestCore
from magspec_pipelines.magento.search import SearchCriteria

__all__ = ["MAX_PAGE_SIZE", "MagentoClient", "SearchResult"]


class MagentoClient(OrderApi, CatalogApi, PriceApi, InventoryApi, ClosingClient):
    """One Magento installation (`base_url` is the shop root; REST lives under `/rest`).

    Credentials: an access token (`token`, sent as Bearer) or an integration's OAuth 1.0a
    credentials (`oauth`, every request signed with HMAC-SHA256), or any `auth`.
    `store_code` selects the default `/rest/<store_code>/V1` scope (None: `/rest/V1`, the default
    store view); most calls take a `scope` to target another store view or `all` per call.
    """

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        store_code: str | None = None,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        max_concurrency: int = 4,
        transport: httpx.BaseTransport | None = None,
        breaker: CircuitBreaker | None = None,
        *,
        oauth: OAuthCredentials | None = None,
        auth: MagentoAuth | None = None,
        limits: Limits | None = None,
    ) -> None:
        if sum(x is not None for x in (token, oauth, auth)) != 1:
            raise ValueError("give exactly one of token, oauth or auth")
        if auth is None:
            auth = magento_auth(oauth if oauth is not None else str(token))
        self._auth = auth
        self._limits = limits or Limits(concurrency=max_concurrency)
        policy = CallPolicy(
            retry=retry,
            breaker=breaker or CircuitBreaker(name="magento"),
            max_concurrency=max_concurrency,
        )
        self._http = httpx.Client(
            auth=auth,
            timeout=timeout,
            transport=transport,
            headers={"Accept": "application/json"},
            limits=httpx.Limits(max_connections=max_concurrency),
        )
        self._core = RestCore(base_url, self._http, policy, auth.secrets, store_code)

    @classmethod
    def with_admin_login(
        cls,
        base_url: str,
        username: str,
        password: str,
        *,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
        **kwargs: Any,
    ) -> Self:
        """A client on an admin token fetched with `username` and `password` (valid 4 h by
        default). Shops with two-factor authentication refuse this; use an integration."""
        with httpx.Client(timeout=timeout, transport=transport) as http:
            core = RestCore(base_url, http, CallPolicy(retry=retry), (password,))
            endpoint = "POST /V1/integration/admin/token"
            token = core.call(
                "POST",
                "/V1/integration/admin/token",
                endpoint,
                body={"username": username, "password": password},
                idempotent=True,
            )
        if not isinstance(token, str) or not token:
            raise MagentoError(f"{endpoint}: the answer is not a token", endpoint=endpoint)
        return cls(base_url, token, timeout=timeout, retry=retry, transport=transport, **kwargs)

    @property
    def stats(self) -> CallStats:
        return self._core.policy.stats

    @property
    def limits(self) -> Limits:
        return self._limits

    # -- stores ---------------------------------------------------------------------------------
    def store_views(self) -> list[dict[str, Any]]:
        return self._store_list("/V1/store/storeViews")

    def websites(self) -> list[dict[str, Any]]:
        return self._store_list("/V1/store/websites")

    def store_groups(self) -> list[dict[str, Any]]:
        return self._store_list("/V1/store/storeGroups")

    def store_configs(self, store_codes: list[str] | None = None) -> list[dict[str, Any]]:
        params = [("storeCodes[]", code) for code in store_codes or []]
        return self._store_list("/V1/store/storeConfigs", params)

    # -- customer groups ------------------------------------------------------------------------
    def customer_groups(self, criteria: SearchCriteria | None = None) -> SearchResult:
        """Customer groups (`id`, `code`, ...); tier prices name them by `code`."""
        criteria = criteria or SearchCriteria()
        endpoint = "GET /V1/customerGroups/search"
        body = self._core.call(
            "GET",
            "/V1/customerGroups/search",
            endpoint,
            params=self._search_params(criteria),
            idempotent=True,
        )
        return search_result(body, endpoint)

    def _store_list(
        self, path: str, params: list[tuple[str, str]] | None = None
    ) -> list[dict[str, Any]]:
        rows = self._core.call("GET", path, f"GET {path}", params=params, idempotent=True)
        # Magento lists its admin scope (id 0) next to the real websites, groups and store views.
        if not isinstance(rows, list):
            raise MagentoError(f"GET {path}: the answer is not a list")
        return [row for row in rows if int(row.get("id", -1)) != 0]

    def __repr__(self) -> str:
        return f"MagentoClient({str(self._core)!r})"
