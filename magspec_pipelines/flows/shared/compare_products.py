"""The products compare (what `flows/products_to_magento/engine.py` `_sync_chunk` decides before
it writes): each unit created, updated or unchanged, with the SKUs Magento lacks and the drift of
the ones it has. Plain Python, no Dagster; beside `compare.py` for the size rule.

`plan_units` is the engine's loop; `plan_units_frame` the same as a left merge of the wanted
products on Magento's, the scalar fields (type, name, visibility) compared column by column and
the rest (weight, websites, options, children) per product, as `mapping.articles.product_drift`
does. The tests hold the two to the same outcomes; `benchmarks/cases_compare.py` times them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from magspec_pipelines.flows.shared.product_report import UnitOutcome
from magspec_pipelines.magento.models import custom_attribute
from magspec_pipelines.mapping.articles import (
    VISIBILITY_NOT_VISIBLE,
    ProductUnit,
    WantedProduct,
    product_drift,
)

_CENT = Decimal("0.001")  # as mapping.articles (weights to the gram)
LabelMap = Callable[[str], Mapping[str, str]]


def plan_units(
    units: Sequence[ProductUnit],
    actual: Mapping[str, Mapping[str, Any]],
    label_map: LabelMap,
    child_ids: Mapping[str, int],
    website_ids: list[int],
) -> list[UnitOutcome]:
    """Each unit's outcome against Magento's products (`actual`, SKU → product)."""
    outcomes = []
    for unit in units:
        missing = [p.sku for p in unit.products if p.sku not in actual]
        drift: list[str] = []
        for wanted in unit.products:
            if wanted.sku in actual:
                labels = {code: label_map(code) for code in wanted.options}
                found = product_drift(
                    wanted,
                    actual[wanted.sku],
                    labels=labels,
                    child_ids=child_ids,
                    website_ids=website_ids,
                )
                drift.extend(f"{wanted.sku}: {d}" for d in found)
        if not missing and not drift:
            outcomes.append(UnitOutcome(unit.key, "unchanged", unit.skus))
            continue
        result = "created" if unit.products[0].sku in missing else "updated"
        outcomes.append(UnitOutcome(unit.key, result, unit.skus, drift=drift, created=missing))
    return outcomes


def plan_units_frame(
    units: Sequence[ProductUnit],
    actual: Mapping[str, Mapping[str, Any]],
    label_map: LabelMap,
    child_ids: Mapping[str, int],
    website_ids: list[int],
) -> list[UnitOutcome]:
    """`plan_units` as a left merge of the wanted products on Magento's."""
    import pandas as pd

    rows = [(n, p) for n, unit in enumerate(units) for p in unit.products]
    want = pd.DataFrame(
        {
            "unit": [n for n, _ in rows],
            "sku": [p.sku for _, p in rows],
            "type_id": pd.Series([p.type_id for _, p in rows], dtype=object),
            "name": pd.Series([p.name for _, p in rows], dtype=object),
            "hidden": [p.visibility == VISIBILITY_NOT_VISIBLE for _, p in rows],
            "wanted": pd.Series([p for _, p in rows], dtype=object),
        }
    )
    products = list(actual.values())
    have = pd.DataFrame(
        {
            "sku": list(actual.keys()),
            "have_type": pd.Series([str(p.get("type_id")) for p in products], dtype=object),
            "have_name": pd.Series([p.get("name") or "" for p in products], dtype=object),
            "have_visibility": pd.Series([p.get("visibility") for p in products], dtype=object),
            "have": pd.Series(products, dtype=object),
        }
    )
    merged = want.merge(have, on="sku", how="left")
    present = merged["have"].notna().to_numpy(dtype=bool)
    type_off = present & (merged["have_type"] != merged["type_id"]).to_numpy(dtype=bool)
    name_off = present & (merged["have_name"] != merged["name"]).to_numpy(dtype=bool)
    shown = merged["have_visibility"].to_numpy(dtype=object) != 1
    visibility_off = present & merged["hidden"].to_numpy(dtype=bool) & shown
    missing: dict[int, list[str]] = {}
    drift: dict[int, list[str]] = {}
    columns = zip(
        merged["unit"].tolist(),
        merged["wanted"].tolist(),
        merged["have"].tolist(),
        present.tolist(),
        type_off.tolist(),
        name_off.tolist(),
        visibility_off.tolist(),
        strict=True,
    )
    for n, wanted, have, found, type_bad, name_bad, hidden_bad in columns:
        if not found:
            missing.setdefault(n, []).append(wanted.sku)
            continue
        found_drift = _drift(
            wanted, have, (type_bad, name_bad, hidden_bad), label_map, child_ids, website_ids
        )
        if found_drift:
            drift.setdefault(n, []).extend(f"{wanted.sku}: {d}" for d in found_drift)
    outcomes = []
    for n, unit in enumerate(units):
        if n not in missing and n not in drift:
            outcomes.append(UnitOutcome(unit.key, "unchanged", unit.skus))
            continue
        lacking = missing.get(n, [])
        result = "created" if unit.products[0].sku in lacking else "updated"
        outcomes.append(
            UnitOutcome(unit.key, result, unit.skus, drift=drift.get(n, []), created=lacking)
        )
    return outcomes


def _drift(
    wanted: WantedProduct,
    actual: Mapping[str, Any],
    flags: tuple[bool, bool, bool],
    label_map: LabelMap,
    child_ids: Mapping[str, int],
    website_ids: list[int],
) -> list[str]:
    """`product_drift`'s findings in its order, the scalar ones from the columns' `flags`."""
    type_bad, name_bad, hidden_bad = flags
    out: list[str] = []
    if type_bad:
        out.append(f"type {actual.get('type_id')} ≠ {wanted.type_id}")
    if name_bad:
        out.append(f"name {actual.get('name')!r} ≠ {wanted.name!r}")
    if wanted.type_id == "simple" and wanted.weight is not None:
        have = _decimal(actual.get("weight"))
        if have is None or have.quantize(_CENT) != wanted.weight.quantize(_CENT):
            out.append(f"weight {actual.get('weight')} ≠ {wanted.weight}")
    if hidden_bad:
        out.append(f"visibility {actual.get('visibility')} ≠ 1")
    ext = actual.get("extension_attributes") or {}
    missing_sites = sorted(set(website_ids) - {int(w) for w in ext.get("website_ids") or []})
    if missing_sites:
        out.append(f"not on website(s) {missing_sites}")
    for code, label in wanted.options.items():
        labels = label_map(code)  # asked for every option, as the loop does (it may read)
        value = custom_attribute(actual, code)
        have_label = labels.get(str(value)) if value not in (None, "") else None
        if (have_label or "").strip().lower() != label.strip().lower():
            out.append(f"{code} {have_label!r} ≠ {label!r}")
    if wanted.type_id == "configurable":
        linked = {int(i) for i in ext.get("configurable_product_links") or []}
        unlinked = [s for s in wanted.children if child_ids.get(s) not in linked]
        if unlinked:
            out.append(f"children not linked: {', '.join(unlinked[:5])}")
    return out


def _decimal(value: Any) -> Decimal | None:
    try:
        return None if value in (None, "") else Decimal(str(value))
    except ArithmeticError:
        return None
