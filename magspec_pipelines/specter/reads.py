"""The assumed reads: stock sites, web shops, price lists and their prices, account modules,
invoice status. No public source shows them (see assumed.py); an account may not have them, and
then each raises `SpecterUnsupported` so the caller can fall back (e.g. the price-list file).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from magspec_pipelines.domain.pricing import PriceListPrice
from magspec_pipelines.specter.errors import SpecterUnreadable
from magspec_pipelines.specter.parsing import (
    expect_root,
    number_attribute,
    optional_date,
    optional_text,
    parse_xml,
    required_attribute,
)


@dataclass(frozen=True)
class StockSite:
    stock_site_id: str
    name: str
    is_default: bool


@dataclass(frozen=True)
class Webshop:
    webshop_id: str
    name: str
    stock_site_id: str | None
    price_list_id: str | None
    currency: str | None


@dataclass(frozen=True)
class PriceList:
    price_list_id: str
    name: str
    currency: str | None
    customer_group_ids: tuple[str, ...]


@dataclass(frozen=True)
class AccountModule:
    code: str
    name: str
    active: bool


@dataclass(frozen=True)
class InvoiceStatus:
    invoice_no: str
    order_no: str | None
    paid: bool
    paid_date: date | None
    amount_due: Decimal | None


def parse_stock_sites(text: str, action: str) -> list[StockSite]:
    root = expect_root(parse_xml(text, action), "stockSites", action)
    return [
        StockSite(
            stock_site_id=required_attribute(site, "stockSiteId", action),
            name=(site.get("name") or "").strip(),
            is_default=(site.get("isDefault") or "").strip() == "1",
        )
        for site in root.iter("stockSite")
    ]


def parse_webshops(text: str, action: str) -> list[Webshop]:
    root = expect_root(parse_xml(text, action), "webshops", action)
    return [
        Webshop(
            webshop_id=required_attribute(shop, "webshopId", action),
            name=(shop.get("name") or "").strip(),
            stock_site_id=optional_text(shop.get("stockSiteId")),
            price_list_id=optional_text(shop.get("priceListId")),
            currency=optional_text(shop.get("currency")),
        )
        for shop in root.iter("webshop")
    ]


def parse_price_lists(text: str, action: str) -> list[PriceList]:
    root = expect_root(parse_xml(text, action), "priceLists", action)
    return [
        PriceList(
            price_list_id=required_attribute(price_list, "priceListId", action),
            name=(price_list.get("name") or "").strip(),
            currency=optional_text(price_list.get("currency")),
            customer_group_ids=tuple(
                group.strip()
                for group in (price_list.get("customerGroupIds") or "").split(",")
                if group.strip()
            ),
        )
        for price_list in root.iter("priceList")
    ]


def parse_price_list_prices(text: str, action: str, price_list_id: str) -> list[PriceListPrice]:
    root = expect_root(parse_xml(text, action), "prices", action)
    list_id = optional_text(root.get("priceListId")) or price_list_id
    if list_id != price_list_id:
        raise SpecterUnreadable(
            f"asked for price list {price_list_id!r}, got {list_id!r}", action=action
        )
    prices = []
    for price in root.iter("price"):
        from_quantity = number_attribute(price, "fromQuantity", action) or Decimal(1)
        amount = number_attribute(price, "priceExclVat", action, required=True)
        assert amount is not None
        prices.append(
            PriceListPrice(
                price_list_id=list_id,
                article_no=required_attribute(price, "articleNo", action),
                from_quantity=from_quantity,
                price_excl_vat=amount,
            )
        )
    return prices


def parse_account_modules(text: str, action: str) -> list[AccountModule]:
    root = expect_root(parse_xml(text, action), "modules", action)
    return [
        AccountModule(
            code=required_attribute(module, "code", action),
            name=(module.get("name") or "").strip(),
            active=(module.get("active") or "").strip() == "1",
        )
        for module in root.iter("module")
    ]


def parse_invoice_status(text: str, action: str) -> InvoiceStatus:
    invoice = expect_root(parse_xml(text, action), "invoice", action)
    try:
        paid_date = optional_date(invoice.get("paidDate"))
    except ValueError:
        raise SpecterUnreadable(
            f"paidDate {invoice.get('paidDate')!r} is not a date", action=action
        ) from None
    return InvoiceStatus(
        invoice_no=required_attribute(invoice, "invoiceNo", action),
        order_no=optional_text(invoice.get("orderNo")),
        paid=(invoice.get("paid") or "").strip() == "1",
        paid_date=paid_date,
        amount_due=number_attribute(invoice, "amountDue", action),
    )
