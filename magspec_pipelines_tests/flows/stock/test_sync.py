"""Stock end to end: Specter's stock queue → staged levels → Magento sources, with the queue
staged before it is acknowledged."""

from __future__ import annotations

from decimal import Decimal

import pytest

from magspec_pipelines.flows.stock.engine import StockSync
from magspec_pipelines.flows.stock.triggers import evaluate_stock_queue
from magspec_pipelines.state.pricing import PricingState
from magspec_pipelines_tests.flows.prices.test_sync import SQLITE_ONLY, metadata, run

SKU = "24-MB01"


def source_qty(world, instance: str, sku: str, source: str) -> tuple[float, int]:
    item = world.sandboxes.magento.instance(instance).inventory.items[(sku, source)]
    return item["quantity"], item["status"]


def engine(world, tenant: str) -> StockSync:
    magspec = world.resource()
    t = magspec.tenant(tenant)
    return StockSync(
        t,
        magspec.state,
        magspec.specter(t),
        magspec.magento,
        config_path=lambda key: magspec.registry.config_path(tenant, key),
    )


def test_on_hand_reaches_each_shops_source_and_a_rerun_writes_nothing(world):
    acme = world.specter("1001")
    acme.set_stock(SKU, Decimal(37))
    # An open order reserves stock in Specter: Magento must still get on hand, not available.
    acme.stock[SKU]["1"]["reserved"] = Decimal(5)

    first = metadata(run(world, "stock", "acme"), "stock__stock_levels")
    assert source_qty(world, "acme", SKU, "se_warehouse") == (37, 1)
    assert source_qty(world, "acme", SKU, "eu_warehouse") == (37, 1)
    assert first["created"] > 1000
    assert first["changes staged"] >= first["created"] // 2

    acme.set_stock(SKU, Decimal(0))
    second = metadata(run(world, "stock", "acme"), "stock__stock_levels")
    assert source_qty(world, "acme", SKU, "se_warehouse") == (0, 0)  # out of stock too
    assert second["updated"] == 2  # the SE and EU sources; b2b shares se_warehouse
    assert second["per shop"]["b2b"]["written with shop"] == "se"

    third = metadata(run(world, "stock", "acme"), "stock__stock_levels")
    assert third["created"] == third["updated"] == 0
    assert third["summary"].startswith("nothing changed")


@SQLITE_ONLY
def test_a_crash_between_stage_and_apply_loses_nothing(world):
    acme = world.specter("1001")
    stock = engine(world, "acme")
    stock.drain()  # everything staged and acknowledged: Specter forgets it
    acme.set_stock(SKU, Decimal(11))
    stock.drain()
    assert acme.stock_queue.pending() == []
    # ... the process dies here, before anything reached Magento ...
    pending = PricingState(world.resource().state).pending_stock("acme")
    assert any(p.level.article_no == SKU and p.level.quantity == 11 for p in pending)
    engine(world, "acme").apply()
    assert source_qty(world, "acme", SKU, "se_warehouse") == (11, 1)
    assert PricingState(world.resource().state).pending_stock("acme") == []


@SQLITE_ONLY
def test_a_crash_between_fetch_and_ack_gives_the_batch_back_once(world):
    acme = world.specter("1001")
    client = world.resource().specter(world.resource().tenant("acme"))
    stock = engine(world, "acme")
    stock.drain()
    acme.set_stock(SKU, Decimal(23))
    batch = client.stock_changes()  # fetched, staged, but the ack never happened
    assert stock.stage(batch)
    drained = engine(world, "acme").drain()
    assert drained.recovered == 1 and drained.already_staged == 1
    staged = PricingState(world.resource().state).stock_levels("acme", [SKU])
    assert [s.level.quantity for s in staged] == [Decimal(23)]


@SQLITE_ONLY
def test_hand_edit_of_stock_is_repaired_by_the_compare(world):
    run(world, "stock", "acme")
    item = world.sandboxes.magento.instance("acme").inventory.items[(SKU, "se_warehouse")]
    right = item["quantity"]
    item["quantity"] = 999
    compared = metadata(run(world, "stock", "acme", compare=True), "stock__stock_levels")
    assert compared["repaired"] >= 1
    assert item["quantity"] == right


@SQLITE_ONLY
def test_sensor_asks_for_one_run_per_new_batch(world):
    magspec = world.resource()
    tenant = magspec.tenant("acme")
    first = evaluate_stock_queue(tenant, magspec)
    assert [r.partition_key for r in first.run_requests] == ["acme"]
    again = evaluate_stock_queue(tenant, magspec)
    assert [r.run_key for r in again.run_requests] == [r.run_key for r in first.run_requests]
    run(world, "stock", "acme")
    idle = evaluate_stock_queue(tenant, magspec)
    assert not idle.run_requests
    world.specter("1001").set_stock(SKU, Decimal(4))
    nudged = evaluate_stock_queue(tenant, magspec)
    assert nudged.run_requests and nudged.run_requests[0].run_key != first.run_requests[0].run_key


@pytest.mark.parametrize("state_url", ["sqlite"], indirect=True)
def test_shop_without_source_gets_the_default_source(world):
    brisk = world.specter("1003")
    brisk.set_stock(SKU, Decimal(8))
    meta = metadata(run(world, "stock", "brisk"), "stock__stock_levels")
    assert source_qty(world, "brisk", SKU, "default") == (8, 1)  # shop se: no stock_source
    assert source_qty(world, "brisk", SKU, "b2b_warehouse") == (8, 1)
    assert set(meta["per shop"]) == {"se", "b2b"}
