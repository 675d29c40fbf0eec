"""Order item rows from Luma products, with the money Magento computes for them (§2.2).

A configurable line gives two rows: the parent (`configurable`, sku = the chosen child's SKU) that
carries price, tax and discount, and the child (`simple`, zero prices) pointing back at it.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from magspec_sandbox.luma import DATA_DIR, LumaCatalog, LumaProduct
from magspec_sandbox.magento import assumed

CENT = Decimal("0.01")


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def amount(value: Decimal | int) -> int | float:
    """A JSON number as PHP's json_encode writes a float: whole values without a fraction."""
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def _size_order() -> list[str]:
    with open(DATA_DIR / "ConfigurableSampleData__attributes.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["attribute_code"] == "size":
                return [v.strip() for v in row["option"].splitlines() if v.strip()]
    return []


@dataclass(frozen=True)
class ProductIds:
    """Entity ids for catalog products and option ids for their size and colour."""

    products: dict[str, int]
    colors: dict[str, int]
    sizes: dict[str, int]

    @classmethod
    def for_catalog(cls, catalog: LumaCatalog) -> ProductIds:
        colors = sorted({p.options["color"] for p in catalog.sellable if "color" in p.options})
        sizes = _size_order()
        return cls(
            products={sku: n for n, sku in enumerate(catalog.products, start=1)},
            colors={c: assumed.FIRST_COLOR_OPTION_ID + n for n, c in enumerate(colors)},
            sizes={s: assumed.FIRST_SIZE_OPTION_ID + n for n, s in enumerate(sizes)},
        )

    def options(self, child: LumaProduct) -> list[dict[str, Any]]:
        out = []
        if "color" in child.options:
            out.append(
                {
                    "option_id": str(assumed.COLOR_ATTRIBUTE_ID),
                    "option_value": self.colors[child.options["color"]],
                }
            )
        if "size" in child.options and child.options["size"] in self.sizes:
            out.append(
                {
                    "option_id": str(assumed.SIZE_ATTRIBUTE_ID),
                    "option_value": self.sizes[child.options["size"]],
                }
            )
        return out


@dataclass(frozen=True)
class Line:
    """One ordered article: a simple product, or a configurable's child with its parent."""

    product: LumaProduct
    parent: LumaProduct | None
    qty: int
    price: Decimal  # excl. tax, order currency
    tax_rate: Decimal
    discount_percent: int

    @property
    def row_total(self) -> Decimal:
        return cents(self.price * self.qty)

    @property
    def price_incl_tax(self) -> Decimal:
        return cents(self.price * (1 + self.tax_rate))

    @property
    def row_total_incl_tax(self) -> Decimal:
        return cents(self.row_total * (1 + self.tax_rate))

    @property
    def discount(self) -> Decimal:
        return cents(self.row_total * self.discount_percent / 100)

    @property
    def tax_before_discount(self) -> Decimal:
        return cents(self.row_total * self.tax_rate)

    @property
    def tax(self) -> Decimal:
        return cents((self.row_total - self.discount) * self.tax_rate)


def _money_fields(line: Line | None) -> dict[str, Any]:
    zero = Decimal(0)

    def pick(attr: str) -> Decimal:
        return getattr(line, attr) if line else zero

    fields = {
        "price": pick("price"),
        "original_price": pick("price"),
        "price_incl_tax": pick("price_incl_tax"),
        "row_total": pick("row_total"),
        "row_total_incl_tax": pick("row_total_incl_tax"),
        "tax_amount": pick("tax"),
        "tax_before_discount": pick("tax_before_discount"),
        "discount_amount": pick("discount"),
        "discount_tax_compensation_amount": zero,
        "amount_refunded": zero,
        "discount_invoiced": zero,
        "tax_invoiced": zero,
        "row_invoiced": zero,
    }
    out: dict[str, Any] = {}
    for key, value in fields.items():
        out[key] = amount(value)
        out[f"base_{key}"] = amount(value)
    out["tax_percent"] = amount(line.tax_rate * 100) if line else 0
    out["discount_percent"] = line.discount_percent if line else 0
    out["tax_refunded"] = 0
    out["discount_refunded"] = 0
    return out


def item_rows(
    line: Line,
    *,
    ids: ProductIds,
    item_id: int,
    order_id: int,
    store_id: int,
    created_at: str,
) -> list[dict[str, Any]]:
    """The row(s) Magento stores for one line; ids `item_id` and, for a child, `item_id + 1`."""
    product = line.product
    common = {
        "order_id": order_id,
        "store_id": store_id,
        "created_at": created_at,
        "updated_at": created_at,
        "qty_ordered": line.qty,
        "qty_invoiced": 0,
        "qty_shipped": 0,
        "qty_canceled": 0,
        "qty_refunded": 0,
        "is_virtual": 0,
        "is_qty_decimal": 0,
        "no_discount": 0,
        "free_shipping": 0,
        "weight": amount(product.weight),
        "row_weight": amount(product.weight * line.qty),
    }
    if line.parent is None:
        row = {
            "item_id": item_id,
            "quote_item_id": item_id,
            "product_id": ids.products[product.sku],
            "product_type": "simple",
            "sku": product.sku,
            "name": product.name,
            **common,
            **_money_fields(line),
        }
        return [row]
    parent = {
        "item_id": item_id,
        "quote_item_id": item_id,
        "product_id": ids.products[line.parent.sku],
        "product_type": "configurable",
        "sku": product.sku,  # the chosen child's SKU, as Magento stores it (#21231)
        "name": line.parent.name,
        **common,
        **_money_fields(line),
        "product_option": {
            "extension_attributes": {"configurable_item_options": ids.options(product)}
        },
    }
    child = {
        "item_id": item_id + 1,
        "quote_item_id": item_id + 1,
        "parent_item_id": item_id,
        "product_id": ids.products[product.sku],
        "product_type": "simple",
        "sku": product.sku,
        "name": product.name,
        **common,
        **_money_fields(None),
        "parent_item": dict(parent),
    }
    return [parent, child]
