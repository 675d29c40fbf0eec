"""System-neutral prices, price-list prices and stock levels.

Money is `Decimal` excluding VAT unless a field says otherwise; quantities are `Decimal` because
Specter counts in fractions for articles sold by weight or length.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class PriceListPrice:
    """One row of a Specter price list: the price of an article from a quantity on.

    Several rows of one article with rising `from_quantity` are its quantity breaks.
    """

    price_list_id: str
    article_no: str
    from_quantity: Decimal
    price_excl_vat: Decimal
    currency: str | None = None


@dataclass(frozen=True)
class Price:
    """A price as a shop shows it: `amount` includes VAT when `includes_vat` is set."""

    article_no: str
    amount: Decimal
    currency: str
    includes_vat: bool = False


@dataclass(frozen=True)
class StockLevel:
    """Physical on-hand stock of an article at a Specter stock site (None: the default site).

    `from_on_hand` says whether the figure is Specter's on-hand count or, where the feed did not
    carry one, its available figure (on hand minus reservations)."""

    article_no: str
    stock_site_id: str | None
    quantity: Decimal
    from_on_hand: bool = True

    @property
    def in_stock(self) -> bool:
        return self.quantity > 0
