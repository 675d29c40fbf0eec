"""Tenant files as untrusted input: whatever one file holds, loading takes bounded time and
memory, its problems name the file, the tenant and the field, and the other tenants still load
(in the registry, in `magspec tenants validate` and in the code location)."""

from __future__ import annotations

import random
import tracemalloc
from pathlib import Path

import dagster as dg
import pytest
from dagster._utils.schedules import is_valid_cron_string

from magspec_pipelines.cli import main
from magspec_pipelines.definitions import build_definitions
from magspec_pipelines.tenancy import CronSettings, load_registry
from magspec_pipelines.tenancy.reading import MAX_FILE_BYTES
from magspec_pipelines.tenancy.validators import cron_problem
from magspec_pipelines_tests.tenancy.entries import ACME, tenant_entry


def _errors(registry) -> list[str]:
    return [str(e) for e in registry.errors]


def _billion_laughs(levels: int = 9) -> str:
    """Nine levels of nine aliases: a few hundred bytes that expand to 9**9 strings."""
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels):
        lines.append(f"l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * 9) + "]")
    return "\n".join(lines) + f"\nname: *l{levels - 1}\n"


def _acme_text(**changes) -> str:
    import yaml

    return yaml.safe_dump(tenant_entry(**changes), sort_keys=False)


# --- time zones -----------------------------------------------------------------------------


def test_a_tzdata_folder_is_not_a_time_zone_and_the_others_load(write_tenant) -> None:
    write_tenant(tenant_entry("acme", timezone="Europe"))
    shop = {**ACME["shops"][0], "timezone": "America/Argentina"}
    write_tenant(tenant_entry("beta", shops=[shop]))
    write_tenant(tenant_entry("gamma"))
    registry = load_registry()

    assert sorted(registry.tenants) == ["gamma"]
    assert _errors(registry) == [
        "tenants/acme.yaml: tenant 'acme': timezone: 'Europe' is not a time zone (a tzdata "
        "folder; allowed: a zone inside it, e.g. 'Europe/Stockholm')",
        "tenants/beta.yaml: tenant 'beta': shops[0].timezone: 'America/Argentina' is not a "
        "time zone (a tzdata folder; allowed: a zone inside it, e.g. "
        "'America/Argentina/Buenos_Aires')",
    ]


# --- crons ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cron", "why"),
    [
        ("*/0 * * * *", "'*/0' steps by 0"),
        ("0 0 31 2 *", "never fires: February has no day 31"),
        ("0 0 30 2 *", "never fires: February has no day 30"),
        ("0 0 31 4,6 *", "never fires: April and June have no day 31"),
        ("0 0 1 * 1-5/0", "'1-5/0' steps by 0"),
        ("0 0 1 1 ²", "in the day of week field, '²' is not valid"),
    ],
)
def test_a_cron_dagster_cannot_run_is_an_error_of_its_field(write_tenant, cron, why) -> None:
    write_tenant(tenant_entry(cron={"orders": cron}))
    write_tenant(tenant_entry("beta", pricing={"compare_cron": cron}))
    write_tenant(tenant_entry("gamma"))
    registry = load_registry()

    assert sorted(registry.tenants) == ["gamma"]
    acme, beta = registry.errors
    assert (acme.file, acme.tenant, acme.path) == ("tenants/acme.yaml", "acme", "cron.orders")
    assert (beta.path, beta.tenant) == ("pricing.compare_cron", "beta")
    assert why in acme.message
    assert acme.message.startswith(repr(cron))


def test_every_cron_the_registry_accepts_dagster_accepts() -> None:
    """Random expressions near the edges of each field: the registry is never more lenient
    than Dagster's own check (which refuses the location's definitions)."""
    rng = random.Random(20261101)
    fields = [(0, 59, []), (0, 23, []), (1, 31, []), (1, 12, ["feb", "apr"]), (0, 7, ["sun"])]

    def item(low: int, high: int, names: list[str]) -> str:
        values = [str(v) for v in (low, high, low + 1, high - 1, rng.randint(low, high))]
        value = lambda: rng.choice(values + names)  # noqa: E731
        kind = rng.random()
        text = "*" if kind < 0.3 else value() if kind < 0.6 else f"{value()}-{value()}"
        return text + (f"/{rng.choice([0, 1, 2, 7, 30, 31, 60])}" if rng.random() < 0.4 else "")

    accepted = 0
    for _ in range(4000):
        cron = " ".join(",".join(item(*f) for _ in range(rng.choice([1, 1, 2]))) for f in fields)
        if cron_problem(cron) is None:
            accepted += 1
            assert is_valid_cron_string(cron), cron
    assert accepted > 500  # the sample is not all refusals


# --- limits on the file itself --------------------------------------------------------------


@pytest.mark.timeout(5)
def test_an_alias_bomb_is_refused_quickly_and_small(write_tenant) -> None:
    write_tenant(tenant_entry("beta"))
    write_tenant(_acme_text().replace("name: ACME Outdoor AB\n", _billion_laughs()))

    tracemalloc.start()
    try:
        registry = load_registry()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert peak < 20 * 1024 * 1024
    assert sorted(registry.tenants) == ["beta"]
    (error,) = registry.errors
    assert error.file == "tenants/acme.yaml" and error.tenant == "acme"
    assert "refused: YAML aliases expand the file to more than" in error.message


def test_aliases_that_share_settings_are_fine(write_tenant) -> None:
    import yaml

    entry = tenant_entry()
    del entry["shops"]
    shops = (
        "shops:\n"
        "  - &se {code: se, store_code: se, website: se, currency: SEK, language: SE,"
        " webshop_id: '1'}\n"
        "  - {<<: *se, code: dk, store_code: dk, website: dk, currency: DKK, webshop_id: '2'}\n"
    )
    write_tenant(yaml.safe_dump(entry, sort_keys=False) + shops)
    registry = load_registry()

    assert registry.errors == []
    assert registry.tenant("acme").shop("dk").language == "SE"


def test_an_alias_inside_its_own_anchor_is_refused(write_tenant) -> None:
    write_tenant(_acme_text().replace("plugins: []", "plugins: &me [*me]"))
    (error,) = load_registry().errors
    assert error.message.startswith("refused: the anchored value at line ")
    assert error.message.endswith(
        "contains an alias of itself (allowed: aliases of values defined before, outside them)"
    )


def test_a_file_over_the_size_limit_is_refused(write_tenant) -> None:
    padding = "# " + "x" * 1000 + "\n"
    write_tenant(_acme_text() + padding * (MAX_FILE_BYTES // len(padding) + 1))
    write_tenant(tenant_entry("beta"))
    registry = load_registry()

    assert sorted(registry.tenants) == ["beta"]
    (error,) = registry.errors
    assert error.message.startswith("refused: the file is larger than 256 KiB")


def test_deep_nesting_is_refused(write_tenant) -> None:
    write_tenant(_acme_text().replace("plugins: []", "plugins: " + "[" * 40 + "]" * 40))
    (error,) = load_registry().errors
    assert "refused: values nest more than 32 levels deep" in error.message


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("1" + "0" * 5000, "Exceeds the limit (4300 digits)"),
        ("2026-13-45", "month must be in 1..12"),
    ],
)
def test_a_value_yaml_cannot_build_is_an_error_of_its_file(write_tenant, value, shown) -> None:
    write_tenant(_acme_text().replace("name: ACME Outdoor AB", f"name: {value}"))
    write_tenant(tenant_entry("beta"))
    registry = load_registry()

    assert sorted(registry.tenants) == ["beta"]
    (error,) = registry.errors
    assert error.file == "tenants/acme.yaml"
    assert "a value cannot be read" in error.message and shown in error.message
    assert len(str(error)) < 400


def test_huge_values_are_never_echoed_whole(write_tenant) -> None:
    shops = [{**ACME["shops"][0], "code": f"s{i}", "currency": "x" * 500} for i in range(200)]
    write_tenant(tenant_entry(timezone="Z" * 50_000, shops=shops))
    errors = load_registry().errors

    assert errors[0].path == "timezone" and len(str(errors[0])) < 200
    assert all(len(str(e)) <= 500 for e in errors)
    # The time zone and 200 bad currencies: capped, with a count of the rest.
    assert len(errors) == 51
    assert errors[-1].message.startswith("and ") and "more error(s) in this file" in str(errors[-1])


# --- paths in the tenant file ---------------------------------------------------------------


def test_a_folder_outside_the_tenant_folder_is_refused(write_tenant, tenants_dir) -> None:
    outside = tenants_dir.parent / "elsewhere"
    outside.mkdir()
    (tenants_dir / "link").symlink_to(outside, target_is_directory=True)
    (tenants_dir / "prices").mkdir()
    write_tenant(tenant_entry("acme", pricing={"price_list_folder": "../../../../etc"}))
    write_tenant(tenant_entry("beta", pricing={"price_list_folder": str(outside)}))
    write_tenant(tenant_entry("gamma", pricing={"price_list_folder": "link"}))
    write_tenant(tenant_entry("delta", pricing={"price_list_folder": "prices"}))
    write_tenant(tenant_entry("zeta", pricing={"price_list_folder": "not/yet/there"}))
    registry = load_registry()

    assert sorted(registry.tenants) == ["delta", "zeta"]
    assert _errors(registry)[0] == (
        "tenants/acme.yaml: tenant 'acme': pricing.price_list_folder: '../../../../etc' is "
        "outside the tenant folder tenants/ (allowed: a path inside it, without '..' or a "
        "symlink leading out)"
    )
    assert [(e.tenant, e.path) for e in registry.errors] == [
        ("acme", "pricing.price_list_folder"),
        ("beta", "pricing.price_list_folder"),
        ("gamma", "pricing.price_list_folder"),
    ]


def test_translation_and_mapping_files_must_exist_inside_the_folder(
    write_tenant, tenants_dir
) -> None:
    (tenants_dir.parent / "secret.csv").write_text("sku,name\nA,b\n")
    (tenants_dir / "escape.csv").symlink_to(tenants_dir.parent / "secret.csv")
    (tenants_dir / "folder.csv").mkdir()
    (tenants_dir / "names_en.csv").write_text("sku,name\nA,b\n")
    (tenants_dir / "variants.csv").write_text("article_no,parent\nA-1,A\n")

    def catalog(en: str, grouping_file: str) -> dict:
        grouping = {"by": "mapping_file", "file": grouping_file}
        return {"name_translations": {"EN": en}, "grouping": grouping}

    write_tenant(tenant_entry("acme", catalog=catalog("names_missing.csv", "variants.csv")))
    write_tenant(tenant_entry("beta", catalog=catalog("escape.csv", "../../etc/passwd")))
    write_tenant(tenant_entry("gamma", catalog=catalog("folder.csv", "nowhere.csv")))
    write_tenant(tenant_entry("delta", catalog=catalog("names_en.csv", "variants.csv")))
    registry = load_registry()

    assert sorted(registry.tenants) == ["delta"]
    assert _errors(registry)[0] == (
        "tenants/acme.yaml: tenant 'acme': catalog.name_translations.EN: 'names_missing.csv' "
        "does not exist (allowed: a CSV file with the columns sku and name, in tenants/)"
    )
    found = {(e.tenant, e.path): e.message for e in registry.errors}
    assert set(found) == {
        ("acme", "catalog.name_translations.EN"),
        ("beta", "catalog.name_translations.EN"),
        ("beta", "catalog.grouping.file"),
        ("gamma", "catalog.name_translations.EN"),
        ("gamma", "catalog.grouping.file"),
    }
    assert "outside the tenant folder" in found["beta", "catalog.name_translations.EN"]
    assert "outside the tenant folder" in found["beta", "catalog.grouping.file"]
    assert "'folder.csv' is a folder" in found["gamma", "catalog.name_translations.EN"]
    assert "'nowhere.csv' does not exist" in found["gamma", "catalog.grouping.file"]


# --- the command and the code location ------------------------------------------------------


def _hostile_registry(write_tenant) -> None:
    write_tenant(tenant_entry("acme", timezone="Europe"))
    write_tenant(tenant_entry("beta", cron={"orders": "*/0 * * * *"}))
    write_tenant(
        _acme_text(id="gamma").replace("name: ACME Outdoor AB\n", _billion_laughs()), "gamma.yaml"
    )
    write_tenant(tenant_entry("delta", pricing={"price_list_folder": "../../../../etc"}))
    write_tenant(tenant_entry("eps", catalog={"name_translations": {"EN": "names_en.csv"}}))
    write_tenant(tenant_entry("good"))


@pytest.mark.timeout(30)
def test_validate_lists_every_problem_and_exits_1(write_tenant, capsys) -> None:
    _hostile_registry(write_tenant)

    assert main(["tenants", "validate", "--dir", "tenants"]) == 1
    out = capsys.readouterr().out
    assert "good " in out and "5 error(s):" in out
    for line in (
        "tenants/acme.yaml: tenant 'acme': timezone: 'Europe' is not a time zone",
        "tenants/beta.yaml: tenant 'beta': cron.orders: '*/0 * * * *'",
        "tenants/gamma.yaml: tenant 'gamma': refused: YAML aliases expand",
        "tenants/delta.yaml: tenant 'delta': pricing.price_list_folder: '../../../../etc'",
        "tenants/eps.yaml: tenant 'eps': catalog.name_translations.EN: 'names_en.csv' does not",
    ):
        assert line in out


@pytest.mark.timeout(60)
def test_the_code_location_loads_the_good_tenants_and_shows_the_broken(
    write_tenant, tenants_dir, monkeypatch
) -> None:
    _hostile_registry(write_tenant)
    monkeypatch.setenv("MAGSPEC_TENANTS_DIR", str(tenants_dir))
    defs = build_definitions()

    repo = defs.get_repository_def()
    schedules = sorted(s.name for s in repo.schedule_defs if s.name.startswith("orders_"))
    assert schedules == ["orders_safety_net_good"]
    sensor = defs.resolve_sensor_def("tenant_registry")
    assert "5 error(s) left tenants out" in (sensor.description or "")
    assert "tenants/delta.yaml: tenant 'delta': pricing.price_list_folder" in sensor.description
    with dg.build_sensor_context() as context, pytest.raises(dg.DagsterError, match="gamma"):
        sensor.evaluate_tick(context)


def test_a_tenant_dagster_refuses_is_left_out_and_reported(write_tenant) -> None:
    write_tenant(tenant_entry("acme"))
    write_tenant(tenant_entry("beta"))
    registry = load_registry()
    # A cron that got past the registry's checks (as `*/0` did before they knew it).
    beta = registry.tenants["beta"]
    bad = CronSettings.model_construct(**{**beta.cron.model_dump(), "orders": "*/0 * * * *"})
    registry.tenants["beta"] = beta.model_copy(update={"cron": bad})

    defs = build_definitions(registry)
    names = {s.name for s in defs.get_repository_def().schedule_defs}
    assert "orders_safety_net_acme" in names and "orders_safety_net_beta" not in names
    sensor = defs.resolve_sensor_def("tenant_registry")
    assert "tenants/beta.yaml: tenant 'beta': Dagster refused its definitions" in (
        sensor.description or ""
    )
    with (
        dg.build_sensor_context() as context,
        pytest.raises(dg.DagsterError, match="beta.*Dagster refused"),
    ):
        sensor.evaluate_tick(context)


def test_a_registry_folder_given_with_dots_still_contains_its_paths(
    write_tenant, tenants_dir
) -> None:
    (tenants_dir / "prices").mkdir()
    write_tenant(tenant_entry("acme", pricing={"price_list_folder": "prices/../prices"}))
    registry = load_registry(Path("..") / tenants_dir.parent.name / "tenants")
    assert registry.errors == [] and list(registry.tenants) == ["acme"]
