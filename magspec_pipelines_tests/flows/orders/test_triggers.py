"""The new-order sensor and the safety-net schedule, asserted on run requests and cursors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import dagster as dg
import pytest

from magspec_pipelines.flows.orders.triggers import OrderCursor


def tick(world, tenant: str, cursor: str | None):
    defs = world.definitions()
    sensor = defs.resolve_sensor_def(f"orders_new_{tenant}")
    with dg.build_sensor_context(
        instance=world.instance,
        cursor=cursor,
        resources={"magspec": world.resource()},
        definitions=defs,
    ) as context:
        return sensor.evaluate_tick(context)


def days_of(requests) -> list[str]:
    return sorted(r.partition_key.keys_by_dimension["day"] for r in requests)


@pytest.fixture
def state_url(tmp_path):
    """Trigger logic does not depend on the state backend: SQLite only."""
    return f"sqlite:///{tmp_path / 'state.db'}"


def test_first_tick_asks_for_every_day_with_eligible_orders(world):
    data = tick(world, "acme", None)
    expected = sorted({world.day_of(o).isoformat() for o in world.eligible_orders("acme")})
    assert days_of(data.run_requests) == expected
    keys = [r.run_key for r in data.run_requests]
    assert len(set(keys)) == len(keys)
    assert all(r.partition_key.keys_by_dimension["tenant"] == "acme" for r in data.run_requests)
    assert all(r.tags["magspec/tenant"] == "acme" for r in data.run_requests)


def test_a_repeated_tick_is_harmless_and_the_next_asks_for_nothing(world):
    first = tick(world, "acme", None)
    again = tick(world, "acme", None)
    assert [r.run_key for r in again.run_requests] == [r.run_key for r in first.run_requests]
    after = tick(world, "acme", first.cursor)
    assert after.run_requests == []
    assert "no new eligible orders" in (after.skip_message or "")


def test_new_and_newly_eligible_orders_are_picked_up(world):
    first = tick(world, "acme", None)
    shop = world.sandboxes.magento.instance("acme")
    placed = shop.place_order(store_code="en", status="processing")
    pending = shop.place_order(store_code="se", status="pending", state="new")
    data = tick(world, "acme", first.cursor)
    assert days_of(data.run_requests) == [world.day_of(placed).isoformat()]
    # a pending order becomes eligible when its status changes
    shop.set_status(pending["entity_id"], "processing", "processing")
    later = tick(world, "acme", data.cursor)
    assert days_of(later.run_requests) == [world.day_of(pending).isoformat()]
    assert later.run_requests[0].run_key != data.run_requests[0].run_key


def test_orders_saved_in_the_watermark_second_are_not_lost(world):
    first = tick(world, "acme", None)
    watermark = OrderCursor.load(first.cursor).watermark
    shop = world.sandboxes.magento.instance("acme")
    # An order saved in the same second as the newest one already seen: a strict `>` misses it.
    twin = shop.place_order(store_code="se", status="processing")
    shop.orders[twin["entity_id"]] = {**twin, "updated_at": watermark}
    data = tick(world, "acme", first.cursor)
    assert days_of(data.run_requests) == [world.day_of(twin).isoformat()]


def test_bound_orders_are_not_requested_again(world):
    for day in world.pending_days("acme"):
        world.run_day("acme", day)
    assert tick(world, "acme", None).run_requests == []


def test_schedule_rechecks_yesterday_and_today(world):
    defs = world.definitions()
    schedule = defs.resolve_schedule_def("orders_safety_net_acme")
    moment = datetime(2026, 11, 20, 23, 30, tzinfo=UTC)  # 00:30 on the 21st in Stockholm
    repo = defs.get_repository_def()
    context = dg.build_schedule_context(
        instance=world.instance, scheduled_execution_time=moment, repository_def=repo
    )
    data = schedule.evaluate_tick(context)
    assert days_of(data.run_requests) == ["2026-11-20", "2026-11-21"]
    later = dg.build_schedule_context(
        instance=world.instance,
        scheduled_execution_time=moment + timedelta(minutes=30),
        repository_def=repo,
    )
    keys = {r.run_key for r in schedule.evaluate_tick(later).run_requests}
    assert not keys & {r.run_key for r in data.run_requests}
