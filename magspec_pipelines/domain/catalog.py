"""System-neutral catalog models: articles (Specter's flat register) and the variant groups that
become Magento configurable products."""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class Article(_Model):
    """One sellable item, keyed on its article number (= the Magento SKU).

    `parent_article_no` and `variant_attributes` are what a system says about the variant
    structure itself (Magento always, Specter only with variant handling).
    """

    article_no: str
    name: str
    price_excl_vat: Decimal | None = None
    vat_percent: Decimal | None = None
    ean: str = ""
    weight: Decimal | None = None
    parent_article_no: str | None = None
    variant_attributes: dict[str, str] = Field(default_factory=dict)


class Variant(_Model):
    """A member of a variant group: the article and its option label per attribute code."""

    article: Article
    options: dict[str, str]


class VariantGroup(_Model):
    """Articles sold as one configurable product: its SKU, name, axes and variants."""

    parent_sku: str
    name: str
    axes: tuple[str, ...]
    variants: tuple[Variant, ...]

    @property
    def child_skus(self) -> tuple[str, ...]:
        return tuple(v.article.article_no for v in self.variants)


class ParkedArticle(_Model):
    """An article that cannot be grouped, mapped or sent, with the reason and what fixes it."""

    key: str
    reason: str
    fix: str


class CatalogPlan(_Model):
    """What the catalog should look like: configurables with their variants, plain articles, and
    what could not be placed."""

    groups: tuple[VariantGroup, ...] = ()
    simples: tuple[Article, ...] = ()
    parked: tuple[ParkedArticle, ...] = ()
