"""The quickstart demo's report, run against the test world (free ports, temporary storage)."""

from __future__ import annotations

import pytest

from magspec_pipelines.demo import run_demo


@pytest.fixture
def state_url(tmp_path):
    return f"sqlite:///{tmp_path / 'state.db'}"


def test_demo_syncs_every_tenant_and_reports_it(world, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    (tmp_path / "dagster_home").mkdir()
    assert run_demo(world.sandboxes) == 0
    out = capsys.readouterr().out
    flows_part, orders_part = out.split("\norders   runs")
    table = flows_part.split("tenant   flow")[1].splitlines()[1:]
    flow_rows = [line.split() for line in table if line.strip()]
    ran = {(row[0], row[1]) for row in flow_rows if row[2] == "ok"}
    assert ("acme", "products_to_magento") in ran and ("fjall", "products_to_specter") in ran
    assert {("acme", "stock"), ("brisk", "price_lists"), ("acme", "order_status")} <= ran
    assert not [row for row in flow_rows if row[2] == "FAILED"]
    rows = {
        line.split()[0]: line.split()
        for line in orders_part.splitlines()
        if line.split() and line.split()[0] in {"acme", "brisk", "fjall"}
    }
    assert set(rows) == {"acme", "brisk", "fjall"}
    for tenant, sbm_id in (("acme", "1001"), ("brisk", "1003"), ("fjall", "1002")):
        _, runs, read, created, skipped, parked, failed, _ = rows[tenant]
        assert int(created) == len(world.specter(sbm_id).orders) > 0
        assert int(read) == int(created) + int(skipped) + int(parked) + int(failed)
        assert int(failed) == 0
    # the deliveries staff made in Specter reached Magento as shipments
    shipped = world.sandboxes.magento.instance("acme").actions.shipments
    assert len(shipped) == 2
