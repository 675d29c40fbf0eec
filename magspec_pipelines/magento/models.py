"""Magento order payloads as the REST API returns them (`sales-data-order-interface`), and the
write payloads and results of the catalog, price and stock calls.

Only what magspec reads is declared; everything else is kept (`extra="allow"`). Real Magento sends
`null` where the schema promises a value, so most fields are optional. Validating a raw order here
is what turns a malformed payload into a parked record with a reason instead of a crash.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

# The source of single-source shops and of the legacy stock item.
DEFAULT_SOURCE = "default"


def custom_attribute(product: Mapping[str, Any], code: str) -> Any:
    """The value of custom attribute `code` of a product payload (select values are option ids
    as strings)."""
    for row in product.get("custom_attributes") or []:
        if row.get("attribute_code") == code:
            return row.get("value")
    return None


def with_custom_attributes(product: Mapping[str, Any], values: Mapping[str, Any]) -> dict:
    """A copy of `product` with `values` set as custom attributes, replacing same-coded rows."""
    rows = [
        row
        for row in product.get("custom_attributes") or []
        if row.get("attribute_code") not in values
    ]
    rows.extend({"attribute_code": code, "value": value} for code, value in values.items())
    return {**product, "custom_attributes": rows}


class _Loose(BaseModel):
    model_config = ConfigDict(extra="allow")


class MagentoAddress(_Loose):
    address_type: str | None = None
    firstname: str | None = None
    lastname: str | None = None
    company: str | None = None
    street: list[str] | None = None
    city: str | None = None
    postcode: str | None = None
    region: str | None = None
    region_code: str | None = None
    country_id: str | None = None
    telephone: str | None = None
    email: str | None = None
    vat_id: str | None = None


class MagentoParentItem(_Loose):
    item_id: int | None = None
    sku: str | None = None


class MagentoOrderItem(_Loose):
    item_id: int
    parent_item_id: int | None = None
    parent_item: MagentoParentItem | None = None
    product_type: str | None = None
    sku: str
    name: str | None = None
    qty_ordered: Decimal
    price: Decimal | None = None
    base_price: Decimal | None = None
    price_incl_tax: Decimal | None = None
    row_total: Decimal | None = None
    row_total_incl_tax: Decimal | None = None
    tax_amount: Decimal | None = None
    tax_percent: Decimal | None = None
    discount_amount: Decimal | None = None
    discount_tax_compensation_amount: Decimal | None = None


class MagentoPayment(_Loose):
    method: str
    last_trans_id: str | None = None
    additional_information: list[str] | None = None


class MagentoShippingTotal(_Loose):
    shipping_amount: Decimal | None = None
    shipping_incl_tax: Decimal | None = None
    shipping_tax_amount: Decimal | None = None


class MagentoShipping(_Loose):
    address: MagentoAddress | None = None
    method: str | None = None
    total: MagentoShippingTotal | None = None


class MagentoShippingAssignment(_Loose):
    shipping: MagentoShipping | None = None


class MagentoOrderExtension(_Loose):
    shipping_assignments: list[MagentoShippingAssignment] | None = None
    company_order_attributes: dict | None = None


class MagentoOrder(_Loose):
    entity_id: int
    increment_id: str
    state: str | None = None
    status: str | None = None
    store_id: int
    created_at: str
    updated_at: str | None = None
    order_currency_code: str | None = None
    customer_id: int | None = None
    customer_is_guest: int | bool | None = None
    customer_email: str
    customer_firstname: str | None = None
    customer_lastname: str | None = None
    customer_group_id: int | None = None
    customer_taxvat: str | None = None
    grand_total: Decimal
    subtotal: Decimal | None = None
    tax_amount: Decimal | None = None
    discount_amount: Decimal | None = None
    discount_description: str | None = None
    shipping_amount: Decimal | None = None
    shipping_incl_tax: Decimal | None = None
    shipping_tax_amount: Decimal | None = None
    shipping_description: str | None = None
    shipping_discount_amount: Decimal | None = None
    customer_note: str | None = None
    billing_address: MagentoAddress | None = None
    payment: MagentoPayment | None = None
    items: list[MagentoOrderItem] = Field(min_length=1)
    extension_attributes: MagentoOrderExtension | None = None


# -- write payloads and their results ------------------------------------------------------------
# Plain frozen dataclasses: they are built by magspec, not parsed from Magento, and each knows the
# JSON Magento expects (`payload()`).


def _number(value: Decimal | float | int) -> float | int:
    # Prices travel as JSON numbers (the schema says `number`); Decimal is not JSON.
    return value if isinstance(value, int) else float(value)


@dataclass(frozen=True)
class LineQty:
    """An order line and a quantity, for ship and invoice (`order_item_id` of the configurable
    parent row for a configurable, reference §2.4)."""

    order_item_id: int
    qty: Decimal | float | int

    def payload(self) -> dict[str, Any]:
        return {"order_item_id": int(self.order_item_id), "qty": _number(self.qty)}


@dataclass(frozen=True)
class Track:
    """A tracking number passed with a shipment; `carrier_code` is free text (`custom`, `ups`)."""

    track_number: str
    carrier_code: str = "custom"
    title: str = ""

    def payload(self) -> dict[str, Any]:
        return {
            "track_number": self.track_number,
            "title": self.title or self.carrier_code,
            "carrier_code": self.carrier_code,
        }


@dataclass(frozen=True)
class BasePrice:
    sku: str
    price: Decimal | float | int
    store_id: int = 0

    def payload(self) -> dict[str, Any]:
        return {"sku": self.sku, "price": _number(self.price), "store_id": self.store_id}


@dataclass(frozen=True)
class TierPrice:
    """A tier price: `customer_group` is the group's code or `ALL GROUPS`, never an id; website
    0 means all websites (reference §4)."""

    sku: str
    price: Decimal | float | int
    customer_group: str
    quantity: Decimal | float | int = 1
    website_id: int = 0
    price_type: str = "fixed"

    def payload(self) -> dict[str, Any]:
        return {
            "sku": self.sku,
            "price": _number(self.price),
            "price_type": self.price_type,
            "website_id": self.website_id,
            "customer_group": self.customer_group,
            "quantity": _number(self.quantity),
        }


@dataclass(frozen=True)
class SpecialPrice:
    """A special price; `price_from`/`price_to` as `Y-m-d H:i:s` (required by Adobe Commerce)."""

    sku: str
    price: Decimal | float | int
    store_id: int = 0
    price_from: str | None = None
    price_to: str | None = None

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "sku": self.sku,
            "price": _number(self.price),
            "store_id": self.store_id,
        }
        if self.price_from is not None:
            body["price_from"] = self.price_from
        if self.price_to is not None:
            body["price_to"] = self.price_to
        return body


@dataclass(frozen=True)
class SourceItem:
    """Stock of one SKU at one MSI source; `quantity` is the physical on-hand figure (reference
    §5: an "available" figure would count open orders twice)."""

    sku: str
    source_code: str
    quantity: Decimal | float | int
    in_stock: bool = True

    def payload(self) -> dict[str, Any]:
        return {
            "sku": self.sku,
            "source_code": self.source_code,
            "quantity": _number(self.quantity),
            "status": 1 if self.in_stock else 0,
        }


@dataclass(frozen=True)
class FailedRow:
    """One row Magento refused inside an otherwise accepted write."""

    sku: str | None
    message_rendered: str
    parameters: Any = None


@dataclass(frozen=True)
class BulkItem:
    """One element of an async bulk request: its index (which is its operation id), whether
    Magento accepted it, and the entities (SKUs) it carried."""

    index: int
    status: str
    entities: tuple[str, ...]


@dataclass(frozen=True)
class BulkSubmission:
    bulk_uuid: str
    items: list[BulkItem]

    @property
    def rejected(self) -> list[BulkItem]:
        return [item for item in self.items if item.status != "accepted"]


@dataclass
class PriceUpdateResult:
    """Rows Magento refused (`failed`, empty when all were saved) and, when the push went through
    async bulk, the submissions to poll."""

    failed: list[FailedRow] = field(default_factory=list)
    bulk: list[BulkSubmission] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed


@dataclass
class ProductSaveResult:
    """Products saved (`saved`, by SKU, as Magento answered them), refused (`failed`), or, when
    the push went through async bulk, the submissions to poll."""

    saved: dict[str, dict[str, Any]] = field(default_factory=dict)
    failed: list[FailedRow] = field(default_factory=list)
    bulk: list[BulkSubmission] = field(default_factory=list)


@dataclass(frozen=True)
class Variant:
    """A configurable's child: the simple product and its value per variant attribute, as labels
    (`{"size": "XS", "color": "Black"}`); the client resolves the labels to option ids."""

    product: dict[str, Any]
    options: dict[str, str]


@dataclass
class StockUpdateResult:
    """Stock rows Magento refused (`failed`) and, for async bulk pushes, the submissions."""

    failed: list[FailedRow] = field(default_factory=list)
    bulk: list[BulkSubmission] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed
