"""Price lists with quantity tiers: derived from the article price by a percentage, or set by
staff per article; read by the assumed reads and exported as Specter's UI export file."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from . import assumed
from .errors import ActionRefused
from .protocol import swedish_number

if TYPE_CHECKING:
    from .accounts import AccountSpec, PriceListSpec


class PriceLists:
    """Mixin of `AccountState`: `set_prices` rows replace an article's derived rows in a list.

    The first price list is the base list: its one-piece price is the article's own price, so
    setting it changes the article (an article data change).
    """

    spec: AccountSpec
    articles: dict[str, dict[str, Any]]
    changing: Callable[[], AbstractContextManager[None]]
    lock: Any
    _article_changed: Callable[[str], None]

    def _init_price_lists(self) -> None:
        # price list id -> articleNo -> [(fromQuantity, priceExclVat)], rising fromQuantity.
        self.explicit_prices: dict[str, dict[str, list[tuple[Decimal, Decimal]]]] = {
            price_list.price_list_id: {} for price_list in self.spec.price_lists
        }

    def price_list(self, price_list_id: str) -> PriceListSpec:
        for price_list in self.spec.price_lists:
            if price_list.price_list_id == price_list_id:
                return price_list
        raise ActionRefused(
            assumed.BAD_FIELD,
            assumed.bad_field("priceListId", f"unknown price list '{price_list_id}'"),
        )

    def prices(self, price_list_id: str) -> list[dict[str, Any]]:
        """Every price of a list: one row per article and quantity break."""
        price_list = self.price_list(price_list_id)
        rows = []
        with self.lock:
            for article_no, record in self.articles.items():
                for from_quantity, price in self._article_prices(price_list, record):
                    rows.append(
                        {
                            "priceListId": price_list_id,
                            "articleNo": article_no,
                            "name": record["name"],
                            "fromQuantity": from_quantity,
                            "priceExclVat": price,
                            "currency": price_list.currency,
                        }
                    )
        return rows

    def _article_prices(
        self, price_list: PriceListSpec, record: dict[str, Any]
    ) -> list[tuple[Decimal, Decimal]]:
        explicit = self.explicit_prices[price_list.price_list_id].get(record["articleNo"])
        if explicit is not None:
            return list(explicit)
        base = record["priceExclVAT"]
        tiers = [(Decimal(1), price_list.percent), *sorted(price_list.tiers)]
        return [(quantity, _percent_of(base, percent)) for quantity, percent in tiers]

    def set_prices(
        self, price_list_id: str, rows: Iterable[tuple[str, Decimal, Decimal]]
    ) -> list[dict[str, Any]]:
        """Staff set prices: rows of (articleNo, fromQuantity, priceExclVat); an article's rows
        sent replace all of its rows in the list. Returns the list's rows for those articles."""
        price_list = self.price_list(price_list_id)
        grouped: dict[str, dict[Decimal, Decimal]] = {}
        for article_no, from_quantity, price in rows:
            if from_quantity < 1:
                raise ActionRefused(
                    assumed.BAD_FIELD, assumed.bad_field("fromQuantity", "must be at least 1")
                )
            grouped.setdefault(article_no, {})[from_quantity] = price
        is_base = price_list_id == self.spec.price_lists[0].price_list_id
        with self.changing():
            for article_no in grouped:
                if article_no not in self.articles:
                    raise ActionRefused(
                        assumed.UNKNOWN_ARTICLE, assumed.unknown_article(article_no)
                    )
            for article_no, tiers in grouped.items():
                self.explicit_prices[price_list_id][article_no] = sorted(tiers.items())
                if is_base and Decimal(1) in tiers:
                    self.articles[article_no]["priceExclVAT"] = tiers[Decimal(1)]
                    self._article_changed(article_no)
            return [
                row
                for article_no in grouped
                for row in _rows(price_list, self.articles[article_no], self._article_prices)
            ]

    def export_price_list(self, price_list_id: str) -> bytes:
        """The list as Specter's UI exports it: Latin-1, `;`-separated, decimal comma."""
        lines = [";".join(assumed.EXPORT_HEADER)]
        for row in self.prices(price_list_id):
            lines.append(
                ";".join(
                    (
                        row["priceListId"],
                        row["articleNo"],
                        row["name"].replace(";", ","),
                        swedish_number(row["fromQuantity"]),
                        swedish_number(row["priceExclVat"], 2),
                        row["currency"],
                    )
                )
            )
        text = assumed.EXPORT_LINE_END.join(lines) + assumed.EXPORT_LINE_END
        return text.encode(assumed.EXPORT_ENCODING, errors="replace")


def _percent_of(price: Decimal, percent: Decimal) -> Decimal:
    return (price * percent / 100).quantize(assumed.PRICE_DECIMALS, rounding=ROUND_HALF_UP)


def _rows(
    price_list: PriceListSpec,
    record: dict[str, Any],
    prices: Callable[[PriceListSpec, dict[str, Any]], list[tuple[Decimal, Decimal]]],
) -> list[dict[str, Any]]:
    return [
        {
            "priceListId": price_list.price_list_id,
            "articleNo": record["articleNo"],
            "fromQuantity": quantity,
            "priceExclVat": price,
        }
        for quantity, price in prices(price_list, record)
    ]
