"""Magento 2 REST client: auth, searchCriteria, paging, errors."""

from magspec_pipelines.http import CallStats, CircuitBreaker, RetryPolicy
from magspec_pipelines.magento.client import MAX_PAGE_SIZE, MagentoClient, SearchResult
from magspec_pipelines.magento.errors import (
    MagentoAuthError,
    MagentoError,
    MagentoNotFound,
    MagentoRequestError,
    MagentoTransientError,
    render_phrase,
)
from magspec_pipelines.magento.search import SearchCriteria

__all__ = [
    "MAX_PAGE_SIZE",
    "CallStats",
    "CircuitBreaker",
    "MagentoAuthError",
    "MagentoClient",
    "MagentoError",
    "MagentoNotFound",
    "MagentoRequestError",
    "MagentoTransientError",
    "RetryPolicy",
    "SearchCriteria",
    "SearchResult",
    "render_phrase",
]
