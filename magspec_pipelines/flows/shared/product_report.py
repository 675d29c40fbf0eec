"""What a catalog sync did, for the run's metadata: per unit, per shop, and in total."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from magspec_pipelines.domain.catalog import ParkedArticle
from magspec_pipelines.state.catalog import CatalogState, SyncProgress

RESULTS = ("created", "updated", "unchanged", "parked", "failed")


@dataclass(frozen=True)
class UnitOutcome:
    """One unit (configurable with children, simple product, or article) and what happened."""

    key: str
    result: str
    skus: tuple[str, ...] = ()
    drift: list[str] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    reason: str = ""


@dataclass
class ShopReport:
    counts: Counter = field(default_factory=Counter)
    # The shop's store-view names (translations), apart from the products.
    names: Counter = field(default_factory=Counter)
    error: str = ""

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {name: self.counts.get(name, 0) for name in RESULTS}
        if self.names:
            out["store view names"] = dict(sorted(self.names.items()))
        if self.error:
            out["error"] = self.error
        return out


@dataclass
class SyncReport:
    full: bool
    dry_run: bool
    counts: Counter = field(default_factory=Counter)
    shops: dict[str, ShopReport] = field(default_factory=dict)
    outcomes: list[UnitOutcome] = field(default_factory=list)
    # Store-view names (key `<store code>:<sku>`), counted apart from the units.
    name_outcomes: list[UnitOutcome] = field(default_factory=list)
    parked: list[ParkedArticle] = field(default_factory=list)
    mapped: dict[str, str] = field(default_factory=dict)
    total_units: int = 0
    progress: tuple[int, int] | None = None
    resumed_from: str | None = None
    previously_done: int = 0
    clients: list[Any] = field(default_factory=list)

    def shop(self, code: str) -> ShopReport:
        return self.shops.setdefault(code, ShopReport())

    def add(self, outcome: UnitOutcome, shops: Sequence[str]) -> None:
        self.outcomes.append(outcome)
        self.counts[outcome.result] += 1
        for code in shops:
            self.shop(code).counts[outcome.result] += 1

    def add_name(self, outcome: UnitOutcome, shop: str) -> None:
        self.name_outcomes.append(outcome)
        self.shop(shop).names[outcome.result] += 1

    @property
    def names_written(self) -> list[UnitOutcome]:
        return [o for o in self.name_outcomes if o.result == "updated"]

    @property
    def written(self) -> int:
        return self.counts["created"] + self.counts["updated"] + len(self.names_written)

    @property
    def repaired(self) -> list[UnitOutcome]:
        """Units (and store-view names) whose target had drifted from what was last written,
        and were put right."""
        every = [*self.outcomes, *self.name_outcomes]
        return [o for o in every if o.result == "updated" and o.drift]

    @property
    def failed(self) -> list[UnitOutcome]:
        return [o for o in [*self.outcomes, *self.name_outcomes] if o.result == "failed"]

    def summary(self) -> dict[str, int]:
        counts = {name: self.counts.get(name, 0) for name in RESULTS}
        counts["parked"] = len(self.parked)
        return counts


def resume_or_begin(
    catalog: CatalogState, tenant_id: str, flow: str, dry_run: bool, total: int, report: SyncReport
) -> SyncProgress:
    """The full sync of `flow` to continue: the unfinished one (its cursor, done units and
    counts carried into `report`), or a new one of `total` units."""
    progress = catalog.open_sync(tenant_id, flow, dry_run)
    if progress is None:
        return catalog.begin_sync(tenant_id, flow, dry_run=dry_run, total=total)
    report.resumed_from = progress.cursor
    report.previously_done = progress.done
    report.counts.update(progress.counts)
    catalog.record_progress(progress, resumed=True)
    return progress
