"""Specter stock changes → stock levels → Magento source items, per shop.

Magento subtracts open orders itself (reservations), so what travels is the physical on-hand
figure; sending "available" would count open orders twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from magspec_pipelines.domain.pricing import StockLevel
from magspec_pipelines.magento.models import DEFAULT_SOURCE, SourceItem
from magspec_pipelines.mapping.prices import fingerprint
from magspec_pipelines.specter.changes import StockChange
from magspec_pipelines.tenancy import Shop


def level_from_change(change: StockChange) -> StockLevel:
    """On hand when the feed carries it, else the available figure (see the README)."""
    if change.on_hand is not None:
        return StockLevel(change.article_no, change.stock_site_id, change.on_hand, True)
    return StockLevel(change.article_no, change.stock_site_id, change.available, False)


def site_of(stock_site_id: str | None, default_site: str) -> str:
    """The stock site a change or a shop means; None is the default site."""
    return stock_site_id or default_site


def shops_for_site(
    stock_site_id: str | None, shops: Iterable[Shop], default_site: str
) -> list[Shop]:
    site = site_of(stock_site_id, default_site)
    return [s for s in shops if site_of(s.stock_site_id, default_site) == site]


def source_code(shop: Shop) -> str:
    """The MSI source a shop's stock goes to; without one, the legacy stock item (`default`)."""
    return shop.stock_source or DEFAULT_SOURCE


def source_item(level: StockLevel, source: str, in_stock_above: Decimal) -> SourceItem:
    # Specter lets stock go below zero; Magento would show a negative count to nobody's benefit.
    quantity = max(level.quantity, Decimal(0))
    return SourceItem(
        sku=level.article_no,
        source_code=source,
        quantity=quantity,
        in_stock=level.quantity > in_stock_above,
    )


def stock_fingerprint(item: SourceItem) -> str:
    return fingerprint([str(Decimal(str(item.quantity)).normalize()), item.in_stock])
