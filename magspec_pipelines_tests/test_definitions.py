"""The code location: its shape is snapshotted, so a rename that orphans history fails loudly."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest
from syrupy.extensions.json import JSONSnapshotExtension

from magspec_pipelines.definitions import build_definitions
from magspec_pipelines.tenancy import load_registry
from magspec_pipelines_tests import REPO


def describe(defs: dg.Definitions) -> dict:
    graph = defs.resolve_asset_graph()
    partitions = {}
    for key in sorted(graph.get_all_asset_keys()):
        pdef = graph.get(key).partitions_def
        if isinstance(pdef, dg.MultiPartitionsDefinition):
            partitions[key.to_user_string()] = {
                dim.name: (
                    dim.partitions_def.get_partition_keys()
                    if isinstance(dim.partitions_def, dg.StaticPartitionsDefinition)
                    else type(dim.partitions_def).__name__
                )
                for dim in pdef.partitions_defs
            }
    repo = defs.get_repository_def()
    return {
        "asset_keys": sorted(k.to_user_string() for k in graph.get_all_asset_keys()),
        "asset_checks": sorted(k.to_user_string() for k in graph.asset_check_keys),
        "partitions": partitions,
        "jobs": sorted(j.name for j in repo.get_all_jobs() if not j.name.startswith("__")),
        "schedules": sorted(s.name for s in repo.schedule_defs),
        "sensors": sorted(s.name for s in repo.sensor_defs),
    }


def test_definitions_match_the_snapshot(snapshot):
    """The code location's shape; an intended change is accepted with
    `./dev test magspec_pipelines_tests/test_definitions.py --snapshot-update`."""
    current = describe(build_definitions(load_registry(str(REPO / "tenants"))))
    assert current == snapshot(extension_class=JSONSnapshotExtension)


def test_a_broken_tenant_file_leaves_the_others_and_fails_loudly(tmp_path):
    tenants = tmp_path / "tenants"
    shutil.copytree(REPO / "tenants", tenants)
    broken = (tenants / "fjall.yaml").read_text().replace("currency: SEK", "currency: SEKK")
    (tenants / "fjall.yaml").write_text(broken)
    registry = load_registry(str(tenants))
    defs = build_definitions(registry)
    shape = describe(defs)
    assert "orders_new_acme" in shape["sensors"] and "orders_new_brisk" in shape["sensors"]
    assert "orders_new_fjall" not in shape["sensors"]
    assert shape["partitions"]["orders/specter_documents"]["tenant"] == ["acme", "brisk"]
    sensor = defs.resolve_sensor_def("tenant_registry")
    with (
        dg.build_sensor_context() as context,
        pytest.raises(dg.DagsterError, match=r"fjall\.yaml.*shops\[0\]\.currency"),
    ):
        os.environ["MAGSPEC_TENANTS_DIR"] = str(tenants)
        try:
            sensor.evaluate_tick(context)
        finally:
            del os.environ["MAGSPEC_TENANTS_DIR"]


def test_dagster_validates_the_workspace(tmp_path):
    env = {
        **os.environ,
        "DAGSTER_HOME": str(tmp_path),
        "MAGSPEC_TENANTS_DIR": str(REPO / "tenants"),
    }
    dagster = Path(sys.executable).parent / "dagster"
    done = subprocess.run(
        [str(dagster), "definitions", "validate", "-w", str(REPO / "workspace.yaml")],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stdout + done.stderr
