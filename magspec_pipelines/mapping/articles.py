"""Translations between Specter articles, Magento products and the domain `Article`.

Pure functions: the engines in `flows/catalog_*.py` read and write, these only translate.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from magspec_pipelines.domain.catalog import Article, ParkedArticle, VariantGroup
from magspec_pipelines.domain.fingerprints import canonical_digest
from magspec_pipelines.magento.models import custom_attribute
from magspec_pipelines.specter.articles import check_article_no
from magspec_pipelines.specter.changes import ArticleChange
from magspec_pipelines.specter.codec import latin1
from magspec_pipelines.specter.models import SpecterArticle
from magspec_pipelines.tenancy.catalog import CatalogSettings

VISIBILITY_NOT_VISIBLE = 1
VISIBILITY_CATALOG_SEARCH = 4
STATUS_ENABLED = 1
_CENT = Decimal("0.001")


def digest(value: Any) -> str:
    """The stored fingerprint of what was written (`canonical_digest`)."""
    return canonical_digest(value)


# -- Specter → domain ---------------------------------------------------------------------------


def article_from_change(change: ArticleChange) -> Article:
    return Article(
        article_no=change.article_no,
        name=change.name,
        price_excl_vat=change.price_excl_vat,
        vat_percent=change.vat_percent,
        ean=change.bar_code,
        weight=change.weight,
        parent_article_no=change.parent_article_no,
        variant_attributes=dict(change.variant_attributes),
    )


def article_to_json(article: Article) -> dict[str, Any]:
    return json.loads(article.model_dump_json())


def article_from_json(data: Mapping[str, Any]) -> Article:
    return Article.model_validate(data)


# -- domain → Magento ---------------------------------------------------------------------------


@dataclass(frozen=True)
class WantedProduct:
    """A product as the catalog flow wants it in Magento. `options` are labels per attribute
    code (children); `children` are child SKUs (configurables). `price` is sent on create only:
    prices belong to the price flow afterwards."""

    sku: str
    type_id: str
    name: str
    visibility: int
    weight: Decimal | None = None
    price: Decimal | None = None
    options: dict[str, str] = field(default_factory=dict)
    children: tuple[str, ...] = ()
    axes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProductUnit:
    """What is written together: a configurable with its children, or one simple product."""

    key: str
    products: tuple[WantedProduct, ...]
    group: VariantGroup | None = None

    @property
    def skus(self) -> tuple[str, ...]:
        return tuple(p.sku for p in self.products)

    def fingerprint(self, extra: Any = None) -> str:
        return digest([[asdict(p) for p in self.products], extra])


def shop_price(article: Article, prices_include_tax: bool) -> Decimal | None:
    if article.price_excl_vat is None:
        return None
    if not prices_include_tax:
        return article.price_excl_vat
    vat = article.vat_percent or Decimal(0)
    return (article.price_excl_vat * (1 + vat / 100)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def unit_for_group(group: VariantGroup, prices_include_tax: bool) -> ProductUnit:
    children = tuple(
        WantedProduct(
            sku=v.article.article_no,
            type_id="simple",
            name=v.article.name,
            visibility=VISIBILITY_NOT_VISIBLE,
            weight=v.article.weight,
            price=shop_price(v.article, prices_include_tax),
            options=dict(v.options),
        )
        for v in group.variants
    )
    parent = WantedProduct(
        sku=group.parent_sku,
        type_id="configurable",
        name=group.name,
        visibility=VISIBILITY_CATALOG_SEARCH,
        children=group.child_skus,
        axes=group.axes,
    )
    return ProductUnit(key=f"group:{group.parent_sku}", products=(parent, *children), group=group)


def unit_for_simple(article: Article, prices_include_tax: bool) -> ProductUnit:
    product = WantedProduct(
        sku=article.article_no,
        type_id="simple",
        name=article.name,
        visibility=VISIBILITY_CATALOG_SEARCH,
        weight=article.weight,
        price=shop_price(article, prices_include_tax),
    )
    return ProductUnit(key=f"simple:{article.article_no}", products=(product,))


def product_payload(
    wanted: WantedProduct, *, create: bool, attribute_set_id: int, website_ids: list[int]
) -> dict[str, Any]:
    """The fields magspec owns; on create also what Magento needs to create a product."""
    payload: dict[str, Any] = {"sku": wanted.sku, "name": wanted.name, "type_id": wanted.type_id}
    if wanted.type_id == "simple" and wanted.weight is not None:
        payload["weight"] = float(wanted.weight)
    if create or wanted.visibility == VISIBILITY_NOT_VISIBLE:
        payload["visibility"] = wanted.visibility
    if create:
        payload["attribute_set_id"] = attribute_set_id
        payload["status"] = STATUS_ENABLED
        payload["extension_attributes"] = {"website_ids": sorted(website_ids)}
        if wanted.type_id == "simple":
            payload["price"] = float(wanted.price if wanted.price is not None else 0)
    return payload


def product_drift(
    wanted: WantedProduct,
    actual: Mapping[str, Any],
    *,
    labels: Mapping[str, Mapping[str, str]],
    child_ids: Mapping[str, int],
    website_ids: list[int],
) -> list[str]:
    """What differs between the wanted product and Magento's (empty: nothing to write).

    `labels` maps attribute code → option id → label; `child_ids` SKU → entity id.
    """
    drift: list[str] = []
    if str(actual.get("type_id")) != wanted.type_id:
        drift.append(f"type {actual.get('type_id')} ≠ {wanted.type_id}")
    if (actual.get("name") or "") != wanted.name:
        drift.append(f"name {actual.get('name')!r} ≠ {wanted.name!r}")
    if wanted.type_id == "simple" and wanted.weight is not None:
        have = _decimal(actual.get("weight"))
        if have is None or have.quantize(_CENT) != wanted.weight.quantize(_CENT):
            drift.append(f"weight {actual.get('weight')} ≠ {wanted.weight}")
    if wanted.visibility == VISIBILITY_NOT_VISIBLE and actual.get("visibility") != 1:
        drift.append(f"visibility {actual.get('visibility')} ≠ 1")
    ext = actual.get("extension_attributes") or {}
    missing_sites = sorted(set(website_ids) - {int(w) for w in ext.get("website_ids") or []})
    if missing_sites:
        drift.append(f"not on website(s) {missing_sites}")
    for code, label in wanted.options.items():
        value = custom_attribute(actual, code)
        have = labels.get(code, {}).get(str(value)) if value not in (None, "") else None
        if (have or "").strip().lower() != label.strip().lower():
            drift.append(f"{code} {have!r} ≠ {label!r}")
    if wanted.type_id == "configurable":
        linked = {int(i) for i in ext.get("configurable_product_links") or []}
        unlinked = [s for s in wanted.children if child_ids.get(s) not in linked]
        if unlinked:
            drift.append(f"children not linked: {', '.join(unlinked[:5])}")
    return drift


def _decimal(value: Any) -> Decimal | None:
    try:
        return None if value in (None, "") else Decimal(str(value))
    except ArithmeticError:
        return None


# -- Magento → domain → Specter -----------------------------------------------------------------


@dataclass(frozen=True)
class ArticleNumber:
    article_no: str
    mapped: bool


def article_number(
    sku: str, settings: CatalogSettings, tenant_file: str
) -> ArticleNumber | ParkedArticle:
    """The Specter article number of a SKU by the tenant's rules, or parked: never changed
    silently."""
    article_no = settings.article_numbers.article_no(sku)
    problem = check_article_no(article_no)
    if problem is None:
        return ArticleNumber(article_no, mapped=article_no != sku)
    shown = "" if article_no == sku else f" (mapped to {article_no!r})"
    return ParkedArticle(
        key=sku,
        reason=f"SKU {sku!r}{shown} breaks Specter's article-number rules: it {problem}",
        fix=f"{tenant_file}: catalog.article_numbers.mapping.{sku} "
        "(or catalog.article_numbers.replacements), or change the SKU in Magento",
    )


def article_number_collisions(numbers: Mapping[str, str], tenant_file: str) -> list[ParkedArticle]:
    """Every SKU whose article number (SKU → number in `numbers`) is also another SKU's, parked
    with the others named: neither wins silently. Numbers are compared case-insensitively, as
    Specter does (an assumption, README: products)."""
    by_number: dict[str, list[str]] = {}
    for sku, number in sorted(numbers.items()):
        by_number.setdefault(article_no_key(number), []).append(sku)
    parked: list[ParkedArticle] = []
    for skus in by_number.values():
        if len(skus) < 2:
            continue
        for sku in skus:
            others = ", ".join(f"{o!r} (→ {numbers[o]!r})" for o in skus if o != sku)
            by_case = len({numbers[o] for o in skus}) > 1
            parked.append(
                ParkedArticle(
                    key=sku,
                    reason=f"SKU {sku!r} becomes article number {numbers[sku]!r}, which "
                    f"collides with SKU {others}"
                    + (" (Specter compares article numbers ignoring case)" if by_case else "")
                    + ": none of them is sent until each has its own number",
                    fix=f"{tenant_file}: catalog.article_numbers.mapping.{sku} (a number of "
                    "its own for one of them), or change one SKU in Magento",
                )
            )
    return parked


def article_no_key(article_no: str) -> str:
    """What Specter tells article numbers apart by (an assumption, README: products)."""
    return article_no.casefold()


def article_from_product(
    product: Mapping[str, Any],
    article_no: str,
    settings: CatalogSettings,
    *,
    prices_include_tax: bool,
    tenant_file: str,
    parent_article_no: str | None = None,
    options: Mapping[str, str] | None = None,
) -> Article | ParkedArticle:
    sku = str(product.get("sku"))
    tax_class = custom_attribute(product, "tax_class_id")
    tax_class = "0" if tax_class in (None, "") else str(tax_class)
    vat = settings.vat_by_tax_class.get(tax_class)
    if vat is None:
        return ParkedArticle(
            key=sku,
            reason=f"product {sku!r} has tax class {tax_class}, which has no VAT percent",
            fix=f"{tenant_file}: catalog.vat_by_tax_class.{tax_class}",
        )
    price = _decimal(product.get("price"))
    if price is not None and prices_include_tax:
        price = price / (1 + vat / 100)
    if price is not None:
        price = price.quantize(_CENT, ROUND_HALF_UP)
    ean = ""
    if settings.ean_attribute:
        ean = str(custom_attribute(product, settings.ean_attribute) or "").strip()
    return Article(
        article_no=article_no,
        name=str(product.get("name") or "").strip(),
        price_excl_vat=price,
        vat_percent=vat,
        ean=ean,
        weight=_decimal(product.get("weight")),
        parent_article_no=parent_article_no,
        variant_attributes=dict(options or {}),
    )


def specter_article(article: Article) -> SpecterArticle:
    return SpecterArticle(
        articleNo=article.article_no,
        name=article.name,
        priceExclVAT=article.price_excl_vat,
        vatPercent=None if article.vat_percent is None else int(article.vat_percent),
        barCode=article.ean,
        productWeight=article.weight,
        parentArticleNo=article.parent_article_no or "",
        variantAttributes=dict(article.variant_attributes),
    )


def as_specter_holds(article: Article) -> Article:
    """`article` as Specter can hold it: its text in Latin-1, transliterated the way the client
    sends it (Specter's protocol is Latin-1)."""
    return article.model_copy(
        update={
            "name": latin1(article.name),
            "ean": latin1(article.ean),
            "variant_attributes": {
                latin1(k): latin1(v) for k, v in article.variant_attributes.items()
            },
        }
    )


def article_differences(wanted: Article, have: Article) -> list[str]:
    """Fields of `wanted` that Specter's copy (`have`) lacks; the flow's own fields only.

    Compared on what Specter can hold: a name Latin-1 cannot carry arrives transliterated, and
    comparing the original would report it as changed on every compare."""
    wanted = as_specter_holds(wanted)
    out: list[str] = []
    if wanted.name != have.name:
        out.append("name")
    for name in ("price_excl_vat", "vat_percent", "weight"):
        mine, theirs = getattr(wanted, name), getattr(have, name)
        if mine is not None and (theirs is None or mine.quantize(_CENT) != theirs.quantize(_CENT)):
            out.append(name)
    if wanted.ean and wanted.ean != have.ean:
        out.append("ean")
    if (wanted.parent_article_no or "") != (have.parent_article_no or "") and (
        wanted.parent_article_no
    ):
        out.append("parent")
    if wanted.variant_attributes and wanted.variant_attributes != have.variant_attributes:
        out.append("variant attributes")
    return out
