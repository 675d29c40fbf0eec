"""Matching what a run wants against what Magento holds: which SKUs to create, update or repair,
which tier rows to add or delete. Plain Python, no Dagster.

These loops are what the engines run. Written as pandas merges they were not faster on 100,000
rows a side (benchmark case 7, `benchmarks/compare_frames.py`, which keeps the merges and holds
them to these loops' answer), so the loops stay; docs/architecture.md (the pandas row) keeps the
figures. Prices stay Decimal throughout: compared as Decimal objects, never as floats.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from magspec_pipelines.magento.models import TierPrice
from magspec_pipelines.mapping.prices import TierPlan, plan_tiers


@dataclass
class ValuePlan:
    """What a price or stock run sends for one shop: `changed` (fingerprint differs from what was
    last written: created or updated) then `drifted` (written before, but Magento holds another
    value now: repaired), each in the order of the SKUs given."""

    changed: list[str]
    drifted: list[str]

    @property
    def to_send(self) -> list[str]:
        return self.changed + self.drifted


# -- one value per SKU (base prices, stock) ---------------------------------------------------
def plan_values(
    skus: Sequence[str],
    old: Mapping[str, str],
    new: Mapping[str, str],
    wanted: Mapping[str, Hashable] | None = None,
    current: Mapping[str, Hashable] | None = None,
) -> ValuePlan:
    """`skus` (present in Magento) whose fingerprint changed, and, when Magento's `current`
    values were read (the compare run), those unchanged by fingerprint whose `wanted` value
    Magento no longer holds."""
    changed = [s for s in skus if old.get(s) != new[s]]
    drifted: list[str] = []
    if wanted is not None and current is not None:
        drifted = [s for s in skus if old.get(s) == new[s] and current.get(s) != wanted[s]]
    return ValuePlan(changed, drifted)


# -- tier prices ------------------------------------------------------------------------------
def plan_tier_skus(
    look: Sequence[str],
    wanted: Mapping[str, list[TierPrice]],
    rows: Iterable[Mapping[str, Any]],
    managed_groups: Iterable[str],
    managed_websites: Iterable[int],
) -> dict[str, TierPlan]:
    """The tier plan of every SKU in `look`: Magento's current tier `rows` grouped by SKU, then
    `plan_tiers` per SKU."""
    groups, websites = list(managed_groups), set(managed_websites)
    current: dict[str, list[Mapping[str, Any]]] = {}
    for row in rows:
        current.setdefault(str(row["sku"]), []).append(row)
    return {s: plan_tiers(s, wanted.get(s, []), current.get(s, []), groups, websites) for s in look}
