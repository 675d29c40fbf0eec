"""The errors of the shared HTTP policy (`magspec_pipelines.http`), importable without httpx:
the clients' error vocabularies (`specter.errors`) subclass or re-raise them, and models and
mapping must load without the HTTP stack."""

from __future__ import annotations


class HttpPolicyError(Exception):
    """Base of the errors the shared policy raises."""


class CircuitOpen(HttpPolicyError):
    """The remote failed too often in a row; calls are refused until the cool down ends."""

    def __init__(self, name: str, retry_in: float) -> None:
        super().__init__(f"circuit {name!r} is open; next trial call in {retry_in:.1f}s")
        self.name = name
        self.retry_in = retry_in


class RemoteUnavailable(HttpPolicyError):
    """A transport failure (connect error, timeout) that persisted through every retry."""

    def __init__(self, endpoint: str, attempts: int, cause: Exception) -> None:
        super().__init__(
            f"{endpoint}: no answer after {attempts} attempt(s): {type(cause).__name__}: {cause}"
        )
        self.endpoint = endpoint
        self.attempts = attempts
        self.cause = cause


class OutcomeUnknown(HttpPolicyError):
    """A write was sent but its answer was lost; it may or may not have been committed."""

    def __init__(self, endpoint: str, reason: str) -> None:
        super().__init__(
            f"{endpoint}: the request was sent but its answer was lost ({reason}); "
            "it may have been committed, so it was not repeated"
        )
        self.endpoint = endpoint
        self.reason = reason
