"""The Specter client: the legacy action protocol's writes the order flow needs.

Writes go to `putInfo.asp`: the fixed parameters (`action`, `sbmId`, `apiUserId`, `useXML`,
`webshopId`, `key`) in the query string, the payload form-encoded in the body, every value in
Latin-1. Writes are never repeated when their answer may have been lost (`OutcomeUnknown`);
only failures that prove the request was not taken on (connect errors, 429, 503) are retried.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypeVar

import httpx
from pydantic import BaseModel

from magspec_pipelines.http import (
    CallPolicy,
    CallStats,
    CircuitBreaker,
    CircuitOpen,
    ClosingClient,
    OutcomeUnknown,
    RemoteUnavailable,
    RetryPolicy,
)
from magspec_pipelines.specter import assumed
from magspec_pipelines.specter.answers import parse_answer
from magspec_pipelines.specter.codec import encode_form, latin1
from magspec_pipelines.specter.errors import SpecterError, SpecterTransientError
from magspec_pipelines.specter.keys import key_v1, key_v2
from magspec_pipelines.specter.models import SpecterCustomer, SpecterOrder, SpecterOrderRow

WRITE_SCRIPT = "putInfo.asp"
_TEXT_ANSWERS = "1"  # useXML=1: answers as `result;id;message` text, as S1 uses on writes

P = TypeVar("P", bound=BaseModel)


@dataclass(frozen=True)
class SpecterCredentials:
    """One Specter account's API secrets; they never appear in repr or error text.

    API v2 (from Aug 2020, required for multishop): `api_user_key` and `integration_key`.
    API v1: `md5_key1` and `md5_key2` in the same slots of the same key formula.
    """

    sbm_id: str
    api_user_id: str = ""
    api_user_key: str = field(default="", repr=False)
    integration_key: str = field(default="", repr=False)
    api_version: int = 2
    md5_key1: str = field(default="", repr=False)
    md5_key2: str = field(default="", repr=False)

    def __post_init__(self) -> None:
        if self.api_version == 2:
            if not (self.api_user_key and self.integration_key):
                raise ValueError("API v2 needs api_user_key and integration_key")
        elif self.api_version == 1:
            if not (self.md5_key1 and self.md5_key2):
                raise ValueError("API v1 needs md5_key1 and md5_key2")
        else:
            raise ValueError(f"unknown Specter API version {self.api_version}")

    def key(self, subject: str) -> str:
        if self.api_version == 1:
            return key_v1(self.md5_key1, self.md5_key2, self.sbm_id, subject)
        return key_v2(self.api_user_key, self.integration_key, self.sbm_id, subject)


class SpecterClient(ClosingClient):
    """One Specter account. `base_url` is the API root that holds `putInfo.asp`."""

    def __init__(
        self,
        base_url: str,
        credentials: SpecterCredentials,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
        max_concurrency: int = 4,
        breaker: CircuitBreaker | None = None,
    ) -> None:
        self._base = base_url.rstrip("/")
        self._credentials = credentials
        self._policy = CallPolicy(
            retry=retry,
            breaker=breaker or CircuitBreaker(name="specter"),
            max_concurrency=max_concurrency,
        )
        self._http = httpx.Client(
            timeout=timeout,
            transport=transport,
            limits=httpx.Limits(max_connections=max_concurrency),
        )

    @property
    def stats(self) -> CallStats:
        return self._policy.stats

    # -- writes ------------------------------------------------------------------------------
    def submit_customer(self, customer: SpecterCustomer, force_update: bool = True) -> str:
        """Create or update (matched on e-mail, then orgNo) a customer; returns its customerId."""
        customer = _in_latin1(customer)
        query = self._fixed("newCustomerSubmit", customer.key_subject)
        if force_update:
            query.append(("forceCustomerUpdate", "1"))
        return self._post("newCustomerSubmit", query, list(customer.form_fields().items()))

    def submit_order(self, order: SpecterOrder, webshop_id: str | None) -> str:
        """Create an order; returns Specter's orderNo. Rows are numbered from 1 in order."""
        order = _in_latin1(order)
        if not order.rows:
            raise ValueError("a Specter order needs at least one row")
        query = self._fixed("newOrderSubmit", order.customerId, webshop_id)
        body = list(order.form_fields().items())
        for number, row in enumerate(order.rows, start=1):
            body.extend((f"{name}_{number}", value) for name, value in _row_fields(row).items())
        return self._post("newOrderSubmit", query, body)

    def submit_invoice(
        self, order_no: str, type_invoice: str = assumed.DEFAULT_INVOICE_TYPE
    ) -> str:
        """Invoice what is left on an order; returns the invoiceNo. Sent as GET, as S1 does."""
        action = "newInvoiceSubmit"
        query = [
            ("action", action),
            ("sbmId", self._credentials.sbm_id),
            *self._api_user(),
            ("key", self._credentials.key(latin1(order_no))),
            ("orderId", order_no),
            ("useXML", _TEXT_ANSWERS),
            ("typeInvoice", type_invoice),
        ]
        request = self._http.build_request("GET", self._url(query))
        return self._call(action, request)

    # -- plumbing ----------------------------------------------------------------------------
    def _fixed(
        self, action: str, subject: str, webshop_id: str | None = None
    ) -> list[tuple[str, str]]:
        query = [("action", action), ("sbmId", self._credentials.sbm_id), *self._api_user()]
        query.append(("useXML", _TEXT_ANSWERS))
        if webshop_id:
            query.append(("webshopId", webshop_id))
        query.append(("key", self._credentials.key(subject)))
        return query

    def _api_user(self) -> list[tuple[str, str]]:
        user = self._credentials.api_user_id
        return [("apiUserId", user)] if user else []

    def _url(self, query: list[tuple[str, str]]) -> str:
        # Built by hand: httpx would percent-encode the query as UTF-8.
        return f"{self._base}/{WRITE_SCRIPT}?{encode_form(query)}"

    def _post(self, action: str, query: list[tuple[str, str]], body: list[tuple[str, str]]) -> str:
        request = self._http.build_request(
            "POST",
            self._url(query),
            content=encode_form(body).encode("ascii"),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        return self._call(action, request)

    def _call(self, action: str, request: httpx.Request) -> str:
        try:
            response = self._policy.send(self._http, request, endpoint=action, idempotent=False)
        except (CircuitOpen, RemoteUnavailable) as exc:
            raise SpecterTransientError(str(exc), action=action) from exc
        except OutcomeUnknown:
            raise
        status = response.status_code
        if status == 200:
            text = response.content.decode(response.charset_encoding or "latin-1", "replace")
            return parse_answer(text).raise_for_failure(action)
        if status == 429 or status == 503:
            raise SpecterTransientError(f"HTTP {status} after retries", action=action)
        if status >= 500:
            # Protocol answers come with 200 (an assumption, see assumed.py); a server error
            # means the script stopped somewhere, perhaps after committing the write.
            raise OutcomeUnknown(action, f"HTTP {status}")
        raise SpecterError(f"HTTP {status}: {response.text[:200]}", action=action)

    def __repr__(self) -> str:
        return f"SpecterClient({self._base!r}, sbm_id={self._credentials.sbm_id!r})"


def _in_latin1(payload: P) -> P:
    """A copy whose text fields Latin-1 can carry (the mapping layer normally did this)."""
    update: dict[str, object] = {}
    for name, value in payload:
        if isinstance(value, str):
            update[name] = latin1(value)
        elif isinstance(value, list):
            update[name] = [_in_latin1(v) if isinstance(v, BaseModel) else v for v in value]
    return payload.model_copy(update=update)


def _row_fields(row: SpecterOrderRow) -> dict[str, str]:
    fields = row.form_fields()
    fields["priceExclVAT"] = _decimal(row.priceExclVAT, assumed.PRICE_DECIMALS)
    fields["noOfItems"] = _quantity(row.noOfItems)
    return fields


def _decimal(value: Decimal, places: int) -> str:
    return format(value.quantize(Decimal(1).scaleb(-places)), "f")


def _quantity(value: Decimal) -> str:
    if value == value.to_integral_value():
        return format(value.quantize(Decimal(1)), "f")
    return format(value.normalize(), "f")
