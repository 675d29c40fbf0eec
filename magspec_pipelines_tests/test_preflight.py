"""`magspec preflight`: says in plain words what keeps a tenant from syncing."""

from __future__ import annotations

import dataclasses

import pytest

from magspec_pipelines.cli import main
from magspec_pipelines.preflight import Verdict, preflight


@pytest.fixture
def state_url(tmp_path):
    return f"sqlite:///{tmp_path / 'state.db'}"


def run(world, tenant: str = "acme"):
    magspec = world.resource(max_attempts=1)
    return preflight(magspec.tenant(tenant), magspec.magento, magspec.specter)


def verdicts(checks) -> dict[str, Verdict]:
    return {f"{c.system}:{c.subject}": c.verdict for c in checks}


def test_a_ready_tenant_passes_every_check(world):
    checks = run(world)
    assert [c for c in checks if c.verdict is not Verdict.OK] == []
    found = verdicts(checks)
    assert found["specter:module Order/Faktura"] is Verdict.OK
    assert found["specter:module Webshopkoppling"] is Verdict.OK
    assert found["specter:shop se"] is Verdict.OK and found["specter:shop en"] is Verdict.OK
    assert found["magento:order access"] is Verdict.OK


def test_cli_prints_the_checks_and_exits_by_verdict(world, capsys):
    assert main(["preflight", "acme", "--dir", str(world.tenants_dir)]) == 0
    assert "acme: ready" in capsys.readouterr().out
    assert main(["preflight", "nobody", "--dir", str(world.tenants_dir)]) == 2


def test_missing_secret_is_named(world, monkeypatch):
    monkeypatch.delenv("MAGSPEC_ACME_SPECTER_INTEGRATION_KEY")
    (check,) = run(world)
    assert check.verdict is Verdict.FAIL
    assert "MAGSPEC_ACME_SPECTER_INTEGRATION_KEY" in check.message


def test_wrong_specter_key_is_explained(world, monkeypatch):
    monkeypatch.setenv("MAGSPEC_ACME_SPECTER_INTEGRATION_KEY", "not-the-key")
    failed = [c for c in run(world) if c.verdict is Verdict.FAIL]
    assert [c.system for c in failed] == ["specter"]
    assert "refused the credentials" in failed[0].message
    assert "not-the-key" not in failed[0].message


def test_integration_token_refused_as_bearer_is_explained(world):
    world.sandboxes.magento.instance("acme").settings.integration_as_bearer = False
    failed = [c for c in run(world) if c.verdict is Verdict.FAIL]
    assert failed and all(c.system == "magento" for c in failed)
    assert "Bearer" in failed[0].message or "bearer" in failed[0].message


def test_unknown_store_view_and_webshop_name_the_fix(world):
    path = world.tenants_dir / "acme.yaml"
    text = path.read_text().replace("store_code: en", "store_code: eng")
    path.write_text(text.replace('webshop_id: "2"', 'webshop_id: "9"'))
    failed = {f"{c.system}:{c.subject}": c.message for c in run(world) if c.verdict is Verdict.FAIL}
    assert set(failed) == {"magento:shop en", "specter:shop en"}
    assert "no store view 'eng'" in failed["magento:shop en"]
    assert "shops[].store_code" in failed["magento:shop en"]
    assert "no web shop 9" in failed["specter:shop en"]
    assert "shops[].webshop_id" in failed["specter:shop en"]


def test_a_specter_without_the_assumed_reads_asks_to_confirm_by_hand(world):
    account = world.specter("1001")
    account.spec = dataclasses.replace(account.spec, assumed_reads=False)
    checks = run(world)
    assert not [c for c in checks if c.verdict is Verdict.FAIL]
    warned = {c.subject for c in checks if c.verdict is Verdict.WARN}
    assert warned == {"modules", "web shops"}
