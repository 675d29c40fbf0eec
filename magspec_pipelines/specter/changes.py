"""The three change feeds Specter is pulled for (stock, article data, order status): their typed
items and the parsers of the answers that carry them."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Generic, TypeVar

from magspec_pipelines.specter import assumed
from magspec_pipelines.specter.errors import SpecterUnreadable
from magspec_pipelines.specter.parsing import (
    check_failure,
    expect_root,
    number_attribute,
    optional_date,
    optional_flag,
    optional_text,
    parse_number,
    parse_xml,
    required_attribute,
)

T = TypeVar("T")


@dataclass(frozen=True)
class StockChange:
    """An article's stock at one stock site. `stock_site_id` None: the account's default site
    (the plain text feed does not name it). `available` = on hand - reserved by open orders."""

    article_no: str
    stock_site_id: str | None
    available: Decimal
    on_hand: Decimal | None = None


@dataclass(frozen=True)
class ArticleChange:
    """An article whose data changed in Specter. Variants are articles of their own; the
    parent and the attributes that tell them apart are an assumption (see assumed.py)."""

    article_no: str
    name: str
    price_excl_vat: Decimal | None
    buy_price: Decimal | None
    bar_code: str
    weight: Decimal | None
    vat_percent: Decimal | None = None
    parent_article_no: str | None = None
    variant_attributes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Delivery:
    """One delivery registered on an order; `rows` are (articleNo, quantity delivered)."""

    delivery_no: str | None
    tracking_numbers: tuple[str, ...] = ()
    date: date | None = None
    method: str | None = None
    rows: tuple[tuple[str, Decimal], ...] = ()


@dataclass(frozen=True)
class OrderChange:
    """An order whose status, deliveries, invoice or payment changed in Specter."""

    order_no: str
    external_order_no: str | None
    delivery_status: str
    status_id: str
    paid: bool | None = None
    invoice_no: str | None = None
    deliveries: tuple[Delivery, ...] = ()
    deliveries_updated: bool = False

    @property
    def is_delivered(self) -> bool:
        return self.delivery_status == assumed.DELIVERED

    @property
    def is_partly_delivered(self) -> bool:
        return self.delivery_status == assumed.PARTLY_DELIVERED

    @property
    def is_cancelled(self) -> bool:
        return self.status_id == assumed.CANCELLED_STATUS_ID

    @property
    def tracking_numbers(self) -> tuple[str, ...]:
        """Every delivery's tracking numbers, in order, each once."""
        seen: dict[str, None] = {}
        for delivery in self.deliveries:
            seen.update(dict.fromkeys(delivery.tracking_numbers))
        return tuple(seen)


@dataclass(frozen=True)
class FeedPage(Generic[T]):
    """What one get of a change feed carried: the items and the feed's hints about more."""

    items: tuple[T, ...]
    response_max_limit: int | None
    more_to_fetch: bool | None  # orders only (moreInfoToFetch); None where the feed has none


def _quantity(text: str | None, what: str, action: str) -> Decimal:
    text = (text or "").strip()
    if text == assumed.NO_ITEMS_AVAILABLE:
        return Decimal(0)
    try:
        return parse_number(text)
    except ValueError:
        raise SpecterUnreadable(f"{what} {text!r} is not a number", action=action) from None


def _max_limit(root: ElementTree.Element, action: str) -> int | None:
    text = optional_text(root.findtext("responseMaxLimit"))
    if text is None:
        return None
    try:
        return int(text)
    except ValueError:
        raise SpecterUnreadable(f"responseMaxLimit {text!r} is no number", action=action) from None


def parse_stock_text(text: str, action: str) -> FeedPage[StockChange]:
    """The plain feed: CR-separated `specterId;articleNo;quantity;batchId` rows."""
    check_failure(text, action)
    items = []
    for line in text.replace("\r\n", "\r").replace("\n", "\r").split("\r"):
        if not line.strip():
            continue
        parts = line.split(";")
        if len(parts) < 3 or not parts[1].strip():
            raise SpecterUnreadable(f"unreadable stock row {line!r}", action=action)
        article_no = parts[1].strip()
        available = _quantity(parts[2], f"stock of {article_no!r}", action)
        items.append(StockChange(article_no, None, available))
    return FeedPage(tuple(items), None, None)


def parse_stock_xml(text: str, action: str) -> FeedPage[StockChange]:
    """The multi-stock-site feed: `<stockChanges><stock stockSiteId><articles><article>…`."""
    root = expect_root(parse_xml(text, action), "stockChanges", action)
    items = []
    for stock in root.iter("stock"):
        site = optional_text(stock.get("stockSiteId"))
        for article in stock.iter("article"):
            article_no = optional_text(article.findtext("articleNo"))
            if article_no is None:
                raise SpecterUnreadable("stock <article> without articleNo", action=action)
            available = _quantity(article.findtext("noItemsAv"), f"{article_no!r}", action)
            on_hand_text = optional_text(article.findtext("onHand"))
            on_hand = None
            if on_hand_text is not None:
                on_hand = _quantity(on_hand_text, f"onHand of {article_no!r}", action)
            items.append(StockChange(article_no, site, available, on_hand))
    return FeedPage(tuple(items), _max_limit(root, action), None)


def parse_variant_attributes(text: str | None) -> dict[str, str]:
    """`size=XS;color=Black` as a dict; an empty text is no attributes."""
    attributes: dict[str, str] = {}
    for pair in (text or "").split(";"):
        if not pair.strip():
            continue
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"variant attribute {pair!r} is not name=value")
        attributes[name.strip()] = value.strip()
    return attributes


def parse_articles_xml(text: str, action: str) -> FeedPage[ArticleChange]:
    root = expect_root(parse_xml(text, action), "articles", action)
    items = []
    for article in root.iter("article"):
        article_no = optional_text(article.findtext("articleNo"))
        if article_no is None:
            raise SpecterUnreadable("<article> without articleNo", action=action)
        try:
            variants = parse_variant_attributes(article.get("variantAttributes"))
        except ValueError as exc:
            raise SpecterUnreadable(f"article {article_no!r}: {exc}", action=action) from None
        items.append(
            ArticleChange(
                article_no=article_no,
                name=(article.findtext("name") or "").strip(),
                price_excl_vat=number_attribute(article, "priceExclVat", action),
                buy_price=number_attribute(article, "buyPrice", action),
                bar_code=(article.get("barCode") or "").strip(),
                weight=number_attribute(article, "productWeight", action),
                vat_percent=number_attribute(article, "vatPercent", action),
                parent_article_no=optional_text(article.get("parentArticleNo")),
                variant_attributes=variants,
            )
        )
    return FeedPage(tuple(items), _max_limit(root, action), None)


def _delivery(element: ElementTree.Element, action: str) -> Delivery:
    tracking = tuple(
        number.strip()
        for number in (element.get("trackingNo") or "").split(assumed.TRACKING_SEPARATOR)
        if number.strip()
    )
    rows = []
    for row in element.iter("row"):
        article_no = required_attribute(row, "articleNo", action)
        quantity = number_attribute(row, "noOfItems", action, required=True)
        assert quantity is not None
        rows.append((article_no, quantity))
    try:
        delivered_on = optional_date(element.get("deliveryDate"))
    except ValueError:
        raise SpecterUnreadable(
            f"deliveryDate {element.get('deliveryDate')!r} is not a date", action=action
        ) from None
    return Delivery(
        delivery_no=optional_text(element.get("deliveryNo")),
        tracking_numbers=tracking,
        date=delivered_on,
        method=optional_text(element.get("deliveryMethod")),
        rows=tuple(rows),
    )


def parse_orders_xml(text: str, action: str) -> FeedPage[OrderChange]:
    root = parse_xml(text, action)
    orders_node = expect_root(root, "orders", action)
    items = []
    for order in orders_node.iter("order"):
        status = order.find("orderstatus")
        deliveries_node = order.find("deliveries")
        deliveries: tuple[Delivery, ...] = ()
        if deliveries_node is not None:
            deliveries = tuple(_delivery(d, action) for d in deliveries_node.iter("delivery"))
        items.append(
            OrderChange(
                order_no=required_attribute(order, "orderNo", action),
                external_order_no=optional_text(order.get("externalOrderNo")),
                delivery_status=((status.get("deliveryStatus") if status is not None else "") or "")
                .strip()
                .upper(),
                status_id=((status.get("statusId") if status is not None else "") or "").strip(),
                paid=optional_flag(status.get("paid")) if status is not None else None,
                invoice_no=optional_text(order.get("invoiceNo")),
                deliveries=deliveries,
                deliveries_updated=deliveries_node is not None
                and (deliveries_node.get("updated") or "").strip() == "1",
            )
        )
    more = optional_text(root.findtext(".//moreInfoToFetch"))
    return FeedPage(tuple(items), _max_limit(root, action), more == "1")
