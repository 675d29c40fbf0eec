"""How a sandboxed Specter account is specified: credentials, web shops, the article register."""

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
    """One of the account's web shops (multishop: `webshopId` on an order)."""

    webshop_id: str
    name: str


@dataclass(frozen=True)
class AccountSpec:
    """A Specter account (one tenant's "SBM") as the sandbox serves it.

    `articles=None` seeds the register from the Luma catalog, every sellable SKU an article
    (variants as separate articles), minus `missing_articles`; `extra_articles` are added either
    way as `(articleNo, name, vatPercent)`, the pseudo articles for freight and discount rows.
    Given explicitly, `articles` are mappings with `articleNo`, `name`, `priceExclVAT`,
    `vatPercent` and optionally `stock` (else `assumed.DEFAULT_STOCK`).
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
        default=(("FRAKT", "Frakt", 25), ("RABATT", "Rabatt", 25))
    )

    def __post_init__(self) -> None:
        if not self.has_v2_keys and not self.has_v1_keys:
            raise InvalidAccountSpec(
                f"account {self.sbm_id}: give api_user_key and integration_key (API v2) "
                "or md5_key1 and md5_key2 (API v1)"
            )
        ids = [shop.webshop_id for shop in self.webshops]
        if len(set(ids)) != len(ids):
            raise InvalidAccountSpec(f"account {self.sbm_id}: duplicate webshop ids {ids}")

    @property
    def has_v2_keys(self) -> bool:
        return bool(self.api_user_key and self.integration_key)

    @property
    def has_v1_keys(self) -> bool:
        return bool(self.md5_key1 and self.md5_key2)

    def key_pairs(self) -> list[tuple[str, str]]:
        """(outer, inner) secrets of every key version the account accepts."""
        pairs = []
        if self.has_v2_keys:
            pairs.append((str(self.integration_key), str(self.api_user_key)))
        if self.has_v1_keys:
            pairs.append((str(self.md5_key2), str(self.md5_key1)))
        return pairs


def article(
    article_no: str, name: str, price_excl_vat: Decimal, vat_percent: Decimal, stock: Decimal | None
) -> dict[str, Any]:
    """One article of the register, in the shape `AccountState.articles` holds."""
    return {
        "articleNo": article_no,
        "name": name,
        "priceExclVAT": price_excl_vat,
        "vatPercent": vat_percent,
        "stock": stock,
    }


def seed_articles(spec: AccountSpec) -> dict[str, dict[str, Any]]:
    """The account's article register at start, keyed on articleNo."""
    register: dict[str, dict[str, Any]] = {}
    if spec.articles is None:
        for product in load_catalog().sellable:
            register[product.sku] = article(
                product.sku,
                product.name,
                product.price,
                assumed.DEFAULT_VAT_PERCENT,
                Decimal(product.qty),
            )
    else:
        for given in spec.articles:
            stock = given.get("stock")
            register[str(given["articleNo"])] = article(
                str(given["articleNo"]),
                str(given["name"]),
                Decimal(str(given["priceExclVAT"])),
                Decimal(str(given["vatPercent"])),
                assumed.DEFAULT_STOCK if stock is None else Decimal(str(stock)),
            )
    for missing in spec.missing_articles:
        register.pop(missing, None)
    for article_no, name, vat_percent in spec.extra_articles:
        # Pseudo articles keep no stock (see assumed.py).
        register[article_no] = article(article_no, name, Decimal(0), Decimal(vat_percent), None)
    return register
