"""Mutation testing by profile: `./dev mutate [PROFILE ...]` (all profiles when none is named).

Each profile in pyproject.toml (`[tool.magspec.mutate.<name>]`) names the modules to mutate and the
tests that guard them. mutmut reads one configuration per folder, so each profile runs in its own
folder under `.mutate/` (links to the sources, and a pyproject.toml with the profile as
`[tool.mutmut]`); results stay there between runs, and a rerun checks only what changed. The score
per module is printed and kept in `.mutate/scores.txt`.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WORK = REPO / ".mutate"
LINKED = ("magspec_pipelines", "magspec_pipelines_tests", "benchmarks", "tenants", "reference")
# One state backend and no xdist: mutants already run two at a time in forked processes.
PYTEST_ARGS = ["-p", "no:cacheprovider", "-p", "no:xdist", "-m", "not slow and not postgres"]


def profiles() -> dict[str, dict]:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    return config["tool"]["magspec"]["mutate"]


def _array(values: list[str]) -> str:
    return "[" + ", ".join(json.dumps(v) for v in values) + "]"


def prepare(name: str, profile: dict) -> Path:
    folder = WORK / name
    folder.mkdir(parents=True, exist_ok=True)
    for entry in LINKED:
        link = folder / entry
        if not link.exists():
            link.symlink_to(REPO / entry, target_is_directory=True)
    base = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    table = "\n".join(
        [
            "",
            "[tool.mutmut]",
            'source_paths = ["magspec_pipelines"]',
            f"only_mutate = {_array(profile['modules'])}",
            f"also_copy = {_array([e for e in LINKED if e != 'magspec_pipelines'])}",
            f"pytest_add_cli_args_test_selection = {_array(profile['tests'])}",
            f"pytest_add_cli_args = {_array(PYTEST_ARGS)}",
            "",
        ]
    )
    (folder / "pyproject.toml").write_text(base + table, encoding="utf-8")
    return folder


def run(name: str, profile: dict) -> str:
    folder = prepare(name, profile)
    mutmut = str(Path(sys.executable).with_name("mutmut"))
    subprocess.run([mutmut, "run"], cwd=folder, check=False)
    results = subprocess.run(
        [mutmut, "results", "--all", "true"], cwd=folder, capture_output=True, text=True
    ).stdout
    score = subprocess.run(
        [sys.executable, str(REPO / "tools" / "mutation_score.py")],
        input=results,
        capture_output=True,
        text=True,
    ).stdout
    return f"== {name} ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)\n{score}"


def main(argv: list[str]) -> int:
    known = profiles()
    names = argv or list(known)
    unknown = [n for n in names if n not in known]
    if unknown:
        print(f"unknown profile(s) {', '.join(unknown)}; known: {', '.join(known)}")
        return 2
    for name in names:
        report = run(name, known[name])
        print(report)
        with (WORK / "scores.txt").open("a", encoding="utf-8") as fh:
            fh.write(report + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
