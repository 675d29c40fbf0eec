"""System-neutral order models: what an order is, whichever system it came from or goes to."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CustomerKind(StrEnum):
    PERSON = "person"
    COMPANY = "company"


class LineKind(StrEnum):
    ARTICLE = "article"
    SHIPPING = "shipping"
    DISCOUNT = "discount"
    SHIPPING_DISCOUNT = "shipping discount"
    GIFT_WRAPPING = "gift wrapping"
    FEE = "fee"
    GIFT_CARD = "gift card"
    STORE_CREDIT = "store credit"
    REWARD_POINTS = "reward points"
    MAPPED_TOTAL = "mapped total"


class Address(_Model):
    first_name: str = ""
    last_name: str = ""
    company: str = ""
    street: tuple[str, ...] = ()
    postcode: str = ""
    city: str = ""
    region: str = ""
    country_code: str = ""
    phone: str = ""


class Customer(_Model):
    email: str
    kind: CustomerKind
    first_name: str = ""
    last_name: str = ""
    company: str = ""
    organisation_no: str = ""
    vat_no: str = ""
    is_guest: bool = False
    magento_customer_id: int | None = None
    magento_group_id: int | None = None

    @property
    def display_name(self) -> str:
        if self.kind is CustomerKind.COMPANY and self.company:
            return self.company
        return " ".join(p for p in (self.first_name, self.last_name) if p)


class OrderLine(_Model):
    kind: LineKind
    article_no: str
    name: str
    quantity: Decimal
    unit_price_excl_vat: Decimal
    vat_percent: Decimal
    magento_item_id: int | None = None


class Order(_Model):
    """One shop order, normalized. Money is in `currency`, prices exclude VAT."""

    tenant: str
    shop: str
    magento_entity_id: int
    increment_id: str
    status: str
    placed_at: datetime = Field(description="UTC")
    day: date = Field(description="the day the order was placed, in the shop's time zone")
    currency: str
    language: str
    customer: Customer
    billing_address: Address
    shipping_address: Address
    payment_method: str
    payment_reference: str = ""
    shipping_method: str = ""
    lines: tuple[OrderLine, ...]
    grand_total: Decimal
    comment: str = Field(default="", description="the customer's order comment")
    notes: tuple[str, ...] = Field(
        default=(), description="what normalization changed, e.g. text Latin-1 cannot carry"
    )
