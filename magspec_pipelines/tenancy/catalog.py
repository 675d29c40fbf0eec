"""Tenant settings: how Specter articles and Magento products map (variant grouping, article-number rules, initial sync)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from magspec_pipelines.tenancy.validators import CODE, FieldProblems, Path, fail

# A file next to the tenant's YAML: no folders, so a tenant cannot read another's files.
TRANSLATION_FILE = re.compile(r"[A-Za-z0-9_.-]+\.csv")


def specter_languages() -> tuple[str, ...]:
    # Imported here: tenancy.models imports this module to build `Tenant`.
    from magspec_pipelines.tenancy.models import SPECTER_LANGUAGES

    return SPECTER_LANGUAGES


# Luma's article numbers: `MH01-XS-Black` is variant XS / Black of configurable MH01.
LUMA_PATTERN = r"^(?P<parent>[A-Z0-9]+)-(?P<size>[^-]+)-(?P<color>.+)$"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class VariantGrouping(_Model):
    """How Specter's flat articles group into Magento configurable products (`erp` tenants).

    - `article_number`: `pattern` is a regex with a named group `parent` (the configurable's
      SKU); every other named group is a Magento attribute code whose value is the variant's
      option label (`size`, `color`).
    - `name`: the name form `<product> - <Group> : <Value>` (several `- <Group> : <Value>` parts
      allowed); the product part is the parent's name and its SKU is `parent_prefix` + the
      shared article-number stem; groups map to attribute codes through `attributes`.
    - `mapping_file`: a CSV in the tenant folder (`file`), columns `article_no`, `parent`,
      optional `parent_name`, and one column per attribute code.
    - `parent_field`: Specter's own `parentArticleNo` / `variantAttributes` (accounts that have
      variant handling).
    """

    by: Literal["article_number", "name", "mapping_file", "parent_field"] = "article_number"
    pattern: str = LUMA_PATTERN
    file: str | None = None
    # Specter's variant group names (as in names or variantAttributes) → Magento attribute codes.
    attributes: dict[str, str] = Field(default_factory=dict)
    # Articles that group with nothing: simple products, or parked for a person to decide.
    ungrouped: Literal["simple", "park"] = "simple"

    @field_validator("pattern")
    @classmethod
    def _pattern(cls, value: str) -> str:
        try:
            compiled = re.compile(value)
        except re.error as exc:
            raise fail(f"{value!r} is not a regular expression ({exc})") from None
        if "parent" not in compiled.groupindex:
            raise fail(
                f"{value!r} has no named group 'parent' (allowed: a regex with (?P<parent>...) "
                "and one named group per attribute code, e.g. (?P<size>...))"
            )
        bad = [g for g in compiled.groupindex if g != "parent" and not CODE.fullmatch(g)]
        if bad:
            raise fail(f"group {bad[0]!r} is not a Magento attribute code (allowed: [a-z0-9_])")
        return value

    @field_validator("attributes")
    @classmethod
    def _codes(cls, value: dict[str, str]) -> dict[str, str]:
        problems: list[tuple[Path, str]] = [
            ((group,), f"{code!r} is not a Magento attribute code (allowed: [a-z][a-z0-9_]*)")
            for group, code in value.items()
            if not CODE.fullmatch(code)
        ]
        if problems:
            raise FieldProblems(problems)
        return value

    @model_validator(mode="after")
    def _file_for_mapping(self) -> VariantGrouping:
        if self.by == "mapping_file" and not self.file:
            raise FieldProblems(
                [(("file",), "is required with by: mapping_file (allowed: a CSV file name)")]
            )
        return self

    def attribute_code(self, group: str) -> str | None:
        """The Magento attribute code of a Specter variant group, None when it has none."""
        if group in self.attributes:
            return self.attributes[group]
        lowered = group.strip().lower()
        return lowered if CODE.fullmatch(lowered) else None


class ArticleNumbers(_Model):
    """How Magento SKUs become Specter article numbers (`ecom`, `combo`). A SKU that breaks
    Specter's rules is never changed silently: it is mapped by one of these rules or parked."""

    # Explicit SKU → article number, checked first.
    mapping: dict[str, str] = Field(default_factory=dict)
    # Character replacements applied to every SKU (e.g. "å": "a", " ": "-").
    replacements: dict[str, str] = Field(default_factory=dict)

    def article_no(self, sku: str) -> str:
        if sku in self.mapping:
            return self.mapping[sku]
        for old, new in self.replacements.items():
            sku = sku.replace(old, new)
        return sku


class InitialSync(_Model):
    # Variant groups (erp) or articles (ecom) per chunk; progress is recorded after each chunk.
    # A chunk's simple products are written together: above the Magento client's bulk threshold
    # (1000) through async bulk, so large chunks are what makes a big catalog fast.
    chunk_size: int = Field(default=5000, ge=1, le=5000)


class CatalogSettings(_Model):
    grouping: VariantGrouping = Field(default_factory=lambda: VariantGrouping())
    article_numbers: ArticleNumbers = Field(default_factory=lambda: ArticleNumbers())
    initial_sync: InitialSync = Field(default_factory=lambda: InitialSync())
    # erp: the language Specter's article names are written in (they are the global names);
    # store views of shops with another language get their own name only from
    # `name_translations`, otherwise they inherit the global one.
    article_language: str = "SE"
    # erp: per Specter language, a CSV file in the tenant folder (columns `sku`, `name`) or an
    # inline mapping SKU → name. SKUs are article numbers, or a configurable's parent SKU.
    name_translations: dict[str, str | dict[str, str]] = Field(default_factory=dict)
    # erp: attribute set of products magspec creates (4 = Magento's Default).
    attribute_set_id: int = Field(default=4, ge=1)
    # ecom/combo: configurable parents as articles too (their children always are).
    send_parents: bool = False
    # ecom/combo: Magento tax class id → Specter VAT percent.
    vat_by_tax_class: dict[str, Decimal] = Field(
        default_factory=lambda: {"2": Decimal(25), "0": Decimal(0)}
    )
    # ecom/combo: the custom attribute holding the EAN (sent as barCode), None: no EAN.
    ean_attribute: str | None = "ean"
    # ecom/combo: the Magento attributes that tell a configurable's children apart.
    variant_attributes: list[str] = Field(default_factory=lambda: ["size", "color"])

    @field_validator("article_language")
    @classmethod
    def _article_language(cls, value: str) -> str:
        if value not in specter_languages():
            raise fail(
                f"{value!r} is not a Specter language (allowed: {' '.join(specter_languages())})"
            )
        return value

    @field_validator("name_translations")
    @classmethod
    def _translations(
        cls, value: dict[str, str | dict[str, str]]
    ) -> dict[str, str | dict[str, str]]:
        problems: list[tuple[Path, str]] = []
        for language, source in value.items():
            if language not in specter_languages():
                problems.append(
                    (
                        (language,),
                        f"{language!r} is not a Specter language "
                        f"(allowed: {' '.join(specter_languages())})",
                    )
                )
            if isinstance(source, str):
                if not TRANSLATION_FILE.fullmatch(source):
                    problems.append(
                        (
                            (language,),
                            f"{source!r} is not a CSV file name in the tenant folder "
                            "(allowed: e.g. names_en.csv, columns sku and name; or a mapping "
                            "SKU: name)",
                        )
                    )
                continue
            problems += [
                ((language, sku), "is empty (allowed: the product's name in that language)")
                for sku, name in source.items()
                if not name.strip()
            ]
        if problems:
            raise FieldProblems(problems)
        return value

    @model_validator(mode="after")
    def _translations_not_in_article_language(self) -> CatalogSettings:
        if self.article_language in self.name_translations:
            raise FieldProblems(
                [
                    (
                        ("name_translations", self.article_language),
                        f"{self.article_language!r} is the article language: Specter's names "
                        "are the global names (allowed: the other languages of your shops)",
                    )
                ]
            )
        return self

    @field_validator("vat_by_tax_class")
    @classmethod
    def _vat(cls, value: dict[str, Decimal]) -> dict[str, Decimal]:
        problems: list[tuple[Path, str]] = [
            ((cls_id,), f"{pct} is not a VAT percent (allowed: 0-100)")
            for cls_id, pct in value.items()
            if not Decimal(0) <= pct <= Decimal(100)
        ]
        if problems:
            raise FieldProblems(problems)
        return value

    @field_validator("variant_attributes")
    @classmethod
    def _attribute_codes(cls, value: list[str]) -> list[str]:
        problems: list[tuple[Path, str]] = [
            ((i,), f"{code!r} is not a Magento attribute code (allowed: [a-z][a-z0-9_]*)")
            for i, code in enumerate(value)
            if not CODE.fullmatch(code)
        ]
        if problems:
            raise FieldProblems(problems)
        return value
