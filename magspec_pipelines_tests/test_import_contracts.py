"""The engines contract in pyproject.toml ([tool.importlinter], run by `lint-imports`) lists the
flow engines by name: a new flows module must be listed there or be Dagster wiring, else it would
escape the "engines run without Dagster" contract unnoticed."""

from __future__ import annotations

import re
import tomllib

from magspec_pipelines_tests import REPO

ENGINES_CONTRACT = "Flow engines run without Dagster"
# Modules that wire a flow into Dagster, by their last name anywhere under flows/ ...
WIRING = {"assets", "checks", "triggers", "definitions"}
# ... and the Dagster wiring that several flows share.
SHARED_WIRING = {
    "definitions",
    "partitions",
    "resources",
    "schedules",
    "shop_assets",
    "product_runs",
    "checks",
    "metadata",
}


def _flows_modules() -> list[str]:
    root = REPO / "magspec_pipelines" / "flows"
    modules = []
    for path in sorted(root.rglob("*.py")):
        if path.name == "__init__.py":
            continue
        parts = path.relative_to(REPO).with_suffix("").parts
        modules.append(".".join(parts))
    return modules


def _engine_patterns() -> list[re.Pattern[str]]:
    config = tomllib.loads((REPO / "pyproject.toml").read_text())
    contracts = config["tool"]["importlinter"]["contracts"]
    (engines,) = [c for c in contracts if c["name"].startswith(ENGINES_CONTRACT)]
    # import-linter's `*` stands for one module name.
    return [
        re.compile(re.escape(m).replace(r"\*", r"[^.]+") + r"(\..+)?")
        for m in engines["source_modules"]
    ]


def _is_wiring(module: str) -> bool:
    *package, name = module.split(".")
    return name in WIRING or (package[-1] == "shared" and name in SHARED_WIRING)


def test_every_flows_module_is_an_engine_of_the_contract_or_dagster_wiring() -> None:
    patterns = _engine_patterns()
    unlisted = [
        m
        for m in _flows_modules()
        if not _is_wiring(m) and not any(p.fullmatch(m) for p in patterns)
    ]
    assert not unlisted, (
        "list these engine modules in the engines contract of pyproject.toml (or, if they are "
        f"Dagster wiring, in this test): {unlisted}"
    )


def test_no_wiring_module_is_listed_as_an_engine() -> None:
    patterns = _engine_patterns()
    both = [m for m in _flows_modules() if _is_wiring(m) and any(p.fullmatch(m) for p in patterns)]
    assert not both
