"""Magento 2 REST client: auth, store scopes, searchCriteria, paging, batched and bulk writes,
errors."""

from magspec_pipelines.http import CallStats, CircuitBreaker, RetryPolicy
from magspec_pipelines.magento.auth import BearerToken, OAuthCredentials
from magspec_pipelines.magento.bulk import BulkOperation, BulkStatus, OperationStatus
from magspec_pipelines.magento.catalog import custom_attribute, with_custom_attributes
from magspec_pipelines.magento.client import MagentoClient
from magspec_pipelines.magento.errors import (
    MagentoAuthError,
    MagentoError,
    MagentoNotFound,
    MagentoOutcomeUnknown,
    MagentoRequestError,
    MagentoTransientError,
    render_phrase,
)
from magspec_pipelines.magento.models import (
    BasePrice,
    BulkItem,
    BulkSubmission,
    FailedRow,
    LineQty,
    PriceUpdateResult,
    ProductSaveResult,
    SourceItem,
    SpecialPrice,
    StockUpdateResult,
    TierPrice,
    Track,
    Variant,
)
from magspec_pipelines.magento.oauth import OAuth1Auth
from magspec_pipelines.magento.paging import SearchResult
from magspec_pipelines.magento.prices import ALL_GROUPS
from magspec_pipelines.magento.rest import ALL_STORES, MAX_PAGE_SIZE, NO_STORE_CODE, Limits
from magspec_pipelines.magento.search import SearchCriteria

__all__ = [
    "ALL_GROUPS",
    "ALL_STORES",
    "MAX_PAGE_SIZE",
    "NO_STORE_CODE",
    "BasePrice",
    "BearerToken",
    "BulkItem",
    "BulkOperation",
    "BulkStatus",
    "BulkSubmission",
    "CallStats",
    "CircuitBreaker",
    "FailedRow",
    "Limits",
    "LineQty",
    "MagentoAuthError",
    "MagentoClient",
    "MagentoError",
    "MagentoNotFound",
    "MagentoOutcomeUnknown",
    "MagentoRequestError",
    "MagentoTransientError",
    "OAuth1Auth",
    "OAuthCredentials",
    "OperationStatus",
    "PriceUpdateResult",
    "ProductSaveResult",
    "RetryPolicy",
    "SearchCriteria",
    "SearchResult",
    "SourceItem",
    "SpecialPrice",
    "StockUpdateResult",
    "TierPrice",
    "Track",
    "Variant",
    "custom_attribute",
    "render_phrase",
    "with_custom_attributes",
]
