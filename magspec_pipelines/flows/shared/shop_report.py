"""What one run of a price or stock sync did, per shop (shown as metadata by shop_assets)."""

from __future__ import annotations

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
