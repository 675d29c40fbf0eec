"""The benchmark harness at a small size: correctness only, never time.

The catalog push run again with nothing changed writes nothing to Magento, and the order export
brings every eligible order to Specter exactly once, also when it runs a second time.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from benchmarks.cases_sync import export_orders, magspec_for, push_catalog
from benchmarks.world import ORDERS_ACCOUNT, ORDERS_INSTANCE, BenchSpec, Sandboxes

SPEC = BenchSpec(skus=150, orders=40, order_days=2, latency_ms=0, item_ms=0, concurrency=4)


@pytest.fixture(scope="module")
def sandboxes():
    with Sandboxes(SPEC, in_process=True) as running:
        yield running


def test_catalog_push_then_no_change_run_writes_nothing(sandboxes, tmp_path: Path):
    with magspec_for(sandboxes, SPEC, tmp_path) as magspec:
        first, counts = push_catalog(sandboxes, magspec)
        second, again = push_catalog(sandboxes, magspec)
    for flow in ("products_to_magento", "prices", "price_lists", "stock"):
        assert counts[f"{flow} created"] == SPEC.skus, (flow, dict(counts))
        assert again[f"{flow} created"] == 0 and again[f"{flow} updated"] == 0
    # every SKU carries a product, a base price, two tier rows and its stock
    assert first.items["magento"] >= 5 * SPEC.skus
    assert second.writes["magento"] == 0, second.by_route["magento"]
    assert second.writes["specter"] == 0
    # nothing changed, so nothing is looked up in the catalog either
    assert not [r for r in second.by_route["magento"] if r.endswith("/V1/products")]


def test_order_export_brings_every_order_once(sandboxes, tmp_path: Path):
    eligible = sandboxes.magento_orders(ORDERS_INSTANCE, status="processing")
    assert len(eligible) == SPEC.orders
    with magspec_for(sandboxes, SPEC, tmp_path) as magspec:
        _, counts, failed_runs = export_orders(sandboxes, magspec)
        _, counts_again, _ = export_orders(sandboxes, magspec)
    assert failed_runs == 0
    assert counts["created"] == SPEC.orders
    assert counts_again["created"] == 0
    held = Counter(o.get("externalOrderNo") for o in sandboxes.specter_orders(ORDERS_ACCOUNT))
    assert {str(o["increment_id"]): 1 for o in eligible} == {
        str(k): v for k, v in held.items() if k
    }
