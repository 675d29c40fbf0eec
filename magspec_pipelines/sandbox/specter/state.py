"""One Specter account's registers and the rules of the write actions that change them.

Each `submit_*` method validates in the order Specter answers, raises `ActionRefused` with the
code of the first failure and writes nothing then; on success it writes and logs the action.
The key has been checked by the caller (`actions.py`) before any of these run.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from . import assumed
from .accounts import AccountSpec, article, seed_articles
from .errors import ActionRefused
from .protocol import Params, parse_number

# Customer fields of reference 3.1, in Specter's spelling (`deliveryregion` lower-case r).
CUSTOMER_FIELDS: tuple[str, ...] = (
    "currency",
    "language",
    "customerOrganizationalForm",
    "typeCustomer",
    "firstName",
    "surName",
    "contactPerson",
    "name",
    "attention",
    "deliveryAttention",
    "invoiceCompanyName",
    "orgNo",
    "customerGroupId",
    "homepage",
    "emailAddress",
    "phoneNo",
    "mobileNo",
    "vatNo",
    "address",
    "addressRow2",
    "zipCodeEng",
    "city",
    "countryCode",
    "region",
    "deliveryCompanyName",
    "deliveryAddress",
    "deliveryAddressRow2",
    "deliveryZipCodeEng",
    "deliveryCity",
    "deliveryCountryCode",
    "deliveryregion",
)

# Order header fields of reference 3.2 (`webshopId` is stored resolved, see `submit_order`).
ORDER_FIELDS: tuple[str, ...] = (
    "customerId",
    "externalOrderNo",
    "customerOrderReference",
    "currency",
    "language",
    "stocksiteid",
    "payTypeIdentifier",
    "payTypeReference",
    "payTypeIdentifierPaySystemUser",
    "isPrepayment",
    "internalComment",
    "publishedComment",
    "sendOrderMail",
    "sendOrderMailToUser",
    "userSource",
    "preparedShipmentId",
    "externalDeliveryMethod",
)


def customer_name(params: Mapping[str, str]) -> str:
    """The customer-name key subject: company name, or "first last", spaces collapsed."""
    form = params.get("customerOrganizationalForm", "").strip().upper()
    if form == "C":
        raw = params.get("name", "")
    else:
        raw = f"{params.get('firstName', '')} {params.get('surName', '')}"
    return " ".join(part for part in raw.split(" ") if part)


class AccountState:
    """Customers, articles with stock, orders with rows and invoices of one account.

    Writes come from the server thread; tests and benchmarks read the dicts from theirs. The lock
    makes each action atomic, so a reader never sees an order without its stock change.
    """

    def __init__(self, spec: AccountSpec) -> None:
        self.spec = spec
        self.customers: dict[str, dict[str, Any]] = {}
        self.articles: dict[str, dict[str, Any]] = seed_articles(spec)
        self.orders: dict[str, dict[str, Any]] = {}
        self.invoices: dict[str, dict[str, Any]] = {}
        self.write_log: list[tuple[str, dict[str, str]]] = []
        self.lock = threading.RLock()
        self._customer_ids = itertools.count(assumed.FIRST_CUSTOMER_ID)
        self._order_nos = itertools.count(assumed.FIRST_ORDER_NO)
        self._invoice_nos = itertools.count(assumed.FIRST_INVOICE_NO)

    @property
    def sbm_id(self) -> str:
        return self.spec.sbm_id

    # -- register maintenance (admin routes) -----------------------------------------------
    def add_article(
        self,
        article_no: str,
        name: str,
        price_excl_vat: Decimal,
        vat_percent: Decimal,
        stock: Decimal | None = None,
    ) -> dict[str, Any]:
        with self.lock:
            self.articles[article_no] = article(
                article_no, name, price_excl_vat, vat_percent, stock
            )
            return self.articles[article_no]

    def remove_article(self, article_no: str) -> bool:
        with self.lock:
            return self.articles.pop(article_no, None) is not None

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
        """Place an order; returns its orderNo."""
        webshop_id = self._webshop(params.text("webshopId"))
        customer_id = params.text("customerId")
        if not customer_id:
            raise ActionRefused(assumed.BAD_FIELD, assumed.bad_field("customerId", "is required"))
        with self.lock:
            if customer_id not in self.customers:
                raise ActionRefused(assumed.UNKNOWN_CUSTOMER, assumed.unknown_customer(customer_id))
            rows = _order_rows(params)
            for row in rows:
                if row["articleNo"] not in self.articles:
                    raise ActionRefused(
                        assumed.UNKNOWN_ARTICLE, assumed.unknown_article(row["articleNo"])
                    )
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
            order["rows"] = [self._complete_row(row) for row in rows]
            order["invoiceNo"] = None
            order["statusId"] = assumed.NEW_ORDER_STATUS_ID
            self.orders[order_no] = order
            for row in order["rows"]:
                # Specter owns stock: the order draws it down [V S4].
                stocked = self.articles[row["articleNo"]]
                if stocked["stock"] is not None:
                    stocked["stock"] -= row["noOfItems"]
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
        }

    # -- newInvoiceSubmit ------------------------------------------------------------------
    def submit_invoice(self, params: Params) -> str:
        """Invoice a whole order; returns the invoiceNo."""
        order_no = params.text("orderId")
        if not order_no:
            raise ActionRefused(assumed.BAD_FIELD, assumed.bad_field("orderId", "is required"))
        with self.lock:
            order = self.orders.get(order_no)
            if order is None:
                raise ActionRefused(assumed.UNKNOWN_ORDER, assumed.unknown_order(order_no))
            if order["invoiceNo"] is not None:
                raise ActionRefused(
                    assumed.NOTHING_TO_INVOICE,
                    assumed.nothing_to_invoice(order_no, order["invoiceNo"]),
                )
            invoice_no = str(next(self._invoice_nos))
            self.invoices[invoice_no] = {
                "invoiceNo": invoice_no,
                "orderNo": order_no,
                "typeInvoice": params.text("typeInvoice") or assumed.DEFAULT_TYPE_INVOICE,
            }
            order["invoiceNo"] = invoice_no
            self._log("newInvoiceSubmit", params)
            return invoice_no

    def _log(self, action: str, params: Params) -> None:
        self.write_log.append((action, dict(params.items())))


def _order_rows(params: Params) -> list[dict[str, Any]]:
    """The numbered rows `articleNo_N`… for N = 1.. up to the first absent articleNo_N."""
    rows = []
    for n in itertools.count(1):
        article_no = params.text(f"articleNo_{n}")
        if not article_no:
            break
        no_of_items = _number(params, f"noOfItems_{n}")
        if no_of_items is None:
            raise ActionRefused(
                assumed.BAD_FIELD, assumed.bad_field(f"noOfItems_{n}", "is required")
            )
        rows.append(
            {
                "articleNo": article_no,
                "articleName": params.text(f"articleName_{n}"),
                "articleComment": params.text(f"articleComment_{n}"),
                "priceExclVAT": _number(params, f"priceExclVAT_{n}"),
                "noOfItems": no_of_items,
                "vatPercent": _number(params, f"vatPercent_{n}"),
            }
        )
    if not rows:
        raise ActionRefused(assumed.BAD_FIELD, assumed.bad_field("articleNo_1", "is required"))
    return rows


def _number(params: Params, name: str) -> Decimal | None:
    text = params.text(name)
    if not text:
        return None
    try:
        return parse_number(text)
    except ValueError:
        raise ActionRefused(
            assumed.BAD_FIELD, assumed.bad_field(name, f"is not a number: '{text}'")
        ) from None
