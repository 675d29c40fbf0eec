"""The other `getInfo.asp` actions: callback registration, the invoice PDF link, and the
assumed reads (stock sites, web shops, price lists and prices, modules, invoice status)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING
from xml.sax.saxutils import quoteattr

from . import assumed
from .errors import ActionRefused
from .protocol import Answer, Document, Line, Params, swedish_number

if TYPE_CHECKING:
    from .state import AccountState

Reply = Answer | Document | Line


def _attrs(**values: object) -> str:
    return "".join(f" {name}={quoteattr(str(value))}" for name, value in values.items())


def check_account_settings(state: AccountState, params: Params) -> Reply:
    """Register callback URL templates: a template sent replaces, one sent empty removes."""
    templates = {event: params[event] for event in assumed.CALLBACK_EVENTS if event in params}
    state.callbacks.register(templates)
    return Answer.success("0", assumed.SETTINGS_SAVED)


def pdf_link(base_url: str):
    def run(state: AccountState, params: Params) -> Reply:
        document_type = params.text("typeDocument")
        if document_type not in assumed.PDF_DOCUMENT_TYPES:
            raise ActionRefused(
                assumed.BAD_FIELD,
                assumed.bad_field("typeDocument", f"unknown document type '{document_type}'"),
            )
        invoice_no = params.text("documentId")
        if invoice_no not in state.invoices:
            raise ActionRefused(assumed.UNKNOWN_ORDER, assumed.unknown_invoice(invoice_no))
        return Line(("1", f"{base_url}/pdf/{state.sbm_id}/invoice/{invoice_no}.pdf"))

    return run


def stock_sites(state: AccountState, params: Params) -> Reply:
    default = state.spec.default_stock_site
    sites = "".join(
        f"<stockSite{_attrs(stockSiteId=s.stock_site_id, name=s.name, isDefault=int(s.stock_site_id == default))}/>"
        for s in state.spec.stock_sites
    )
    return Document(f"<stockSites>{sites}</stockSites>")


def webshops(state: AccountState, params: Params) -> Reply:
    default = state.spec.default_stock_site
    shops = "".join(
        "<webshop"
        + _attrs(
            webshopId=shop.webshop_id,
            name=shop.name,
            stockSiteId=shop.stock_site_id or default,
            priceListId=shop.price_list_id,
            currency=shop.currency,
        )
        + "/>"
        for shop in state.spec.webshops
    )
    return Document(f"<webshops>{shops}</webshops>")


def price_lists(state: AccountState, params: Params) -> Reply:
    lists = "".join(
        "<priceList"
        + _attrs(
            priceListId=p.price_list_id,
            name=p.name,
            currency=p.currency,
            customerGroupIds=",".join(p.customer_group_ids),
        )
        + "/>"
        for p in state.spec.price_lists
    )
    return Document(f"<priceLists>{lists}</priceLists>")


def price_list_prices(state: AccountState, params: Params) -> Reply:
    price_list_id = params.text("priceListId")
    rows = "".join(
        "<price"
        + _attrs(
            articleNo=row["articleNo"],
            fromQuantity=swedish_number(row["fromQuantity"]),
            priceExclVat=swedish_number(row["priceExclVat"], 2),
        )
        + "/>"
        for row in state.prices(price_list_id)
    )
    return Document(f"<prices{_attrs(priceListId=price_list_id)}>{rows}</prices>")


def account_modules(state: AccountState, params: Params) -> Reply:
    modules = "".join(
        f"<module{_attrs(code=m.code, name=m.name, active=int(m.active))}/>"
        for m in state.spec.modules
    )
    return Document(f"<modules>{modules}</modules>")


def invoice_status(state: AccountState, params: Params) -> Reply:
    invoice_no = params.text("invoiceNo")
    with state.lock:
        invoice = state.invoices.get(invoice_no)
        if invoice is None:
            raise ActionRefused(assumed.UNKNOWN_ORDER, assumed.unknown_invoice(invoice_no))
        due = Decimal(0) if invoice["paid"] else invoice["amount"]
        attrs = _attrs(
            invoiceNo=invoice_no,
            orderNo=invoice["orderNo"],
            paid=int(invoice["paid"]),
            paidDate=invoice["paidDate"] or "",
            amountDue=swedish_number(due, 2),
        )
    return Document(f"<invoice{attrs}/>")
