"""Specter's callbacks, the shop's side without a web server: URL templates to register, and the
parameters of an incoming call validated into a typed event.

Callbacks are nudges: stock, article and order callbacks tell the shop to pull the change queue;
invoice and removal callbacks carry their ids. Specter fills `$orderId`, `$invoiceId`,
`$invoiceSource` and `$orderNo` into the template and expects an answer beginning `1;Done`.
They are authenticated only by a secret the shop puts in its own URL [V S1].
"""

from __future__ import annotations

import codecs
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from magspec_pipelines.specter import assumed
from magspec_pipelines.specter.errors import SpecterCallbackError

CALLBACK_OK = "1;Done"


class CallbackKind(StrEnum):
    STOCK_CHANGE = "stock_change"
    ARTICLE_CHANGE = "article_change"
    ORDER_CHANGE = "order_change"
    NEW_INVOICE = "new_invoice"
    REMOVE_ORDER = "remove_order"

    @property
    def setting(self) -> str:
        """The `checkAccountSettings` parameter that registers this callback [V S1]."""
        return _SETTINGS[self]

    @property
    def placeholders(self) -> tuple[str, ...]:
        """The values Specter fills in for this callback, as `name=$name` pairs."""
        return _PLACEHOLDERS[self]


_SETTINGS = {
    CallbackKind.STOCK_CHANGE: "actionStockChange",
    CallbackKind.ARTICLE_CHANGE: "actionArticleChange",
    CallbackKind.ORDER_CHANGE: "actionOrderChange",
    CallbackKind.NEW_INVOICE: "actionNewInvoice",
    CallbackKind.REMOVE_ORDER: "actionRemoveOrder",
}
_PLACEHOLDERS: dict[CallbackKind, tuple[str, ...]] = {
    CallbackKind.STOCK_CHANGE: (),
    CallbackKind.ARTICLE_CHANGE: (),
    CallbackKind.ORDER_CHANGE: ("orderId",),
    CallbackKind.NEW_INVOICE: ("orderId", "invoiceId", "invoiceSource"),
    CallbackKind.REMOVE_ORDER: ("orderNo",),
}


@dataclass(frozen=True)
class StockChanged:
    """Pull the stock queue."""


@dataclass(frozen=True)
class ArticleChanged:
    """Pull the article queue."""


@dataclass(frozen=True)
class OrderChanged:
    """Pull the order queue; `order_id` when the template asked for it."""

    order_id: str | None = None


@dataclass(frozen=True)
class InvoiceCreated:
    """`invoice_source`: `webshop` (from newInvoiceSubmit) or `sbm` (made by staff)."""

    invoice_id: str
    invoice_source: str
    order_id: str | None = None


@dataclass(frozen=True)
class OrderRemoved:
    order_no: str


CallbackEvent = StockChanged | ArticleChanged | OrderChanged | InvoiceCreated | OrderRemoved


def callback_template(base_url: str, kind: CallbackKind | str, **fixed: str) -> str:
    """The URL to register for `kind`: `base_url` plus `fixed` parameters (e.g. a secret) plus
    the placeholders Specter fills in. Placeholders stay unescaped, as Specter looks for them."""
    kind = CallbackKind(kind)
    scheme, netloc, path, query, fragment = urlsplit(base_url)
    if scheme not in ("http", "https") or not netloc:
        raise ValueError(f"callback URL {base_url!r} is not an http(s) URL")
    pairs = [*parse_qsl(query, keep_blank_values=True, encoding="latin-1"), *fixed.items()]
    try:
        # Latin-1 percent-encoding, the way Specter sends and `callback_query` reads it back.
        parts = [urlencode(pairs, encoding="latin-1")] if pairs else []
    except UnicodeEncodeError as exc:
        raise ValueError(f"callback parameters Latin-1 cannot carry: {exc.object!r}") from None
    parts.extend(f"{name}=${name}" for name in kind.placeholders)
    return urlunsplit((scheme, netloc, path, "&".join(p for p in parts if p), fragment))


def callback_query(raw_query: bytes | str) -> dict[str, str]:
    """A callback's query string as a dict, percent-decoded as Latin-1 (Specter's charset)."""
    text = raw_query.decode("latin-1") if isinstance(raw_query, bytes) else raw_query
    return dict(parse_qsl(text.lstrip("?"), keep_blank_values=True, encoding="latin-1"))


FORM_TYPE = "application/x-www-form-urlencoded"


def callback_form(body: bytes, content_type: str | None) -> dict[str, str]:
    """The fields of a POSTed callback (`application/x-www-form-urlencoded`; no content type is
    read the same way), percent-decoded as Latin-1 unless the request names another charset.

    Raises `SpecterCallbackError` for any other content type or an unknown charset. The caller
    bounds `body`: parsing a few fields needs no multipart library.
    """
    media, _, parameters = (content_type or "").partition(";")
    if media.strip().lower() not in ("", FORM_TYPE):
        raise SpecterCallbackError(f"content type {media.strip()!r} is not {FORM_TYPE}")
    charset = "latin-1"
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip('"')
    try:
        codecs.lookup(charset)
    except LookupError:
        raise SpecterCallbackError(f"charset {charset[:40]!r} is unknown") from None
    # The percent-escapes carry the charset; the raw bytes of a form body are ASCII by rule.
    text = body.decode("latin-1")
    return dict(parse_qsl(text, keep_blank_values=True, encoding=charset, errors="replace"))


def secret_matches(params: Mapping[str, str], secret: str, secret_param: str = "pskey") -> bool:
    """Whether the callback carries `secret` in `secret_param` (any case), compared in constant
    time so that the answer's timing does not give the secret away byte by byte."""
    wanted = secret_param.lower()
    sent = next((v for k, v in params.items() if k.lower() == wanted), "")
    return hmac.compare_digest(sent.encode("utf-8"), secret.encode("utf-8"))


def parse_callback(
    kind: CallbackKind | str,
    query: Mapping[str, str],
    *,
    secret: str | None = None,
    secret_param: str = "pskey",
) -> CallbackEvent:
    """The typed event of one incoming callback; `SpecterCallbackError` when its parameters are
    missing, unsubstituted or malformed, or when `secret` is given and does not match."""
    try:
        kind = CallbackKind(kind)
    except ValueError:
        raise SpecterCallbackError(f"unknown callback kind {kind!r}") from None
    params = {name.lower(): value for name, value in query.items()}
    if secret is not None and not secret_matches(params, secret, secret_param):
        raise SpecterCallbackError(f"{kind}: the callback secret does not match")
    if kind is CallbackKind.STOCK_CHANGE:
        return StockChanged()
    if kind is CallbackKind.ARTICLE_CHANGE:
        return ArticleChanged()
    if kind is CallbackKind.ORDER_CHANGE:
        return OrderChanged(order_id=_id(kind, params, "orderId", required=False))
    if kind is CallbackKind.REMOVE_ORDER:
        order_no = _id(kind, params, "orderNo")
        assert order_no is not None
        return OrderRemoved(order_no)
    invoice_id = _id(kind, params, "invoiceId")
    assert invoice_id is not None
    source = _value(kind, params, "invoiceSource").lower()
    if source not in assumed.INVOICE_SOURCES:
        expected = " or ".join(sorted(assumed.INVOICE_SOURCES))
        raise SpecterCallbackError(f"{kind}: invoiceSource {source!r} is not {expected}")
    return InvoiceCreated(
        invoice_id=invoice_id,
        invoice_source=source,
        order_id=_id(kind, params, "orderId", required=False),
    )


def _value(kind: CallbackKind, params: Mapping[str, str], name: str) -> str:
    value = params.get(name.lower(), "").strip()
    if not value:
        raise SpecterCallbackError(f"{kind}: {name} is missing")
    if value.startswith("$"):
        raise SpecterCallbackError(f"{kind}: {name} was not filled in ({value!r})")
    return value


def _id(
    kind: CallbackKind, params: Mapping[str, str], name: str, required: bool = True
) -> str | None:
    if not required and not params.get(name.lower(), "").strip():
        return None
    value = _value(kind, params, name)
    if not (value.isascii() and value.isdigit()):
        raise SpecterCallbackError(f"{kind}: {name} {value!r} is not a Specter number")
    return value
