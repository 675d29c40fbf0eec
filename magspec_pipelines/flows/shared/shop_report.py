"""What one run of a price or stock sync did, per shop, and how it shows as Dagster metadata."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

PARKED_COLUMNS = ("shop", "record", "reason", "fix")


@dataclass(frozen=True)
class ParkedItem:
    shop: str
    key: str
    reason: str
    fix: str


@dataclass
class ShopReport:
    """One shop's outcome. `writes_for` names the shop whose writes also serve this one (two
    shops on one website share its prices; two shops on one source share its stock)."""

    shop: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    repaired: int = 0
    deleted: int = 0
    no_product: int = 0
    parked: list[ParkedItem] = field(default_factory=list)
    error: str | None = None
    magento_calls: int = 0
    writes_for: str | None = None

    @property
    def written(self) -> int:
        return self.created + self.updated + self.repaired + self.deleted

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "repaired": self.repaired,
            "deleted": self.deleted,
            "no product": self.no_product,
            "parked": len(self.parked),
            "magento API calls": self.magento_calls,
        }
        if self.writes_for:
            out["written with shop"] = self.writes_for
        if self.error:
            out["error"] = self.error
        return out


@dataclass
class SyncReport:
    flow: str
    shops: dict[str, ShopReport] = field(default_factory=dict)
    specter_calls: int = 0
    source: str = ""
    notes: list[str] = field(default_factory=list)

    def shop(self, code: str) -> ShopReport:
        return self.shops.setdefault(code, ShopReport(code))

    @property
    def failed_shops(self) -> list[ShopReport]:
        return [s for s in self.shops.values() if s.error]

    @property
    def parked(self) -> list[ParkedItem]:
        return [p for s in self.shops.values() for p in s.parked]

    def total(self, name: str) -> int:
        return sum(getattr(s, name) for s in self.shops.values())

    @property
    def written(self) -> int:
        return sum(s.written for s in self.shops.values())

    def metadata(
        self, table: Callable[[list[dict[str, str]], Sequence[str]], Any]
    ) -> dict[str, Any]:
        """The run as Dagster metadata; `table` renders the parked records (the wiring passes
        flows/shared/metadata.table, the one table shape of every flow)."""
        import dagster as dg

        summary = (
            "nothing changed: nothing written"
            if self.written == 0 and not self.failed_shops
            else f"{self.written} written"
        )
        meta: dict[str, Any] = {
            "summary": summary,
            "created": self.total("created"),
            "updated": self.total("updated"),
            "unchanged": self.total("unchanged"),
            "repaired": self.total("repaired"),
            "deleted": self.total("deleted"),
            "no product": self.total("no_product"),
            "parked": len(self.parked),
            "failed shops": [s.shop for s in self.failed_shops],
            "per shop": {code: s.as_dict() for code, s in sorted(self.shops.items())},
            "magento API calls": self.total("magento_calls"),
            "specter API calls": self.specter_calls,
            "parked records": table(
                [
                    {"shop": p.shop, "record": p.key, "reason": p.reason, "fix": p.fix}
                    for p in self.parked
                ],
                PARKED_COLUMNS,
            ),
        }
        if self.source:
            meta["source"] = self.source
        if self.notes:
            meta["notes"] = self.notes
        return {k: _plain(v, dg) for k, v in meta.items()}


def _plain(value: Any, dg: Any) -> Any:
    if isinstance(value, dict):
        return dg.MetadataValue.json(value)
    return value
