"""Tenant settings: prices, price lists → tier prices, and stock.

The shop-level parts (which price list a shop sells from, its MSI source, its stock site, whether
its prices include VAT) live on `Shop`; what is tenant-wide lives here.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from magspec_pipelines.tenancy.validators import (
    FieldProblems,
    IdText,
    Path,
    check_digits,
    cron_problem,
    fail,
)

Percent = Annotated[Decimal, Field(ge=0, le=100)]


class TierPriceList(BaseModel):
    """A Specter price list whose prices become tier prices of one Magento customer group.

    `shops` limits the websites the tiers go to; empty means every shop that sells in the price
    list's currency (a SEK retailer list does not belong on a EUR website).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    price_list_id: IdText
    customer_group: str = Field(min_length=1, max_length=32)
    shops: list[str] = Field(default_factory=list)

    @field_validator("price_list_id")
    @classmethod
    def _list_id(cls, value: str) -> str:
        return check_digits(value, "Specter price list id")

    @field_validator("customer_group")
    @classmethod
    def _group(cls, value: str) -> str:
        if value.strip() != value or value.casefold() == "all groups":
            raise fail(
                f"{value!r} is not a customer group code (allowed: the code of a Magento customer "
                "group such as 'Retailer'; not 'ALL GROUPS', no surrounding spaces)"
            )
        return value


class PricingSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    # The price list whose one-piece price is the article's own price in Specter
    # ("Grundprislista"); shops without `price_list_id` sell from it.
    base_price_list_id: IdText = "1"
    # Price lists → tier prices per customer group (e.g. the retailer list → `Retailer`).
    tier_prices: list[TierPriceList] = Field(default_factory=list)
    # VAT added for shops whose prices include VAT; per article where it differs.
    vat_percent: Percent = Decimal(25)
    vat_percent_by_article: dict[str, Percent] = Field(default_factory=dict)
    # Where Specter price-list export files are dropped, for accounts without the price-list
    # reads; relative to the tenant registry folder.
    price_list_folder: str | None = None
    # When the compare runs that read Magento and repair drift (5-field cron, tenant time zone).
    compare_cron: str | None = "30 2 * * *"
    # How many stock batches one run drains at most (100 changes each by default).
    max_stock_batches: int = Field(default=50, ge=1, le=1000)
    # How many SKUs the asset checks compare with Magento.
    check_sample_size: int = Field(default=25, ge=1, le=500)

    @field_validator("base_price_list_id")
    @classmethod
    def _base_list(cls, value: str) -> str:
        return check_digits(value, "Specter price list id")

    @field_validator("compare_cron")
    @classmethod
    def _cron(cls, value: str | None) -> str | None:
        if value is not None and (problem := cron_problem(value)):
            raise fail(problem)
        return value

    @field_validator("price_list_folder")
    @classmethod
    def _folder(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise fail("is empty (allowed: a folder path, or leave the key out)")
        return value

    @model_validator(mode="after")
    def _one_list_per_group(self) -> PricingSettings:
        groups = Counter(t.customer_group.casefold() for t in self.tier_prices)
        problems: list[tuple[Path, str]] = [
            (
                ("tier_prices", i, "customer_group"),
                f"{t.customer_group!r} is fed by more than one price list (allowed: one price "
                "list per customer group; tiers of two lists would overwrite each other)",
            )
            for i, t in enumerate(self.tier_prices)
            if groups[t.customer_group.casefold()] > 1
        ]
        if problems:
            raise FieldProblems(problems)
        return self

    def vat_for(self, article_no: str) -> Decimal:
        return self.vat_percent_by_article.get(article_no, self.vat_percent)

    def shop_problems(self, shop_codes: list[str]) -> list[tuple[Path, str]]:
        """Problems only the whole tenant can see: tier lists naming shops it does not have."""
        known = set(shop_codes)
        return [
            (
                ("pricing", "tier_prices", i, "shops", j),
                f"{code!r} is not a shop of this tenant (allowed: {', '.join(shop_codes)})",
            )
            for i, t in enumerate(self.tier_prices)
            for j, code in enumerate(t.shops)
            if code not in known
        ]
