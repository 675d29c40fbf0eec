"""One Magento installation's REST endpoint: URLs per store scope, sending under the shared
policy, and turning answers into JSON or typed errors.

The area modules (orders, catalog, prices, inventory, bulk) all talk to Magento through
`RestCore.call`, so retries, the breaker, statistics and secret scrubbing live in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

from magspec_pipelines.http import CallPolicy, CircuitOpen, HttpPolicyError, OutcomeUnknown
from magspec_pipelines.magento.errors import (
    MagentoError,
    MagentoOutcomeUnknown,
    MagentoTransientError,
    error_from_response,
    scrub,
)
from magspec_pipelines.magento.search import SearchCriteria

# Above this Magento answers 400 when its web API input limits are on (always on in 2.4.3).
MAX_PAGE_SIZE = 300
# The store code of Magento's global (admin, store id 0) scope in REST URLs.
ALL_STORES = "all"
# No store code at all (`/rest/V1`): Magento's default store view, whatever the client's default.
NO_STORE_CODE = ""


@dataclass(frozen=True)
class Limits:
    """How the client sizes its writes.

    `batch_size` is the most entities one synchronous array call carries (Magento's input limit is
    20 when on); `async_batch_size` the most one async bulk request carries (5000). Pushes of more
    than `bulk_threshold` entities go through async bulk instead of synchronous batches;
    `None` never uses it, for shops whose message-queue consumer (`async.operations.all`) does not
    run, where bulk operations would never complete. `concurrency` bounds how many batches run
    at once.
    """

    batch_size: int = 20
    async_batch_size: int = 5000
    page_size: int = MAX_PAGE_SIZE
    bulk_threshold: int | None = 1000
    concurrency: int = 4

    def __post_init__(self) -> None:
        if self.batch_size < 1 or self.async_batch_size < 1 or self.concurrency < 1:
            raise ValueError("batch sizes and concurrency must be at least 1")
        if not 1 <= self.page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be between 1 and {MAX_PAGE_SIZE}")
        if self.bulk_threshold is not None and self.bulk_threshold < 0:
            raise ValueError("bulk_threshold must not be negative")

    def use_bulk(self, count: int) -> bool:
        return self.bulk_threshold is not None and count > self.bulk_threshold


def path_segment(value: str | int) -> str:
    """A value as one URL path segment: `/`, spaces, `+`, `?`, `#` and non-ASCII all escaped.

    SKUs may contain any of these; unescaped, a `/` would split the route (reference §3.1).
    """
    return quote(str(value), safe="")


class RestCore:
    """Sends requests to `<base_url>/rest[/<scope>]/V1/...` for one installation."""

    def __init__(
        self,
        base_url: str,
        http: httpx.Client,
        policy: CallPolicy,
        secrets: tuple[str, ...],
        store_code: str | None = None,
    ) -> None:
        self.root = f"{base_url.rstrip('/')}/rest"
        self.http = http
        self.policy = policy
        self.secrets = secrets
        self.store_code = store_code

    def url(self, path: str, scope: str | None = None, *, bulk: bool = False) -> str:
        """`path` (starting `/V1/`) under `scope`: a store code, `all`, `NO_STORE_CODE`
        (`/rest/V1`, Magento's default store view), or None for the client's default."""
        code = scope if scope is not None else self.store_code
        prefix = f"{self.root}/{path_segment(code)}" if code else self.root
        return f"{prefix}/async/bulk{path}" if bulk else f"{prefix}{path}"

    def call(
        self,
        method: str,
        path: str,
        endpoint: str,
        *,
        scope: str | None = None,
        params: list[tuple[str, str]] | None = None,
        body: Any = None,
        idempotent: bool,
        bulk: bool = False,
    ) -> Any:
        """Send one request and return its JSON answer; non-2xx answers raise typed errors."""
        request = self.http.build_request(
            method,
            self.url(path, scope, bulk=bulk),
            params=params or None,
            json=body,
        )
        try:
            response = self.policy.send(
                self.http, request, endpoint=endpoint, idempotent=idempotent
            )
        except CircuitOpen as exc:
            raise MagentoTransientError(f"{endpoint}: {exc}", endpoint=endpoint) from exc
        except OutcomeUnknown as exc:
            raise MagentoOutcomeUnknown(
                scrub(f"{endpoint}: {exc}", self.secrets), endpoint=endpoint
            ) from exc
        except HttpPolicyError as exc:
            raise MagentoTransientError(
                scrub(f"{endpoint}: {exc}", self.secrets), endpoint=endpoint
            ) from exc
        if not response.is_success:
            raise error_from_response(response, endpoint, self.secrets)
        try:
            return response.json()
        except ValueError as exc:
            raise MagentoError(
                f"{endpoint}: HTTP {response.status_code} but the body is not JSON",
                status=response.status_code,
                endpoint=endpoint,
            ) from exc

    def __repr__(self) -> str:
        scope = f"/{self.store_code}" if self.store_code else ""
        return f"{self.root}{scope}"


def expect_bool(body: Any, endpoint: str) -> bool:
    if not isinstance(body, bool):
        raise MagentoError(
            f"{endpoint}: expected true or false, got {body!r:.80}", endpoint=endpoint
        )
    return body


def expect_int(body: Any, endpoint: str) -> int:
    # Magento sends new ids as JSON numbers; some proxies and versions send numeric strings.
    if isinstance(body, bool) or not isinstance(body, (int, str)):
        raise MagentoError(f"{endpoint}: expected an id, got {body!r:.80}", endpoint=endpoint)
    try:
        return int(body)
    except ValueError:
        raise MagentoError(
            f"{endpoint}: expected an id, got {body!r:.80}", endpoint=endpoint
        ) from None


def expect_list(body: Any, endpoint: str) -> list[Any]:
    if not isinstance(body, list):
        raise MagentoError(f"{endpoint}: expected a list, got {body!r:.80}", endpoint=endpoint)
    return body


def expect_dict(body: Any, endpoint: str) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise MagentoError(f"{endpoint}: expected an object, got {body!r:.80}", endpoint=endpoint)
    return body


class Area:
    """Base of the client's area mixins: what each of them relies on."""

    _core: RestCore
    _limits: Limits

    def _search_params(self, criteria: SearchCriteria) -> list[tuple[str, str]]:
        # With input limits on Magento answers 400 above 300 (reference §1.5); refuse it here,
        # where the caller can still page instead.
        if criteria.page_size is not None and criteria.page_size > self._limits.page_size:
            raise ValueError(
                f"page size {criteria.page_size} is above the limit of {self._limits.page_size}"
            )
        return criteria.to_params()
