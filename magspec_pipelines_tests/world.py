"""A running demo world for flow tests: both sandboxes on free ports and the demo tenants
pointed at them, with the state store on SQLite or PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
import httpx
import pytest

from magspec_pipelines.definitions import build_definitions
from magspec_pipelines.flows.orders.triggers import OrderCursor, evaluate_new_orders
from magspec_pipelines.flows.shared.partitions import tenant_day_key
from magspec_pipelines.flows.shared.resources import MagspecResource
from magspec_pipelines.magento.client import MagentoClient
from magspec_pipelines.tenancy import load_registry
from magspec_pipelines_tests import REPO
from magspec_pipelines_tests.magento.schema_hooks import SchemaCheckingTransport
from magspec_sandbox.scenario import DEMO_SECRETS, DemoWorld, build_world
from magspec_sandbox.server import BackgroundServer


@dataclass
class World:
    sandboxes: DemoWorld
    magento_url: str
    specter_url: str
    tenants_dir: Path
    instance: dg.DagsterInstance

    def resource(self, **overrides) -> MagspecResource:
        return MagspecResource(tenants_dir=str(self.tenants_dir), **overrides)

    def definitions(self, **overrides) -> dg.Definitions:
        return build_definitions(load_registry(str(self.tenants_dir)), self.resource(**overrides))

    def run_day(
        self, tenant: str, day: date, *, raise_on_error: bool = True, run_config=None, **overrides
    ):
        job = self.definitions(**overrides).resolve_job_def("orders")
        return job.execute_in_process(
            partition_key=tenant_day_key(tenant, day),
            instance=self.instance,
            raise_on_error=raise_on_error,
            run_config=run_config,
        )

    def pending_days(self, tenant: str) -> list[date]:
        """The days the new-order sensor would ask for right now, from an empty cursor."""
        magspec = self.resource()
        requests, _ = evaluate_new_orders(magspec.tenant(tenant), magspec, OrderCursor())
        return [date.fromisoformat(r.partition_key.keys_by_dimension["day"]) for r in requests]

    def eligible_orders(self, instance: str, statuses=("processing",)) -> list[dict]:
        orders = self.sandboxes.magento.instance(instance).orders.values()
        return [o for o in orders if o.get("status") in statuses]

    @staticmethod
    def day_of(order: dict) -> date:
        """The day an order was placed in Stockholm time (every demo shop's zone)."""
        placed = datetime.strptime(order["created_at"], "%Y-%m-%d %H:%M:%S")
        return placed.replace(tzinfo=UTC).astimezone(ZoneInfo("Europe/Stockholm")).date()

    def orders_of_day(self, instance: str, day: date, statuses=("processing",)) -> list[dict]:
        return [o for o in self.eligible_orders(instance, statuses) if self.day_of(o) == day]

    def specter(self, sbm_id: str):
        return self.sandboxes.specter.account(sbm_id)


def write_tenants(target: Path, magento_url: str, specter_url: str) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for source in sorted((REPO / "tenants").glob("*.yaml")):
        text = source.read_text(encoding="utf-8")
        text = re.sub(r"http://127\.0\.0\.1:8781", magento_url, text)
        text = re.sub(r"http://127\.0\.0\.1:8782", specter_url, text)
        (target / source.name).write_text(text, encoding="utf-8")
    return target


@pytest.fixture(autouse=True)
def magento_exchanges_checked(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every request a flow sends to the Magento sandbox and every answer it gets is validated
    against Adobe's 2.4.8 schema, as in the client tests; except in tests marked
    `malformed_magento`, which plant payloads that break the schema on purpose."""
    if request.node.get_closest_marker("malformed_magento"):
        return
    original = MagentoClient.__init__

    def init(self, *args, **kwargs):
        if kwargs.get("transport") is None:
            kwargs["transport"] = SchemaCheckingTransport(httpx.HTTPTransport())
        original(self, *args, **kwargs)

    monkeypatch.setattr(MagentoClient, "__init__", init)


@pytest.fixture
def world(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, state_url: str, magspec_home: Path
) -> Iterator[World]:
    sandboxes = build_world(days=3, orders_per_day=4)
    with (
        BackgroundServer(sandboxes.magento.app) as magento,
        BackgroundServer(sandboxes.specter.app) as specter,
    ):
        tenants_dir = write_tenants(tmp_path / "tenants", magento.url, specter.url)
        for name, value in DEMO_SECRETS.items():
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("MAGSPEC_TENANTS_DIR", str(tenants_dir))
        monkeypatch.setenv("MAGSPEC_STATE_URL", state_url)
        with dg.instance_for_test() as instance:
            yield World(sandboxes, magento.url, specter.url, tenants_dir, instance)
