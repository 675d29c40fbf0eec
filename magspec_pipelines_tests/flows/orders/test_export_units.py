"""Small pieces of the order export that reports and reruns depend on."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from magspec_pipelines.flows.orders.outcomes import (
    ExportReport,
    Outcome,
    Result,
    entity_key,
    fingerprint,
)


def test_counts_name_every_result_even_when_none_happened():
    assert ExportReport().counts() == {
        "created": 0,
        "already present": 0,
        "parked": 0,
        "failed": 0,
    }
    report = ExportReport(
        outcomes=[
            Outcome("se", 1, "1", Result.CREATED),
            Outcome("se", 2, "2", Result.PARKED),
            Outcome("se", 3, "3", Result.PARKED),
        ]
    )
    assert report.counts() == {"created": 1, "already present": 0, "parked": 2, "failed": 0}
    assert [o.entity_id for o in report.parked] == [2, 3] and report.failed == []


def test_a_fingerprint_is_the_content_not_its_order_or_types():
    a = {"entity_id": 1, "grand_total": Decimal("10.50"), "created_at": date(2026, 12, 1)}
    b = {"created_at": date(2026, 12, 1), "grand_total": Decimal("10.50"), "entity_id": 1}
    assert fingerprint(a) == fingerprint(b)
    assert len(fingerprint(a)) == 32 and int(fingerprint(a), 16) >= 0
    assert fingerprint(a) != fingerprint({**a, "grand_total": Decimal("10.51")})
    assert fingerprint({}) != fingerprint({"x": None})


def test_entity_keys_are_shop_and_entity():
    assert entity_key("se", 26) == "se:26"
