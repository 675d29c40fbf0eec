"""Specter's failure answers as typed exceptions, each carrying Specter's `code` and `message`."""

from __future__ import annotations

import re

from magspec_pipelines.http_errors import OutcomeUnknown
from magspec_pipelines.specter import assumed

# Verified (S1): an earlier change batch is still open; the message names it in single quotes.
CODE_OPEN_BATCH = 99
_QUOTED = re.compile(r"'([^']*)'")


class SpecterError(Exception):
    """A failed Specter call. `code` is Specter's answer code (None when there was no answer)."""

    def __init__(self, message: str, code: int | None = None, action: str = "") -> None:
        prefix = f"{action}: " if action else ""
        suffix = f" (code {code})" if code is not None else ""
        super().__init__(f"{prefix}{message}{suffix}")
        self.code = code
        self.message = message
        self.action = action


class SpecterAuthError(SpecterError):
    """10: the key does not match, or the account or API user is unknown."""


class SpecterCustomerNotFound(SpecterError):
    """20: the order's customerId is unknown."""

    @property
    def customer_id(self) -> str | None:
        return _group(assumed.CUSTOMER_NOT_FOUND, self.message, "customer_id")


class SpecterUnknownArticle(SpecterError):
    """30: an order row names an article Specter does not have."""

    @property
    def article_no(self) -> str | None:
        return _group(assumed.UNKNOWN_ARTICLE, self.message, "article_no")


class SpecterDuplicateOrder(SpecterError):
    """40: the externalOrderNo was used before; `existing_order_no` is that order."""

    @property
    def existing_order_no(self) -> str | None:
        return _group(assumed.DUPLICATE_ORDER, self.message, "order_no")


class SpecterAlreadyInvoiced(SpecterError):
    """41: nothing left to invoice; `existing_invoice_no` is the invoice that took it."""

    @property
    def existing_invoice_no(self) -> str | None:
        return _group(assumed.ALREADY_INVOICED, self.message, "invoice_no")


class SpecterNotFound(SpecterError):
    """42: the document the call names (an order, an invoice) is unknown."""


class SpecterOrderNotFound(SpecterNotFound):
    """42: the order to invoice or deliver is unknown."""


class SpecterInvoiceNotFound(SpecterNotFound):
    """42: the invoice (PDF link, invoice status) is unknown."""

    @property
    def invoice_no(self) -> str | None:
        return _group(assumed.INVOICE_NOT_FOUND, self.message, "invoice_no")


class SpecterValidationError(SpecterError):
    """50: a required field is missing or malformed."""

    @property
    def field(self) -> str | None:
        return _group(assumed.VALIDATION, self.message, "field")


class SpecterUnsupported(SpecterValidationError):
    """50 "unknown action": this Specter account does not have the action (an assumed read)."""


class SpecterInvalidArticleNo(SpecterValidationError):
    """Article numbers Specter refuses; `invalid` maps each bad number to the reason.

    Raised before anything is sent when the client's own check finds them (code None), or from
    Specter's answer (code 50) when it refuses one the client let through.
    """

    def __init__(self, invalid: dict[str, str], code: int | None = None, action: str = "") -> None:
        listed = "; ".join(f"{no!r}: {reason}" for no, reason in invalid.items())
        super().__init__(f"invalid article numbers: {listed}", code=code, action=action)
        self.invalid = dict(invalid)


class SpecterUnreadable(SpecterError):
    """An answer the client cannot read (not the agreed text or XML shape)."""


class SpecterCallbackError(SpecterError):
    """A callback from Specter whose parameters are missing or malformed."""


class PriceListFileError(SpecterError):
    """A price-list export file that cannot be read; `line` is its 1-based line number."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(f"line {line}: {message}" if line is not None else message)
        self.line = line


class SpecterOpenBatch(SpecterError):
    """99: an earlier change batch was never acknowledged; `batch_no` is that batch."""

    @property
    def batch_no(self) -> str | None:
        match = _QUOTED.search(self.message)
        return match.group(1) if match else None


class SpecterTransientError(SpecterError):
    """HTTP 429/5xx, connect errors or an open circuit, after retries: try again later."""


_BY_CODE: dict[int, type[SpecterError]] = {
    assumed.CODE_INVALID_KEY: SpecterAuthError,
    assumed.CODE_CUSTOMER_NOT_FOUND: SpecterCustomerNotFound,
    assumed.CODE_UNKNOWN_ARTICLE: SpecterUnknownArticle,
    assumed.CODE_DUPLICATE_ORDER: SpecterDuplicateOrder,
    assumed.CODE_ALREADY_INVOICED: SpecterAlreadyInvoiced,
    assumed.CODE_ORDER_NOT_FOUND: SpecterOrderNotFound,
    assumed.CODE_VALIDATION: SpecterValidationError,
    CODE_OPEN_BATCH: SpecterOpenBatch,
}


def error_for(code: int | None, message: str, action: str = "") -> SpecterError:
    cls = _BY_CODE.get(code, SpecterError) if code is not None else SpecterError
    if cls is SpecterValidationError and assumed.UNKNOWN_ACTION.search(message):
        cls = SpecterUnsupported
    elif cls is SpecterOrderNotFound and assumed.INVOICE_NOT_FOUND.search(message):
        cls = SpecterInvoiceNotFound
    return cls(message, code=code, action=action)


def _group(pattern: re.Pattern[str], text: str, name: str) -> str | None:
    match = pattern.search(text)
    return match.group(name) if match else None


__all__ = [
    "CODE_OPEN_BATCH",
    "OutcomeUnknown",
    "SpecterAlreadyInvoiced",
    "SpecterAuthError",
    "SpecterCustomerNotFound",
    "SpecterDuplicateOrder",
    "PriceListFileError",
    "SpecterCallbackError",
    "SpecterError",
    "SpecterInvalidArticleNo",
    "SpecterInvoiceNotFound",
    "SpecterNotFound",
    "SpecterOpenBatch",
    "SpecterOrderNotFound",
    "SpecterTransientError",
    "SpecterUnknownArticle",
    "SpecterUnreadable",
    "SpecterUnsupported",
    "SpecterValidationError",
    "error_for",
]
