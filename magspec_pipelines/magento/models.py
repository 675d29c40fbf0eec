"""Magento order payloads as the REST API returns them (`sales-data-order-interface`).

Only what magspec reads is declared; everything else is kept (`extra="allow"`). Real Magento sends
`null` where the schema promises a value, so most fields are optional. Validating a raw order here
is what turns a malformed payload into a parked record with a reason instead of a crash.
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field


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
    billing_address: MagentoAddress | None = None
    payment: MagentoPayment | None = None
    items: list[MagentoOrderItem] = Field(min_length=1)
    extension_attributes: MagentoOrderExtension | None = None
