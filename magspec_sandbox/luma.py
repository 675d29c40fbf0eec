"""Magento's Luma sample catalog, read from the CSV fixtures shipped in `sandbox/data/luma/`.

Both sandboxes seed from it: the Magento sandbox as products and order lines, the Specter sandbox
as articles (variants as separate articles, as Specter keeps them).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data" / "luma"


@dataclass(frozen=True)
class LumaProduct:
    sku: str
    name: str
    type_id: str  # "simple" or "configurable"
    price: Decimal
    weight: Decimal
    qty: int
    attribute_set: str
    parent_sku: str | None = None
    options: dict[str, str] = field(default_factory=dict)  # size/color of a child
    children: tuple[str, ...] = ()  # child SKUs of a configurable


@dataclass(frozen=True)
class LumaCatalog:
    products: dict[str, LumaProduct]

    @property
    def configurables(self) -> list[LumaProduct]:
        return [p for p in self.products.values() if p.type_id == "configurable"]

    @property
    def sellable(self) -> list[LumaProduct]:
        """Products that can be an order line's article: children and stand-alone simples."""
        return [p for p in self.products.values() if p.type_id == "simple"]


def _pairs(text: str) -> dict[str, str]:
    out = {}
    for part in text.split(","):
        if "=" in part:
            key, value = part.split("=", 1)
            out[key.strip()] = value.strip()
    return out


@cache
def load_catalog() -> LumaCatalog:
    products: dict[str, LumaProduct] = {}
    parents: dict[str, str] = {}
    with open(DATA_DIR / "ConfigurableSampleData__products.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        if row["product_type"] == "configurable":
            children = tuple(
                _pairs(v)["sku"] for v in row["configurable_variations"].split("|") if v
            )
            for child in children:
                parents[child] = row["sku"]
            products[row["sku"]] = LumaProduct(
                sku=row["sku"],
                name=row["name"],
                type_id="configurable",
                price=Decimal(row["price"] or "0"),
                weight=Decimal(row["weight"] or "0"),
                qty=0,
                attribute_set=row["attribute_set_code"],
                children=children,
            )
    for row in rows:
        if row["product_type"] != "simple":
            continue
        attrs = _pairs(row["additional_attributes"])
        products[row["sku"]] = LumaProduct(
            sku=row["sku"],
            name=row["name"],
            type_id="simple",
            price=Decimal(row["price"] or "0"),
            weight=Decimal(row["weight"] or "0"),
            qty=int(float(row["qty"] or 0)),
            attribute_set=row["attribute_set_code"],
            parent_sku=parents.get(row["sku"]),
            options={k: attrs[k] for k in ("size", "color") if k in attrs},
        )
    for path in sorted(DATA_DIR.glob("CatalogSampleData__products_gear_*.csv")):
        with open(path, encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                products[row["sku"]] = LumaProduct(
                    sku=row["sku"],
                    name=row["name"],
                    type_id="simple",
                    price=Decimal(row["price"] or "0"),
                    weight=Decimal("1"),
                    qty=int(float(row["qty"] or 0)),
                    attribute_set=row["attribute_set"],
                )
    return LumaCatalog(products=products)
