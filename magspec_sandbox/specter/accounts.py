"""How a sandboxed Specter account is specified: credentials, web shops, stock sites, price lists,
modules and the article register."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..luma import load_catalog
from . import assumed
from .errors import InvalidAccountSpec


@dataclass(frozen=True)
class WebshopSpec:
    """One of the account's web shops (multishop: `webshopId` on an order).

    `stock_site_id=None` means the account's default stock site.
    """

    webshop_id: str
    name: str
    stock_site_id: str | None = None
    price_list_id: str = assumed.BASE_PRICE_LIST[0]
    currency: str = assumed.DEFAULT_CURRENCY


@dataclass(frozen=True)
class StockSiteSpec:
    """A stock site (lager); the first one given is the default unless one says `is_default`."""

    stock_site_id: str
    name: str
    is_default: bool = False


@dataclass(frozen=True)
class PriceListSpec:
    """A price list: `percent` of the article price, with `tiers` of (fromQuantity, percent).

    Prices set explicitly later (staff, `set_prices`) replace an article's derived rows.
    """

    price_list_id: str
    name: str
    percent: Decimal = Decimal(100)
    tiers: Sequence[tuple[Decimal, Decimal]] = ()
    customer_group_ids: Sequence[str] = ()
    currency: str = assumed.DEFAULT_CURRENCY


@dataclass(frozen=True)
class ModuleSpec:
    """An account module (Order/Faktura, Webshopkoppling, …) and whether the account has it."""

    code: str
    name: str
    active: bool = True


def default_stock_sites() -> tuple[StockSiteSpec, ...]:
    site_id, name = assumed.DEFAULT_STOCK_SITE
    return (StockSiteSpec(site_id, name, is_default=True),)


def default_price_lists() -> tuple[PriceListSpec, ...]:
    base_id, base_name = assumed.BASE_PRICE_LIST
    retail_id, retail_name = assumed.RETAILER_PRICE_LIST
    return (
        PriceListSpec(base_id, base_name),
        PriceListSpec(
            retail_id,
            retail_name,
            percent=assumed.RETAILER_PERCENT,
            tiers=(assumed.RETAILER_TIER,),
            customer_group_ids=assumed.RETAILER_CUSTOMER_GROUPS,
        ),
    )


def default_modules() -> tuple[ModuleSpec, ...]:
    return tuple(ModuleSpec(code, name, active) for code, name, active in assumed.DEFAULT_MODULES)


@dataclass(frozen=True)
class AccountSpec:
    """A Specter account (one tenant's "SBM") as the sandbox serves it.

    `articles=None` seeds the register from the Luma catalog, every sellable SKU an article
    (variants as separate articles with `parentArticleNo`), minus `missing_articles`;
    `extra_articles` are added either way as `(articleNo, name, vatPercent)`, the pseudo articles
    for freight and discount rows. Given explicitly, `articles` are mappings with `articleNo`,
    `name`, `priceExclVAT`, `vatPercent` and optionally `stock` (on hand at the default site,
    else `assumed.DEFAULT_STOCK`), `stockBySite` ({siteId: on hand}), `buyPrice`, `barCode`,
    `productWeight`, `parentArticleNo`, `variantAttributes`.
    """

    sbm_id: str
    api_user_id: str | None = None
    api_user_key: str | None = None
    integration_key: str | None = None
    md5_key1: str | None = None
    md5_key2: str | None = None
    webshops: Sequence[WebshopSpec] = (WebshopSpec(webshop_id="1", name="Webbutik"),)
    articles: Sequence[Mapping[str, Any]] | None = None
    missing_articles: Iterable[str] = ()
    extra_articles: Sequence[tuple[str, str, int]] = field(
        default=(
            ("FRAKT", "Frakt", 25),
            ("RABATT", "Rabatt", 25),
            ("PRESENTKORT", "Presentkort", 0),
            ("TILLGODO", "Tillgodo", 0),
            ("BONUS", "Bonuspoäng", 0),
            ("INSLAGNING", "Presentinslagning", 25),
            ("AVGIFT", "Betalningsavgift", 25),
        )
    )
    stock_sites: Sequence[StockSiteSpec] = field(default_factory=default_stock_sites)
    price_lists: Sequence[PriceListSpec] = field(default_factory=default_price_lists)
    modules: Sequence[ModuleSpec] = field(default_factory=default_modules)
    assumed_reads: bool = True
    response_max_limit: int = 100
    initial_changes: bool = True
    callback_first_wait_seconds: float = assumed.CALLBACK_FIRST_WAIT_SECONDS

    def __post_init__(self) -> None:
        if not self.has_v2_keys and not self.has_v1_keys:
            raise InvalidAccountSpec(
                f"account {self.sbm_id}: give api_user_key and integration_key (API v2) "
                "or md5_key1 and md5_key2 (API v1)"
            )
        _unique(self.sbm_id, "webshop", [shop.webshop_id for shop in self.webshops])
        sites = [site.stock_site_id for site in self.stock_sites]
        _unique(self.sbm_id, "stock site", sites)
        if not sites:
            raise InvalidAccountSpec(f"account {self.sbm_id}: at least one stock site")
        lists = [price_list.price_list_id for price_list in self.price_lists]
        _unique(self.sbm_id, "price list", lists)
        for shop in self.webshops:
            if shop.stock_site_id is not None and shop.stock_site_id not in sites:
                raise InvalidAccountSpec(
                    f"account {self.sbm_id}: webshop {shop.webshop_id} names unknown stock site "
                    f"{shop.stock_site_id!r}"
                )
            if lists and shop.price_list_id not in lists:
                raise InvalidAccountSpec(
                    f"account {self.sbm_id}: webshop {shop.webshop_id} names unknown price list "
                    f"{shop.price_list_id!r}"
                )
        if self.response_max_limit < 1:
            raise InvalidAccountSpec(f"account {self.sbm_id}: response_max_limit must be >= 1")

    @property
    def has_v2_keys(self) -> bool:
        return bool(self.api_user_key and self.integration_key)

    @property
    def has_v1_keys(self) -> bool:
        return bool(self.md5_key1 and self.md5_key2)

    @property
    def default_stock_site(self) -> str:
        for site in self.stock_sites:
            if site.is_default:
                return site.stock_site_id
        return self.stock_sites[0].stock_site_id

    def key_pairs(self) -> list[tuple[str, str]]:
        """(outer, inner) secrets of every key version the account accepts."""
        pairs = []
        if self.has_v2_keys:
            pairs.append((str(self.integration_key), str(self.api_user_key)))
        if self.has_v1_keys:
            pairs.append((str(self.md5_key2), str(self.md5_key1)))
        return pairs


def _unique(sbm_id: str, what: str, ids: list[str]) -> None:
    if len(set(ids)) != len(ids):
        raise InvalidAccountSpec(f"account {sbm_id}: duplicate {what} ids {ids}")


def article(
    article_no: str,
    name: str,
    price_excl_vat: Decimal,
    vat_percent: Decimal,
    stock: Decimal | None,
    **more: Any,
) -> dict[str, Any]:
    """One article of the register, in the shape `AccountState.articles` holds.

    `stock` is None for an article that keeps no stock; otherwise `AccountState` keeps it as the
    quantity available on the default stock site (stock per site lives in `AccountState.stock`).
    """
    record: dict[str, Any] = {
        "articleNo": article_no,
        "name": name,
        "priceExclVAT": price_excl_vat,
        "vatPercent": vat_percent,
        "buyPrice": Decimal(0),
        "stockPrice": None,
        "barCode": "",
        "productWeight": Decimal(0),
        "productVolume": None,
        "supplierNo": "",
        "supplierName": "",
        "supplierBuyPrice": None,
        "supplierArticleNo": "",
        "manufacturingCountryCode": "",
        "parentArticleNo": "",
        "variantAttributes": "",
        "stock": stock,
    }
    record.update(more)
    return record


NUMBER_FIELDS = ("buyPrice", "productWeight")
TEXT_FIELDS = ("barCode", "parentArticleNo", "variantAttributes")


def seed_articles(
    spec: AccountSpec,
) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Decimal]]]:
    """The account's article register at start, keyed on articleNo, and on hand per site."""
    register: dict[str, dict[str, Any]] = {}
    on_hand: dict[str, dict[str, Decimal]] = {}
    default_site = spec.default_stock_site
    if spec.articles is None:
        for product in load_catalog().sellable:
            register[product.sku] = article(
                product.sku,
                product.name,
                product.price,
                assumed.DEFAULT_VAT_PERCENT,
                Decimal(product.qty),
                buyPrice=(product.price * assumed.SEED_BUY_PRICE_PERCENT / 100).quantize(
                    assumed.PRICE_DECIMALS
                ),
                productWeight=product.weight,
                parentArticleNo=product.parent_sku or "",
                variantAttributes=";".join(f"{k}={v}" for k, v in product.options.items()),
            )
            on_hand[product.sku] = {default_site: Decimal(product.qty)}
    else:
        for given in spec.articles:
            article_no = str(given["articleNo"])
            stock = given.get("stock")
            more = {name: Decimal(str(given[name])) for name in NUMBER_FIELDS if name in given}
            more.update({name: str(given[name]) for name in TEXT_FIELDS if name in given})
            register[article_no] = article(
                article_no,
                str(given["name"]),
                Decimal(str(given["priceExclVAT"])),
                Decimal(str(given["vatPercent"])),
                assumed.DEFAULT_STOCK if stock is None else Decimal(str(stock)),
                **more,
            )
            sites = {default_site: register[article_no]["stock"]}
            for site_id, quantity in dict(given.get("stockBySite") or {}).items():
                sites[str(site_id)] = Decimal(str(quantity))
            on_hand[article_no] = sites
    for missing in spec.missing_articles:
        register.pop(missing, None)
        on_hand.pop(missing, None)
    for article_no, name, vat_percent in spec.extra_articles:
        # Pseudo articles keep no stock (see assumed.py).
        register[article_no] = article(article_no, name, Decimal(0), Decimal(vat_percent), None)
        on_hand.pop(article_no, None)
    return register, on_hand
