"""The products compare as a DataFrame merge gives the engine loop's outcomes: random units
(simples and configurables) against random Magento products, some missing, some drifted in each
field the compare reads."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from magspec_pipelines.flows.shared.compare_products import plan_units, plan_units_frame
from magspec_pipelines.mapping.articles import ProductUnit, WantedProduct

LABELS = {"color": {"10": "Black", "11": "Blue "}, "size": {"20": "XS", "21": "m"}}


def wanted(rnd: random.Random, sku: str, type_id: str, **extra) -> WantedProduct:
    return WantedProduct(
        sku=sku,
        type_id=type_id,
        name=rnd.choice(["Bag", "Väska", "Bag "]),
        visibility=rnd.choice([1, 4]),
        weight=rnd.choice([None, Decimal("1.5"), Decimal("0.0004")])
        if type_id == "simple"
        else None,
        **extra,
    )


def magento(rnd: random.Random, product: WantedProduct, entity_id: int) -> dict:
    def maybe(right, *wrong):
        return right if rnd.random() < 0.8 else rnd.choice(wrong)

    attributes = [
        {"attribute_code": code, "value": maybe(rnd.choice(["10", "11", "20", "21"]), None, "")}
        for code in product.options
    ]
    return {
        "id": entity_id,
        "sku": product.sku,
        "type_id": maybe(product.type_id, "virtual", None),
        "name": maybe(product.name, None, "", "bag"),
        "weight": maybe(product.weight, "1.5000", 1.5, "x", None),
        "visibility": maybe(product.visibility, 1, "1", 4, None),
        "custom_attributes": attributes,
        "extension_attributes": {
            "website_ids": maybe([1, 2], [1], ["2", 1], []),
            "configurable_product_links": rnd.sample(range(1, 60), k=rnd.randint(0, 6)),
        },
    }


def world(seed: int) -> tuple:
    rnd = random.Random(seed)
    units, actual, child_ids = [], {}, {}
    for n in range(rnd.randint(0, 12)):
        if rnd.random() < 0.5:
            products = (wanted(rnd, f"S-{n}", "simple"),)
        else:
            children = [
                wanted(rnd, f"C-{n}-{k}", "simple", options={"color": "black", "size": "M"})
                for k in range(rnd.randint(1, 4))
            ]
            parent = wanted(rnd, f"P-{n}", "configurable", children=tuple(c.sku for c in children))
            products = (parent, *children)
        units.append(ProductUnit(f"u{n:03d}", products))
        for product in products:
            if rnd.random() < 0.85:
                actual[product.sku] = magento(rnd, product, rnd.randint(1, 60))
                child_ids[product.sku] = actual[product.sku]["id"]
    return units, actual, child_ids


@pytest.mark.parametrize("seed", range(60))
def test_product_outcomes_from_the_merge_are_the_loops(seed: int) -> None:
    units, actual, child_ids = world(seed)
    asked: list[list[str]] = [[], []]

    def labels(n: int):
        def label_map(code: str) -> dict[str, str]:
            asked[n].append(code)
            return LABELS.get(code, {})

        return label_map

    loop = plan_units(units, actual, labels(0), child_ids, [1, 2])
    frame = plan_units_frame(units, actual, labels(1), child_ids, [1, 2])
    assert frame == loop
    assert sorted(asked[1]) == sorted(asked[0])  # the same label reads
