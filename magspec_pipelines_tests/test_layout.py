"""The layout rules of docs/architecture.md that a linter does not check: module and function
sizes. (The import contracts run as `lint-imports` in `./dev test`.)"""

from __future__ import annotations

import importlib.util
import sys
import textwrap
from pathlib import Path

from magspec_pipelines_tests import REPO


def _sizes():
    spec = importlib.util.spec_from_file_location("magspec_sizes", REPO / "tools" / "sizes.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_no_module_over_400_lines_and_no_function_over_80():
    found = _sizes().breaches()
    assert not found, "split these, or say why in a `# size:` comment:\n" + "\n".join(
        str(b) for b in found
    )


def test_the_size_check_finds_a_long_function_and_honours_its_reason(tmp_path: Path):
    sizes = _sizes()
    package = tmp_path / "magspec_pipelines"
    package.mkdir()
    body = "\n".join(f"    x{i} = {i}" for i in range(85))
    (package / "long.py").write_text(f"def long():\n{body}\n")
    (package / "kept.py").write_text(
        f"# size: one table, read top to bottom\ndef kept():\n{body}\n"
    )
    (package / "big.py").write_text("\n".join(f"A{i} = {i}" for i in range(401)) + "\n")
    found = {(b.path, b.what) for b in sizes.breaches(tmp_path)}
    assert found == {
        ("magspec_pipelines/long.py", "function long"),
        ("magspec_pipelines/big.py", "module"),
    }, textwrap.shorten(str(found), 300)
