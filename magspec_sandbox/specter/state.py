"""One Specter account's registers and the rules of the actions that change them.

Each action method validates in the order Specter answers, raises `ActionRefused` with the code
of the first failure and writes nothing then; on success it writes, queues the changes and, once
the change is committed, fires the callbacks. The key has been checked by the caller
(`actions.py`) before any `submit_*` method runs. The areas live in mixins: stock (`stock.py`),
articles (`articles.py`), deliveries, invoices and cancellation (`lifecycle.py`), price lists
(`pricelists.py`).
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from . import assumed
from .accounts import AccountSpec, article, seed_articles
from .articles import ArticleRegister
from .callbacks import CallbackDispatcher
from .errors import ActionRefused
from .fields import CUSTOMER_FIELDS, ORDER_FIELDS, customer_name, order_rows
from .lifecycle import OrderLifecycle
from .pricelists import PriceLists
from .protocol import Params
from .queues import ChangeQueue
from .stock import StockRegister


class AccountState(StockRegister, ArticleRegister, OrderLifecycle, PriceLists):
    """Customers, articles with stock per site, orders, deliveries, invoices, price lists, change
    queues and callbacks of one account.

    Writes come from the server thread; tests and benchmarks read the dicts from theirs. The lock
    makes each action atomic, so a reader never sees an order without its stock change.
    """

    def __init__(self, spec: AccountSpec, today: date | None = None) -> None:
        self.spec = spec
        self.fixed_today = today
        self.customers: dict[str, dict[str, Any]] = {}
        self.articles, on_hand = seed_articles(spec)
        self.orders: dict[str, dict[str, Any]] = {}
        self.invoices: dict[str, dict[str, Any]] = {}
        self.write_log: list[tuple[str, dict[str, str]]] = []
        self.lock = threading.RLock()
        self.stock_queue = ChangeQueue("stock")
        self.article_queue = ChangeQueue("articles")
        self.order_queue = ChangeQueue("orders")
        self.callbacks = CallbackDispatcher(spec.callback_first_wait_seconds)
        self._customer_ids = itertools.count(assumed.FIRST_CUSTOMER_ID)
        self._order_nos = itertools.count(assumed.FIRST_ORDER_NO)
        self._invoice_nos = itertools.count(assumed.FIRST_INVOICE_NO)
        self._delivery_nos = itertools.count(assumed.FIRST_DELIVERY_NO)
        self._article_ids = itertools.count(assumed.FIRST_SPECTER_ARTICLE_ID)
        self._outbox: list[tuple[str, dict[str, str]]] = []
        self._depth = 0
        self._init_stock(on_hand)
        self._init_price_lists()
        for article_no in self.articles:
            self.articles[article_no]["specterId"] = str(next(self._article_ids))
            if spec.initial_changes:
                self.article_queue.mark(article_no)
        if spec.initial_changes:
            self._queue_all_stock()

    @property
    def sbm_id(self) -> str:
        return self.spec.sbm_id

    def today(self) -> date:
        return self.fixed_today or datetime.now(UTC).date()

    # -- committing changes ----------------------------------------------------------------
    @contextmanager
    def changing(self) -> Iterator[None]:
        """Hold the lock for one action; its callbacks fire once the outermost action is done."""
        outbox: list[tuple[str, dict[str, str]]] = []
        with self.lock:
            self._depth += 1
            try:
                yield
            except BaseException:
                if self._depth == 1:
                    self._outbox = []
                raise
            finally:
                self._depth -= 1
                if self._depth == 0:
                    outbox, self._outbox = self._outbox, []
        for event, values in outbox:
            self.callbacks.fire(event, values)

    def _fire(self, event: str, **values: str) -> None:
        self._outbox.append((event, values))

    # -- register maintenance (admin routes) -----------------------------------------------
    def add_article(
        self,
        article_no: str,
        name: str,
        price_excl_vat: Decimal,
        vat_percent: Decimal,
        stock: Decimal | None = None,
    ) -> dict[str, Any]:
        with self.changing():
            self.articles[article_no] = article(
                article_no, name, price_excl_vat, vat_percent, stock
            )
            self.articles[article_no]["specterId"] = str(next(self._article_ids))
            if stock is not None:
                self._create_stock(article_no, stock)
            self._article_changed(article_no)
            return self.articles[article_no]

    def remove_article(self, article_no: str) -> bool:
        with self.lock:
            self.stock.pop(article_no, None)
            return self.articles.pop(article_no, None) is not None

    def document_total(self, order_no: str) -> Decimal:
        """What Specter shows as the order's total incl. VAT (an assumed rule, assumed.py)."""
        with self.lock:
            return assumed.document_total(self.orders[order_no]["rows"])

    def orders_by_external_no(self, external_order_no: str) -> list[dict[str, Any]]:
        with self.lock:
            return [o for o in self.orders.values() if o["externalOrderNo"] == external_order_no]

    # -- newCustomerSubmit -----------------------------------------------------------------
    def submit_customer(self, params: Params) -> tuple[str, str]:
        """Create or match a customer; returns (customerId, answer message)."""
        fields = {name: params[name] for name in CUSTOMER_FIELDS if name in params}
        form = fields.get("customerOrganizationalForm", "").strip().upper()
        if not form:
            form = assumed.DEFAULT_ORGANIZATIONAL_FORM
        if not customer_name(params):
            missing = "name" if form == "C" else "surName"
            raise ActionRefused(assumed.BAD_FIELD, assumed.bad_field(missing, "is required"))
        with self.lock:
            existing = self._match_customer(
                fields.get("emailAddress", ""),
                fields.get("orgNo", ""),
                use_email=not params.flag("ignoreControlEmail"),
                use_org_no=not params.flag("ignoreControlOrgNo"),
            )
            if existing is not None:
                if not params.flag("forceCustomerUpdate"):
                    return existing["customerId"], assumed.CUSTOMER_MATCHED
                existing.update(fields)
                self._log("newCustomerSubmit", params)
                return existing["customerId"], assumed.CUSTOMER_UPDATED
            customer_id = str(next(self._customer_ids))
            stored = {name: "" for name in CUSTOMER_FIELDS}
            stored.update(fields)
            stored["customerOrganizationalForm"] = stored["customerOrganizationalForm"] or form
            stored["customerId"] = customer_id
            self.customers[customer_id] = stored
            self._log("newCustomerSubmit", params)
            return customer_id, assumed.CUSTOMER_CREATED

    def _match_customer(
        self, email: str, org_no: str, *, use_email: bool, use_org_no: bool
    ) -> dict[str, Any] | None:
        # Specter matches on e-mail first, then on org./personal no. [V S4 S5 S6].
        email = email.strip().lower()
        org_no = org_no.strip()
        if use_email and email:
            for customer in self.customers.values():
                if customer["emailAddress"].strip().lower() == email:
                    return customer
        if use_org_no and org_no:
            for customer in self.customers.values():
                if customer["orgNo"].strip() == org_no:
                    return customer
        return None

    # -- newOrderSubmit --------------------------------------------------------------------
    def submit_order(self, params: Params) -> str:
        """Place an order, reserving its stock; returns its orderNo."""
        webshop_id = self._webshop(params.text("webshopId"))
        customer_id = params.text("customerId")
        if not customer_id:
            raise ActionRefused(assumed.BAD_FIELD, assumed.bad_field("customerId", "is required"))
        with self.changing():
            if customer_id not in self.customers:
                raise ActionRefused(assumed.UNKNOWN_CUSTOMER, assumed.unknown_customer(customer_id))
            rows = order_rows(params)
            for row in rows:
                if row["articleNo"] not in self.articles:
                    raise ActionRefused(
                        assumed.UNKNOWN_ARTICLE, assumed.unknown_article(row["articleNo"])
                    )
            site = self._order_stock_site(params.text("stocksiteid"), webshop_id)
            external_order_no = params.text("externalOrderNo")
            if external_order_no and not params.flag("ignoreExternalOrderNoControl"):
                for order in self.orders.values():
                    if (
                        order["externalOrderNo"] == external_order_no
                        and order["webshopId"] == webshop_id
                    ):
                        raise ActionRefused(
                            assumed.DUPLICATE_EXTERNAL_ORDER_NO,
                            assumed.duplicate_external_order_no(
                                external_order_no, order["orderNo"]
                            ),
                        )
            order_no = str(next(self._order_nos))
            order: dict[str, Any] = {"orderNo": order_no}
            order.update({name: params.get(name, "") for name in ORDER_FIELDS})
            order["customerId"] = customer_id
            order["externalOrderNo"] = external_order_no
            order["webshopId"] = webshop_id
            order["stockSiteId"] = site
            order["orderDate"] = self.today().isoformat()
            order["rows"] = [self._complete_row(row) for row in rows]
            order["invoiceNo"] = None
            order["statusId"] = assumed.NEW_ORDER_STATUS_ID
            order["deliveries"] = []
            order["deliveriesUpdated"] = False
            self.orders[order_no] = order
            self._refresh_status(order)
            for row in order["rows"]:
                # Specter owns stock: the order reserves it on its stock site [V S4].
                self._reserve(row["articleNo"], site, row["noOfItems"])
            self._log("newOrderSubmit", params)
            return order_no

    def _webshop(self, webshop_id: str) -> str | None:
        known = [shop.webshop_id for shop in self.spec.webshops]
        if not webshop_id:
            return known[0] if known else None
        if webshop_id not in known:
            raise ActionRefused(
                assumed.BAD_FIELD, assumed.bad_field("webshopId", f"unknown webshop '{webshop_id}'")
            )
        return webshop_id

    def _order_stock_site(self, stock_site_id: str, webshop_id: str | None) -> str:
        # `stocksiteid` wins, then the web shop's site, then the default ("blank = Standardlager",
        # Krokedil S4).
        if stock_site_id:
            if stock_site_id not in self.stock_site_ids():
                raise ActionRefused(
                    assumed.BAD_FIELD,
                    assumed.bad_field("stocksiteid", f"unknown stock site '{stock_site_id}'"),
                )
            return stock_site_id
        for shop in self.spec.webshops:
            if shop.webshop_id == webshop_id and shop.stock_site_id:
                return shop.stock_site_id
        return self.spec.default_stock_site

    def _complete_row(self, row: dict[str, Any]) -> dict[str, Any]:
        registered = self.articles[row["articleNo"]]
        return {
            "articleNo": row["articleNo"],
            "articleName": row["articleName"] or registered["name"],
            "articleComment": row["articleComment"],
            "priceExclVAT": (
                registered["priceExclVAT"] if row["priceExclVAT"] is None else row["priceExclVAT"]
            ),
            "noOfItems": row["noOfItems"],
            "vatPercent": (
                registered["vatPercent"] if row["vatPercent"] is None else row["vatPercent"]
            ),
            "deliveredItems": Decimal(0),
        }

    # -- newInvoiceSubmit ------------------------------------------------------------------
    def submit_invoice(self, params: Params) -> str:
        """Invoice a whole order for the web shop; returns the invoiceNo."""
        order_no = params.text("orderId")
        if not order_no:
            raise ActionRefused(assumed.BAD_FIELD, assumed.bad_field("orderId", "is required"))
        with self.changing():
            invoice_no = self._create_invoice(
                order_no,
                params.text("typeInvoice") or assumed.DEFAULT_TYPE_INVOICE,
                assumed.INVOICE_SOURCE_WEBSHOP,
            )
            self._log("newInvoiceSubmit", params)
            return invoice_no

    def _log(self, action: str, params: Params) -> None:
        self.write_log.append((action, dict(params.items())))
