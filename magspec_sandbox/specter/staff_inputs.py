"""The bodies of the staff and admin routes (`staff_routes.py`, `admin.py`), as pydantic models
with the JSON names of the Specter reference (`articleNo`, `noOfItems`, `priceExclVat`…)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import Field, PlainValidator
from pydantic_core import PydanticCustomError

from magspec_sandbox.validation import Body, Number, OptionalDate, OptionalText

from . import assumed
from .protocol import parse_number


def _protocol_number(value: Any) -> Decimal:
    try:
        return parse_number(str(value))
    except ValueError:
        raise PydanticCustomError("number", "is not a number") from None


def _stock(value: Any) -> Decimal:
    return assumed.DEFAULT_STOCK if value is None else _protocol_number(value)


# A number read the way the protocol reads one ("1 000,5" is 1000.5).
ProtocolNumber = Annotated[Decimal, PlainValidator(_protocol_number)]
# Stock on hand; absent or null is the assumed default.
Stock = Annotated[Decimal, PlainValidator(_stock)]


class NewArticle(Body):
    """An article added to the register (admin `POST …/articles`); stock defaults as assumed."""

    article_no: str = Field(alias="articleNo")
    name: str
    price_excl_vat: ProtocolNumber = Field(alias="priceExclVAT")
    vat_percent: ProtocolNumber = Field(alias="vatPercent")
    stock: Stock = assumed.DEFAULT_STOCK


class DeliveryRow(Body):
    article_no: str = Field(alias="articleNo")
    no_of_items: Number = Field(alias="noOfItems")


class Delivery(Body):
    """A delivery: the rows delivered (absent: everything left), how and when."""

    rows: list[DeliveryRow] | None = None
    tracking_no: OptionalText = Field("", alias="trackingNo")
    delivery_method: OptionalText = Field("", alias="deliveryMethod")
    delivery_date: OptionalDate = Field(None, alias="deliveryDate")


class PaidDate(Body):
    paid_date: OptionalDate = Field(None, alias="paidDate")


class StockLevel(Body):
    """On hand at a stock site (absent: the account's default site)."""

    on_hand: Number = Field(alias="onHand")
    stock_site_id: str | None = Field(None, alias="stockSiteId")


class PriceRow(Body):
    article_no: str = Field(alias="articleNo")
    from_quantity: Number = Field(Decimal(1), alias="fromQuantity")
    price_excl_vat: Number = Field(alias="priceExclVat")


# A price list's rows, as PUT to it.
PriceRows = list[PriceRow]
