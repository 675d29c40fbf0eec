"""Stock per stock site: on hand, reserved by open orders, and the stock change queue."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from . import assumed
from .errors import ActionRefused

if TYPE_CHECKING:
    from .accounts import AccountSpec
    from .callbacks import CallbackDispatcher
    from .queues import ChangeQueue


class StockRegister:
    """Mixin of `AccountState`: `stock[articleNo][stockSiteId] = {"onHand", "reserved"}`.

    Articles that keep no stock (freight, discount) have no entry. `articles[no]["stock"]` is
    kept as the quantity available on the default site, the one figure a single-site shop sees.
    """

    spec: AccountSpec
    articles: dict[str, dict[str, Any]]
    stock: dict[str, dict[str, dict[str, Decimal]]]
    stock_queue: ChangeQueue
    callbacks: CallbackDispatcher
    changing: Callable[[], AbstractContextManager[None]]
    _fire: Callable[..., None]

    def _init_stock(self, on_hand: dict[str, dict[str, Decimal]]) -> None:
        self.stock = {}
        for article_no, sites in on_hand.items():
            self._create_stock(article_no, Decimal(0))
            for site_id, quantity in sites.items():
                if site_id in self.stock[article_no]:
                    self.stock[article_no][site_id]["onHand"] = quantity
            self._refresh_article_stock(article_no)

    def stock_site_ids(self) -> list[str]:
        return [site.stock_site_id for site in self.spec.stock_sites]

    def available(self, article_no: str, stock_site_id: str | None = None) -> Decimal | None:
        """On hand minus reserved on a site (default site when None); None if no stock kept."""
        sites = self.stock.get(article_no)
        if sites is None:
            return None
        level = sites[stock_site_id or self.spec.default_stock_site]
        return level["onHand"] - level["reserved"]

    # -- staff: change stock ---------------------------------------------------------------
    def set_stock(
        self, article_no: str, on_hand: Decimal, stock_site_id: str | None = None
    ) -> dict[str, Any]:
        """Staff count or receive stock: set on hand at a site; returns the site's level."""
        site = stock_site_id or self.spec.default_stock_site
        with self.changing():
            if article_no not in self.articles:
                raise ActionRefused(assumed.UNKNOWN_ARTICLE, assumed.unknown_article(article_no))
            if site not in self.stock_site_ids():
                raise ActionRefused(
                    assumed.BAD_FIELD,
                    assumed.bad_field("stockSiteId", f"unknown stock site '{site}'"),
                )
            if article_no not in self.stock:
                self._create_stock(article_no, Decimal(0))
            self.stock[article_no][site]["onHand"] = on_hand
            self._stock_changed(article_no, site)
            return self.stock_level(article_no, site)

    def stock_level(self, article_no: str, stock_site_id: str) -> dict[str, Any]:
        level = self.stock[article_no][stock_site_id]
        return {
            "articleNo": article_no,
            "stockSiteId": stock_site_id,
            "onHand": level["onHand"],
            "reserved": level["reserved"],
            "available": level["onHand"] - level["reserved"],
        }

    def stock_levels(self) -> Iterator[dict[str, Any]]:
        for article_no, sites in self.stock.items():
            for site_id in sites:
                yield self.stock_level(article_no, site_id)

    def resync_stock(self) -> None:
        """`clearArticleBatch&clearSelf=1`: drop the open stock batch, queue all stock again."""
        with self.changing():
            self.stock_queue.drop_open()
            self._queue_all_stock()

    # -- what orders and deliveries do to stock --------------------------------------------
    def _create_stock(self, article_no: str, on_hand: Decimal) -> None:
        default = self.spec.default_stock_site
        self.stock[article_no] = {
            site: {"onHand": on_hand if site == default else Decimal(0), "reserved": Decimal(0)}
            for site in self.stock_site_ids()
        }
        self._refresh_article_stock(article_no)

    def _reserve(self, article_no: str, site: str, quantity: Decimal) -> None:
        if article_no in self.stock:
            self.stock[article_no][site]["reserved"] += quantity
            self._stock_changed(article_no, site)

    def _release(self, article_no: str, site: str, quantity: Decimal) -> None:
        if article_no in self.stock and quantity:
            self.stock[article_no][site]["reserved"] -= quantity
            self._stock_changed(article_no, site)

    def _ship(self, article_no: str, site: str, quantity: Decimal) -> None:
        if article_no in self.stock:
            level = self.stock[article_no][site]
            level["onHand"] -= quantity
            level["reserved"] -= quantity
            self._stock_changed(article_no, site)

    def _stock_changed(self, article_no: str, site: str) -> None:
        self._refresh_article_stock(article_no)
        self.stock_queue.mark((site, article_no))
        self._fire("actionStockChange", articleNo=article_no)

    def _refresh_article_stock(self, article_no: str) -> None:
        if article_no in self.articles:
            self.articles[article_no]["stock"] = self.available(article_no)

    def _queue_all_stock(self) -> None:
        for article_no, sites in self.stock.items():
            for site in sites:
                self.stock_queue.mark((site, article_no))

    def stock_snapshot(self, key: Any) -> dict[str, Any]:
        """One stock change as a batch carries it: the level on its site when fetched."""
        site, article_no = key
        level = self.stock.get(article_no, {}).get(site, {"onHand": 0, "reserved": 0})
        record = self.articles.get(article_no, {})
        return {
            "stockSiteId": site,
            "articleNo": article_no,
            "specterId": record.get("specterId", ""),
            "onHand": Decimal(level["onHand"]),
            "available": Decimal(level["onHand"]) - Decimal(level["reserved"]),
        }
