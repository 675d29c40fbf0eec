"""Mapping works on client models: importing it loads neither httpx nor Dagster (the static
check is `lint-imports`; this one runs the imports, package `__init__` files included)."""

import subprocess
import sys

CODE = """
import importlib, pkgutil, sys
import magspec_pipelines.domain, magspec_pipelines.mapping
for package in (magspec_pipelines.domain, magspec_pipelines.mapping):
    for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        importlib.import_module(module.name)
print(sorted(p for p in ("httpx", "dagster") if p in sys.modules))
"""


def test_mapping_and_domain_load_without_httpx_or_dagster() -> None:
    out = subprocess.run(
        [sys.executable, "-c", CODE], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
