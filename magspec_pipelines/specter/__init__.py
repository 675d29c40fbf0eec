"""Specter client: the legacy action protocol, MD5 keys, the Latin-1 codec, typed answers."""

from magspec_pipelines.http import CallStats, CircuitBreaker, OutcomeUnknown, RetryPolicy
from magspec_pipelines.specter.answers import SpecterAnswer, parse_answer
from magspec_pipelines.specter.client import SpecterClient, SpecterCredentials
from magspec_pipelines.specter.codec import to_latin1
from magspec_pipelines.specter.errors import (
    SpecterAlreadyInvoiced,
    SpecterAuthError,
    SpecterCustomerNotFound,
    SpecterDuplicateOrder,
    SpecterError,
    SpecterOpenBatch,
    SpecterOrderNotFound,
    SpecterTransientError,
    SpecterUnknownArticle,
    SpecterValidationError,
)
from magspec_pipelines.specter.models import SpecterCustomer, SpecterOrder, SpecterOrderRow

__all__ = [
    "CallStats",
    "CircuitBreaker",
    "OutcomeUnknown",
    "RetryPolicy",
    "SpecterAlreadyInvoiced",
    "SpecterAnswer",
    "SpecterAuthError",
    "SpecterClient",
    "SpecterCredentials",
    "SpecterCustomer",
    "SpecterCustomerNotFound",
    "SpecterDuplicateOrder",
    "SpecterError",
    "SpecterOpenBatch",
    "SpecterOrder",
    "SpecterOrderNotFound",
    "SpecterOrderRow",
    "SpecterTransientError",
    "SpecterUnknownArticle",
    "SpecterValidationError",
    "parse_answer",
    "to_latin1",
]
