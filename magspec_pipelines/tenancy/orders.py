"""The `orders:` section of a tenant entry: triggers, document, payment methods and the money rows.

Every amount a Magento order can carry becomes a row of the Specter document, on an article number
the tenant chooses. A kind of amount without an article (a gift card when `gift_card` is not set)
is not dropped: the order is parked naming the key to set (see `mapping/order_money.py`).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from magspec_pipelines.tenancy.validators import STATUS, FieldProblems, IdText, Path, fail

# Verified payTypeIdentifier codes, specter-protocol.md §3.2.
PAY_TYPE_CODES: tuple[str, ...] = (
    "I",
    "PP",
    "P",
    "D",
    "K",
    "KG",
    "DP",
    "AE",
    "PE",
    "SP",
    "SS",
    "SK",
    "SCH",
    "SW",
    "PY",
    "PL",
    "CN",
    "HF",
    "CL",
    "BC",
)
# A dotted path into the Magento order (`extension_attributes.fee_amount`, `payment.amount_x`).
ORDER_PATH = re.compile(r"[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*){0,5}")


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _vat(value: Decimal) -> Decimal:
    # Specter's vatPercent is an integer (reference 3.2): a rate it cannot hold is refused here.
    if not (0 <= value <= 100) or value != value.to_integral_value():
        raise fail(f"{value} is not a whole VAT percent between 0 and 100")
    return value


class FeeArticle(_Model):
    """Where one kind of fee goes. Magento adds fees to the grand total as they are, so the
    amount includes its VAT; `vat_percent` splits it (0: booked without VAT)."""

    article: str = Field(min_length=1, max_length=25)
    vat_percent: Decimal = Decimal(0)
    label: str = ""

    _vat_percent = field_validator("vat_percent")(_vat)


class MappedTotal(FeeArticle):
    """A total an extension keeps somewhere in the order, read from `path`.

    `negative: true` for amounts that lower the grand total (a deduction stored as a positive
    number); otherwise the amount's own sign decides.
    """

    path: str
    negative: bool = False

    @field_validator("path")
    @classmethod
    def _path(cls, value: str) -> str:
        if not ORDER_PATH.fullmatch(value):
            raise fail(
                f"{value!r} is not a dotted path into the order (e.g. extension_attributes.fee)"
            )
        return value


class MoneyArticles(_Model):
    """Article numbers for the amounts beside articles, shipping and item discounts.

    Unset means "this tenant has none": an order that carries one is parked with the key to set.
    `shipping_discount` falls back to the tenant's `discount_article`.
    """

    shipping_discount: str | None = Field(default=None, min_length=1, max_length=25)
    gift_card: str | None = Field(default=None, min_length=1, max_length=25)
    store_credit: str | None = Field(default=None, min_length=1, max_length=25)
    reward_points: str | None = Field(default=None, min_length=1, max_length=25)
    gift_wrapping: str | None = Field(default=None, min_length=1, max_length=25)


class OrderSettings(_Model):
    trigger_statuses: list[str] = Field(default_factory=lambda: ["processing"], min_length=1)
    document: Literal["order", "invoice"] = "order"
    payment_methods: dict[str, str] = Field(default_factory=dict)
    shipping_article: str = Field(min_length=1)
    discount_article: str = Field(min_length=1)
    money_articles: MoneyArticles = Field(default_factory=MoneyArticles)
    # Magento fees by their code (`extension_attributes.custom_fees[].custom_fee_code`).
    fees: dict[str, FeeArticle] = Field(default_factory=dict)
    mapped_totals: list[MappedTotal] = Field(default_factory=list, max_length=20)
    # The document goes only when its total incl. VAT is Magento's grand_total within this much
    # (order currency); the default absorbs per-row rounding, not a missing row.
    total_tolerance: Decimal = Field(default=Decimal("0.05"), ge=0, le=Decimal("1"))
    # An order in another currency than its shop's is parked unless this is set.
    allow_foreign_currency: bool = False
    # Where a company's organisation number is read first (a dotted path into the order); then
    # the billing address `vat_id` and the customer's `taxvat`.
    organisation_no_path: str | None = None
    # Sends the Magento customer id in an assumed Specter customer field (specter/assumed.py).
    send_magento_customer_id: bool = False
    external_order_no_prefix: str = ""
    customer_group_company: IdText | None = None
    customer_group_person: IdText | None = None
    start_date: date

    @property
    def service_articles(self) -> frozenset[str]:
        """Every article number the order flow books money on that is not a product (freight,
        discounts, fees, gift cards...): never a Magento product, never a delivered row."""
        kinds = self.money_articles
        return frozenset(
            a
            for a in (
                self.shipping_article,
                self.discount_article,
                kinds.shipping_discount,
                kinds.gift_card,
                kinds.store_credit,
                kinds.reward_points,
                kinds.gift_wrapping,
                *(fee.article for fee in self.fees.values()),
                *(total.article for total in self.mapped_totals),
            )
            if a
        )

    @field_validator("trigger_statuses")
    @classmethod
    def _statuses(cls, value: list[str]) -> list[str]:
        problems: list[tuple[Path, str]] = [
            ((i,), f"{s!r} is not a Magento status code (allowed: e.g. processing, complete)")
            for i, s in enumerate(value)
            if not STATUS.fullmatch(s)
        ]
        if problems:
            raise FieldProblems(problems)
        return value

    @field_validator("payment_methods")
    @classmethod
    def _pay_types(cls, value: dict[str, str]) -> dict[str, str]:
        problems: list[tuple[Path, str]] = [
            (
                (method,),
                f"{code!r} is not a Specter payTypeIdentifier "
                f"(allowed: {' '.join(PAY_TYPE_CODES)})",
            )
            for method, code in value.items()
            if code not in PAY_TYPE_CODES
        ]
        if problems:
            raise FieldProblems(problems)
        return value

    @field_validator("organisation_no_path")
    @classmethod
    def _org_path(cls, value: str | None) -> str | None:
        if value is not None and not ORDER_PATH.fullmatch(value):
            raise fail(f"{value!r} is not a dotted path into the order")
        return value
