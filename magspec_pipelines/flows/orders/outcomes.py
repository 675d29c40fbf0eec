"""What the order export hands from step to step and reports: the fetched and normalized
orders, each order's outcome, and the keys it is known by in the state store. Dagster-free."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum

from magspec_pipelines.domain import Order
from magspec_pipelines.domain.fingerprints import canonical_digest

FLOW = "orders"
# Where an order was parked decides when it is tried again (see `normalize` and `OrderExporter`).
STAGE_TRANSLATE = "translate"
STAGE_SUBMIT = "submit"


class Result(StrEnum):
    CREATED = "created"
    ALREADY_PRESENT = "already present"
    PARKED = "parked"
    FAILED = "failed"


@dataclass
class Outcome:
    shop: str
    entity_id: int
    increment_id: str
    result: Result
    specter_order_no: str = ""
    specter_invoice_no: str = ""
    reason: str = ""
    fix: str = ""
    notes: str = ""


@dataclass
class FetchedOrder:
    """A raw Magento order and the shop it belongs to."""

    shop: str
    raw: dict


@dataclass
class Normalized:
    orders: list[Order] = field(default_factory=list)
    fingerprints: dict[tuple[str, int], str] = field(default_factory=dict)
    parked: list[Outcome] = field(default_factory=list)


@dataclass
class ExportReport:
    outcomes: list[Outcome] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        counted = Counter(o.result.value for o in self.outcomes)
        return {r.value: counted.get(r.value, 0) for r in Result}

    @property
    def parked(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.result is Result.PARKED]

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.result is Result.FAILED]


def entity_key(shop: str, entity_id: int) -> str:
    return f"{shop}:{entity_id}"


def fingerprint(raw: dict) -> str:
    return canonical_digest(raw, compact=False)
