"""The Specter client: every action of the legacy protocol behind a typed API.

Writes (customers, orders, invoices, articles, deliveries) go to `putInfo.asp` and are never
repeated when their answer may have been lost (`OutcomeUnknown`). Reads, the change queues and
their acknowledgements go to `getInfo.asp` and are repeated safely. The pieces live in their own
modules: `transport` (signing, Latin-1, retries), `queues` (change batches), `articles`,
`reads` (the assumed reads), `callbacks`, `pricelist_file`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel

from magspec_pipelines.http import CallStats, CircuitBreaker, ClosingClient, RetryPolicy
from magspec_pipelines.specter import assumed, decimals, reads
from magspec_pipelines.specter.answers import parse_answer
from magspec_pipelines.specter.articles import (
    batch_body,
    check_articles,
    chunks,
    refused_article_no,
)
from magspec_pipelines.specter.callbacks import CallbackKind
from magspec_pipelines.specter.codec import latin1
from magspec_pipelines.specter.errors import SpecterError, SpecterValidationError
from magspec_pipelines.specter.models import (
    SpecterArticle,
    SpecterCustomer,
    SpecterOrder,
    SpecterOrderRow,
)
from magspec_pipelines.specter.queues import (
    ArticleChange,
    Batch,
    ChangeQueue,
    DrainResult,
    OrderChange,
    QueueKind,
    StockChange,
)
from magspec_pipelines.specter.transport import (
    TEXT_ANSWERS,
    WRITE_SCRIPT,
    XML_ANSWERS,
    SpecterCredentials,
    SpecterTransport,
    utc_today,
)

P = TypeVar("P", bound=BaseModel)

__all__ = ["SpecterClient", "SpecterCredentials"]


class SpecterClient(ClosingClient):
    """One Specter account. `base_url` is the API root that holds `getInfo.asp`/`putInfo.asp`.

    `today` gives the date that signs date-keyed calls (UTC by default; injectable for tests).
    """

    def __init__(
        self,
        base_url: str,
        credentials: SpecterCredentials,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
        max_concurrency: int = 4,
        breaker: CircuitBreaker | None = None,
        today: Callable[[], date] = utc_today,
    ) -> None:
        self._transport = SpecterTransport(
            base_url,
            credentials,
            timeout=timeout,
            retry=retry,
            transport=transport,
            max_concurrency=max_concurrency,
            breaker=breaker,
            today=today,
        )
        self._http = self._transport.http
        self.queues = ChangeQueue(self._transport)

    @property
    def stats(self) -> CallStats:
        return self._transport.stats

    # -- writes ------------------------------------------------------------------------------
    def submit_customer(self, customer: SpecterCustomer, force_update: bool = True) -> str:
        """Create or update (matched on e-mail, then orgNo) a customer; returns its customerId."""
        customer = _in_latin1(customer)
        query = self._transport.signed("newCustomerSubmit", customer.key_subject)
        if force_update:
            query.append(("forceCustomerUpdate", "1"))
        return self._transport.post(
            "newCustomerSubmit", query, list(customer.form_fields().items())
        )

    def submit_order(self, order: SpecterOrder, webshop_id: str | None) -> str:
        """Create an order; returns Specter's orderNo. Rows are numbered from 1 in order."""
        order = _in_latin1(order)
        if not order.rows:
            raise ValueError("a Specter order needs at least one row")
        query = self._transport.signed("newOrderSubmit", order.customerId, webshop_id=webshop_id)
        body = list(order.form_fields().items())
        for number, row in enumerate(order.rows, start=1):
            body.extend((f"{name}_{number}", value) for name, value in _row_fields(row).items())
        return self._transport.post("newOrderSubmit", query, body)

    def submit_invoice(
        self, order_no: str, type_invoice: str = assumed.DEFAULT_INVOICE_TYPE
    ) -> str:
        """Invoice what is left on an order; returns the invoiceNo. Sent as GET, as S1 does."""
        action = "newInvoiceSubmit"
        query = [
            *self._transport.signed(action, order_no, use_xml=None),
            ("orderId", order_no),
            ("useXML", TEXT_ANSWERS),
            ("typeInvoice", type_invoice),
        ]
        return self._transport.get_answer(action, query, idempotent=False, script=WRITE_SCRIPT)

    def submit_articles(self, articles: Sequence[SpecterArticle], force_update: bool = True) -> int:
        """Create or (with `force_update`) update articles, 100 per call; returns how many
        Specter saved. Every article number is checked first: one bad number raises
        `SpecterInvalidArticleNo` naming all of them and nothing is sent. When a later call
        fails, the calls before it stay saved; sending the same articles again is harmless.
        """
        # Checked before transliteration, which would quietly change a number ("€" -> "EUR").
        check_articles(articles)
        articles = [_in_latin1(article) for article in articles]
        action = "newArticleSubmit"
        saved = 0
        for batch in chunks(articles):
            query = self._transport.signed(action, batch[0].articleNo)
            try:
                answer = self._transport.post(action, query, batch_body(batch, force_update))
            except SpecterValidationError as exc:
                refused = refused_article_no(exc, batch)
                if refused is not None:
                    raise refused from exc
                raise
            saved += _count(answer, action)
        return saved

    def submit_delivery(
        self,
        order_no: str,
        rows: Sequence[tuple[str, Decimal | int]],
        tracking_numbers: Sequence[str] = (),
        delivery_date: date | None = None,
        method: str = "",
    ) -> str:
        """Register a delivery of an order; returns the deliveryNo. `rows` are (articleNo,
        quantity): every public client sends them, so what Specter does without rows is unknown."""
        action = "newDeliverySubmit"
        if not rows:
            raise ValueError("a delivery needs at least one row (articleNo, quantity)")
        for number in tracking_numbers:
            if assumed.TRACKING_SEPARATOR in number or not number.strip():
                raise ValueError(f"tracking number {number!r} is empty or contains a comma")
        when = delivery_date or self._transport.today()
        body = [
            ("deliveryDate", when.strftime(assumed.DATE_FORMAT)),
            ("orderId", order_no),
            ("useArticleNoRowMapping", "1"),
        ]
        for n, (article_no, quantity) in enumerate(rows, start=1):
            body += [(f"articleNo_{n}", article_no), (f"noOfItems_{n}", decimals.plain(quantity))]
        if tracking_numbers:
            joined = assumed.TRACKING_SEPARATOR.join(t.strip() for t in tracking_numbers)
            body.append(("trackingNo", joined))
        if method:
            body.append(("deliveryMethod", method))
        return self._transport.post(action, self._transport.signed(action, order_no), body)

    # -- account settings ---------------------------------------------------------------------
    def invoice_pdf_link(self, invoice_no: str) -> str:
        """The URL of an invoice's PDF."""
        action = "getPDFLink"
        query = [
            *self._transport.signed(action, f"getPDFLink{invoice_no}", use_xml=None),
            ("typeDocument", "invoice"),
            ("documentId", invoice_no),
        ]
        return _pdf_link(self._transport.get(action, query, idempotent=True), action)

    def register_callbacks(
        self,
        stock_change: str | None = None,
        new_invoice: str | None = None,
        remove_order: str | None = None,
        article_change: str | None = None,
        order_change: str | None = None,
    ) -> None:
        """Register callback URL templates; None leaves one as it is, "" removes it."""
        templates = {
            CallbackKind.STOCK_CHANGE: stock_change,
            CallbackKind.NEW_INVOICE: new_invoice,
            CallbackKind.REMOVE_ORDER: remove_order,
            CallbackKind.ARTICLE_CHANGE: article_change,
            CallbackKind.ORDER_CHANGE: order_change,
        }
        query = self._transport.dated("checkAccountSettings")
        for kind, template in templates.items():
            if template is None:
                continue
            if latin1(template) != template:
                raise ValueError(f"{kind} callback URL has characters Latin-1 cannot carry")
            query.append((kind.setting, template))
        self._transport.get_answer("checkAccountSettings", query, idempotent=True)

    def clear_stock_batch(self) -> None:
        """Drop the open stock batch and queue every article's stock again ("Resync stock")."""
        query = [*self._transport.dated("clearArticleBatch", use_xml=None), ("clearSelf", "1")]
        self._transport.get_answer("clearArticleBatch", query, idempotent=True)

    # -- change queues ------------------------------------------------------------------------
    def stock_changes(
        self, batch_no: str | None = None, multiple_stock_sites: bool = True
    ) -> Batch[StockChange]:
        return self.queues.fetch(QueueKind.STOCK, batch_no, multiple_stock_sites)

    def article_changes(self, batch_no: str | None = None) -> Batch[ArticleChange]:
        return self.queues.fetch(QueueKind.ARTICLES, batch_no)

    def order_changes(self, batch_no: str | None = None) -> Batch[OrderChange]:
        return self.queues.fetch(QueueKind.ORDERS, batch_no)

    def ack(self, batch: Batch[Any]) -> None:
        """Acknowledge a batch once its content is durably staged."""
        self.queues.ack(batch)

    def drain(
        self,
        kind: QueueKind | str,
        stage: Callable[[Batch[Any]], None],
        max_batches: int = 50,
        multiple_stock_sites: bool = True,
    ) -> DrainResult:
        """Fetch, stage, ack until the queue is empty; see `ChangeQueue.drain`."""
        return self.queues.drain(QueueKind(kind), stage, max_batches, multiple_stock_sites)

    # -- assumed reads (SpecterUnsupported when the account lacks them) -------------------------
    def stock_sites(self) -> list[reads.StockSite]:
        return reads.parse_stock_sites(*self._read("getStockSites"))

    def webshops(self) -> list[reads.Webshop]:
        return reads.parse_webshops(*self._read("getWebshops"))

    def price_lists(self) -> list[reads.PriceList]:
        return reads.parse_price_lists(*self._read("getPriceLists"))

    def price_list_prices(self, price_list_id: str) -> list[reads.PriceListPrice]:
        text, action = self._read("getPriceListPrices", ("priceListId", price_list_id))
        return reads.parse_price_list_prices(text, action, price_list_id)

    def account_modules(self) -> list[reads.AccountModule]:
        return reads.parse_account_modules(*self._read("getAccountModules"))

    def invoice_status(self, invoice_no: str) -> reads.InvoiceStatus:
        return reads.parse_invoice_status(
            *self._read("getInvoiceStatus", ("invoiceNo", invoice_no))
        )

    def _read(self, action: str, *extra: tuple[str, str]) -> tuple[str, str]:
        query = [*self._transport.dated(action, use_xml=XML_ANSWERS), *extra]
        return self._transport.get(action, query, idempotent=True), action

    def __repr__(self) -> str:
        creds = self._transport.credentials
        return f"SpecterClient({self._transport.base!r}, sbm_id={creds.sbm_id!r})"


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
    fields["priceExclVAT"] = decimals.fixed(row.priceExclVAT, assumed.PRICE_DECIMALS)
    fields["noOfItems"] = decimals.plain(row.noOfItems)
    return fields


def _count(answer_id: str, action: str) -> int:
    try:
        return int(answer_id)
    except ValueError:
        raise SpecterError(
            f"expected the number of articles saved, got {answer_id!r}", action=action
        ) from None


def _pdf_link(text: str, action: str) -> str:
    # `1;<url>`: the URL is everything after the first ';' and may itself hold one.
    result, sep, url = text.strip().partition(";")
    if result.strip() == "1" and sep and url.strip().lower().startswith(("http://", "https://")):
        return url.strip()
    if result.strip() == "1":
        raise SpecterError(f"expected a PDF link, got {text[:200]!r}", action=action)
    parse_answer(text).raise_for_failure(action)
    raise SpecterError(f"unreadable answer {text[:200]!r}", action=action)
