"""The nightly compares of flows/shared/compare.py written as pandas merges, kept for benchmark
case 7 (`cases_compare.py`), which times them against the loops the engines run. They give the
loops' answer (magspec_pipelines_tests/benchmarks/test_compare_frames.py) but were not faster on
100,000 rows a side, so the product runs the loops (docs/architecture.md, the pandas row).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import pandas as pd

from magspec_pipelines.flows.shared.compare import ValuePlan
from magspec_pipelines.magento.models import TierPrice
from magspec_pipelines.mapping.prices import TierPlan

CREATE, UPDATE, REPAIR, UNCHANGED, NO_PRODUCT = (
    "create",
    "update",
    "repair",
    "unchanged",
    "no product",
)


def value_decisions(
    wanted_skus: Iterable[str],
    skus: Sequence[str],
    old: Mapping[str, str],
    new: Mapping[str, str],
    wanted: Mapping[str, Hashable] | None = None,
    current: Mapping[str, Hashable] | None = None,
) -> pd.DataFrame:
    """One row per wanted SKU with its `decision` (create, update, repair, unchanged, no
    product): a left merge of the wanted fingerprints on the stored ones and, in the compare
    run, of the wanted values on Magento's. Tuple values (stock's quantity and flag) are
    compared column by column."""
    import numpy as np

    frame = pd.DataFrame({"sku": list(wanted_skus)})
    frame["present"] = frame["sku"].isin(skus)
    frame["new"] = frame["sku"].map(new)
    frame = frame.merge(_column(old, "old"), on="sku", how="left")
    same = (frame["old"] == frame["new"]).to_numpy(dtype=bool)
    drift = np.zeros(len(frame), dtype=bool)
    if wanted is not None and current is not None:
        width = _width(wanted)
        merged = (
            frame[["sku"]]
            .merge(_values(wanted, "want", width), on="sku", how="left")
            .merge(_values(current, "have", width), on="sku", how="left")
        )
        differs = np.zeros(len(frame), dtype=bool)
        for i in range(width):
            # Object columns: Decimal against Decimal; a value Magento lacks (NaN) differs.
            differs |= merged[f"want_{i}"].to_numpy(dtype=object) != merged[f"have_{i}"].to_numpy(
                dtype=object
            )
        drift = same & differs
    created = frame["old"].isna().to_numpy(dtype=bool)
    decision = pd.Series(UNCHANGED, index=frame.index, dtype=object)
    decision[drift] = REPAIR
    decision[~same & ~created] = UPDATE
    decision[~same & created] = CREATE
    decision[~frame["present"].to_numpy(dtype=bool)] = NO_PRODUCT
    frame["decision"] = decision
    return frame


def plan_values_frame(
    skus: Sequence[str],
    old: Mapping[str, str],
    new: Mapping[str, str],
    wanted: Mapping[str, Hashable] | None = None,
    current: Mapping[str, Hashable] | None = None,
) -> ValuePlan:
    """`plan_values` as DataFrame merges (`value_decisions`), in the order of `skus`."""
    frame = value_decisions(skus, skus, old, new, wanted, current)
    decision = frame["decision"]
    changed = frame["sku"][decision.isin((CREATE, UPDATE))].tolist()
    drifted = frame["sku"][decision == REPAIR].tolist()
    return ValuePlan(changed, drifted)


def _column(mapping: Mapping[str, Any], name: str) -> pd.DataFrame:

    return pd.DataFrame(
        {"sku": list(mapping.keys()), name: pd.Series(list(mapping.values()), dtype=object)}
    )


def _width(mapping: Mapping[str, Hashable]) -> int:
    """How many columns a value takes: a tuple's length, else 1."""
    first = next(iter(mapping.values()), None)
    return len(first) if isinstance(first, tuple) else 1


def _values(mapping: Mapping[str, Hashable], prefix: str, width: int) -> pd.DataFrame:
    """SKU and its value, a tuple spread over `<prefix>_0`, `<prefix>_1`, ... (object columns,
    so Decimals stay Decimals)."""

    out = pd.DataFrame({"sku": list(mapping.keys())})
    values = list(mapping.values())
    if width == 1 and not (values and isinstance(values[0], tuple)):
        out[f"{prefix}_0"] = pd.Series(values, dtype=object)
        return out
    for i in range(width):
        out[f"{prefix}_{i}"] = pd.Series([v[i] for v in values], dtype=object)
    return out


_KEY = ["sku", "website", "group", "qty"]


def plan_tier_skus_frame(
    look: Sequence[str],
    wanted: Mapping[str, list[TierPrice]],
    rows: Iterable[Mapping[str, Any]],
    managed_groups: Iterable[str],
    managed_websites: Iterable[int],
) -> dict[str, TierPlan]:
    """`plan_tier_skus` as DataFrame merges: wanted rows left-merged on Magento's rows (last
    row of a key wins, as in `plan_tiers`), an anti-join for the managed rows to delete and a
    semi-join on the all-websites rows for the conflicts."""

    groups = {g.casefold() for g in managed_groups}
    websites = set(managed_websites)
    plans = {s: TierPlan(s) for s in look}
    cur = _current_frame([r for r in rows if str(r["sku"]) in plans])
    first = cur.drop_duplicates(_KEY, keep="first")[[*_KEY, "pos"]]
    last = cur.drop_duplicates(_KEY, keep="last").drop(columns="pos")
    held = first.merge(last, on=_KEY, how="left")
    want = _wanted_frame(look, wanted)
    everywhere = held.loc[held["website"] == 0, ["sku", "group", "qty"]].drop_duplicates()
    everywhere["conflict"] = True
    want = want.merge(everywhere, on=["sku", "group", "qty"], how="left")
    conflict = want["conflict"].eq(True).to_numpy(dtype=bool) & (want["website"] != 0).to_numpy()
    for sku, row in zip(want["sku"][conflict], want["row"][conflict], strict=True):
        plans[sku].conflicts.append(row)
    keep = want[~conflict].merge(held, on=_KEY, how="left")
    found = keep["raw"].notna().to_numpy(dtype=bool)
    add = (
        ~found
        | (keep["held_price"].to_numpy(dtype=object) != keep["price"].to_numpy(dtype=object))
        | (keep["held_type"].to_numpy(dtype=object) != keep["type"].to_numpy(dtype=object))
    )
    for sku, row in zip(keep["sku"][add], keep["row"][add], strict=True):
        plans[sku].add.append(row)
    managed = held[held["group"].isin(groups) & held["website"].isin(websites)]
    wanted_keys = keep[_KEY].drop_duplicates()
    wanted_keys["wanted"] = True
    gone = managed.merge(wanted_keys, on=_KEY, how="left")
    gone = gone[gone["wanted"].isna()].sort_values("pos", kind="stable")
    for sku, website, raw in zip(gone["sku"], gone["website"], gone["raw"], strict=True):
        plans[sku].delete.append(
            TierPrice(
                sku=sku,
                price=_dec(raw.get("price")),
                customer_group=str(raw.get("customer_group")),
                quantity=_dec(raw.get("quantity")),
                website_id=int(website),
                price_type=str(raw.get("price_type") or "fixed"),
            )
        )
    return plans


def _current_frame(rows: list[Mapping[str, Any]]) -> pd.DataFrame:

    return pd.DataFrame(
        {
            "sku": [str(r["sku"]) for r in rows],
            "website": pd.Series([int(r.get("website_id") or 0) for r in rows], dtype="int64"),
            "group": [str(r.get("customer_group") or "").casefold() for r in rows],
            "qty": _decimals([r.get("quantity") for r in rows]),
            "held_price": _decimals([r.get("price") for r in rows]),
            "held_type": pd.Series(
                [str(r.get("price_type") or "fixed") for r in rows], dtype=object
            ),
            "pos": pd.Series(range(len(rows)), dtype="int64"),
            "raw": pd.Series(rows, dtype=object),
        }
    )


def _wanted_frame(look: Sequence[str], wanted: Mapping[str, list[TierPrice]]) -> pd.DataFrame:

    rows = [r for s in look for r in wanted.get(s, [])]
    return pd.DataFrame(
        {
            "sku": [r.sku for r in rows],
            "website": pd.Series([int(r.website_id) for r in rows], dtype="int64"),
            "group": [r.customer_group.casefold() for r in rows],
            "qty": _decimals([r.quantity for r in rows]),
            "price": _decimals([r.price for r in rows]),
            "type": pd.Series([r.price_type for r in rows], dtype=object),
            "row": pd.Series(rows, dtype=object),
        }
    )


def _decimals(values: list[Any]) -> pd.Series:
    """Each value as the Decimal `_dec` makes of it, for equality and hashing only: a Decimal is
    kept as it is (normalising changes no value), anything else goes through its text."""

    return pd.Series(
        [v if type(v) is Decimal else _dec(v) for v in values],
        dtype=object,
    )


def _dec(value: Any) -> Decimal:
    """As mapping.prices._dec: None and "" are 0, everything else through its text."""
    if value is None or value == "":
        return Decimal(0)
    return Decimal(str(value)).normalize()
