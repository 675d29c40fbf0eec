"""Case 5a: how long the code location takes to load with many tenants.

Generates valid tenant files (modes erp, ecom and combo, one to three shops, built from the demo
tenants in `tenants/`), all pointing at unreachable addresses: loading definitions must not call
out. Then, each in a fresh interpreter:

- the build: `build_definitions(load_registry(dir), MagspecResource(...))`, then what a code
  server does with it (resolve the repository, snapshot it), timed inside the process;
- the code location as Dagster loads it: `import magspec_pipelines.definitions` with
  `MAGSPEC_TENANTS_DIR` set, then resolve and snapshot, timed inside and from outside;
- `dagster definitions validate -m magspec_pipelines.definitions`, timed from outside.

Over the target the build is profiled (cProfile) and the top costs are reported in the notes.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

CASE = "5a: definitions load time with generated tenants"
REPO = Path(__file__).resolve().parents[1]
DEMO_TENANTS = REPO / "tenants"
# TEST-NET-1 (RFC 5737): nothing answers there, so a call made while loading would hang or fail.
UNREACHABLE = "http://192.0.2.1"
TEMPLATES = {"erp": "acme", "ecom": "fjall", "combo": "brisk"}
MODES = ("erp", "ecom", "combo")
TARGET_SECONDS = 10.0


def _progress(message: str) -> None:
    print(f"[case 5a] {message}", file=sys.stderr, flush=True)


# -- generating tenants ----------------------------------------------------------------------
def _templates() -> dict[str, dict[str, Any]]:
    out = {}
    for mode, name in TEMPLATES.items():
        data = yaml.safe_load((DEMO_TENANTS / f"{name}.yaml").read_text(encoding="utf-8"))
        if data.get("mode") != mode:
            raise RuntimeError(f"tenants/{name}.yaml is no longer a {mode} tenant")
        out[mode] = data
    return out


def _shops(template: dict[str, Any], count: int) -> list[dict[str, Any]]:
    """`count` shops: the template's first ones, then copies with new codes and web shop ids."""
    base = template["shops"]
    shops = []
    for n in range(count):
        shop = copy.deepcopy(base[n % len(base)])
        if n >= len(base):
            shop["code"] = f"{shop['code']}{n}"
            shop["store_code"] = f"{shop['store_code']}{n}"
        shop["webshop_id"] = str(n + 1)
        shops.append(shop)
    return shops


def tenant_document(index: int, templates: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Tenant number `index`: mode cycles erp, ecom, combo; shops cycle 1, 2, 3 across modes."""
    mode = MODES[index % len(MODES)]
    shop_count = 1 + (index // len(MODES)) % 3
    tenant_id = f"t{index:04d}"
    env = f"MAGSPEC_{tenant_id.upper()}"
    data = copy.deepcopy(templates[mode])
    data["id"] = tenant_id
    data["name"] = f"Generated tenant {index} ({mode}, {shop_count} shop(s))"
    data["magento"] = {"base_url": f"{UNREACHABLE}:8781/{tenant_id}", "token_env": f"{env}_TOKEN"}
    specter = data["specter"]
    specter["base_url"] = f"{UNREACHABLE}:8782"
    specter["sbm_id"] = str(20000 + index)
    for key in list(specter):
        if key.endswith("_env"):
            specter[key] = f"{env}_{key[: -len('_env')].upper()}"
    data["shops"] = _shops(data, shop_count)
    codes = {shop["code"] for shop in data["shops"]}
    for tier in (data.get("pricing") or {}).get("tier_prices") or []:
        if "shops" in tier:
            kept = [code for code in tier["shops"] if code in codes]
            if kept:
                tier["shops"] = kept
            else:
                del tier["shops"]
    return data


def write_tenants(target: Path, count: int) -> dict[str, int]:
    """Write `count` tenant files into `target`; returns how many of each mode."""
    target.mkdir(parents=True, exist_ok=True)
    templates = _templates()
    modes: dict[str, int] = {}
    for index in range(count):
        data = tenant_document(index, templates)
        modes[data["mode"]] = modes.get(data["mode"], 0) + 1
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
        (target / f"{data['id']}.yaml").write_text(text, encoding="utf-8")
    return modes


def check_registry(folder: Path, count: int) -> None:
    """Raise unless every generated file loads as a tenant."""
    from magspec_pipelines.tenancy import load_registry

    registry = load_registry(folder)
    if registry.errors or len(registry.tenants) != count:
        shown = "\n".join(f"  {e}" for e in registry.errors[:10])
        raise RuntimeError(
            f"{len(registry.tenants)} of {count} generated tenants loaded, "
            f"{len(registry.errors)} error(s):\n{shown}"
        )


# -- what runs in the fresh interpreters -----------------------------------------------------
_COUNT = r"""
def _counts(repo):
    graph = repo.asset_graph
    jobs = [j for j in repo.job_names if not j.startswith("__ASSET_JOB")]
    return {
        "assets": len(graph.get_all_asset_keys()),
        "asset_checks": len(graph.asset_check_keys),
        "jobs": len(jobs),
        "sensors": len(repo.sensor_defs),
        "schedules": len(repo.schedule_defs),
    }

def _snapshot(repo):
    # No public equivalent: the webserver's repository snapshot is what this case times.
    from dagster._core.remote_representation.external_data import RepositorySnap
    return RepositorySnap.from_def(repo)
"""

BUILD_SCRIPT = (
    r"""
import json, sys, time
t0 = time.perf_counter()
import dagster as dg
from magspec_pipelines.definitions import build_definitions
from magspec_pipelines.flows.shared.resources import MagspecResource
from magspec_pipelines.tenancy import load_registry
"""
    + _COUNT
    + r"""
folder = sys.argv[1]
profile = sys.argv[2] if len(sys.argv) > 2 else ""
t1 = time.perf_counter()

def build():
    registry = load_registry(folder)
    t_reg = time.perf_counter()
    defs = build_definitions(registry, MagspecResource(tenants_dir=folder))
    t_build = time.perf_counter()
    repo = defs.get_repository_def()
    t_repo = time.perf_counter()
    _snapshot(repo)
    t_snap = time.perf_counter()
    return registry, repo, (t_reg, t_build, t_repo, t_snap)

if profile:
    import cProfile
    profiler = cProfile.Profile()
    registry, repo, marks = profiler.runcall(build)
    profiler.dump_stats(profile)
else:
    registry, repo, marks = build()
t_reg, t_build, t_repo, t_snap = marks
print(json.dumps({
    "tenants": len(registry.tenants),
    "registry_errors": len(registry.errors),
    "import_s": t1 - t0,
    "registry_s": t_reg - t1,
    "build_s": t_build - t_reg,
    "resolve_s": t_repo - t_build,
    "snapshot_s": t_snap - t_repo,
    "build_total_s": t_snap - t1,
    **_counts(repo),
}))
"""
)

LOCATION_SCRIPT = (
    r"""
import json, time
t0 = time.perf_counter()
import magspec_pipelines.definitions as location
t1 = time.perf_counter()
"""
    + _COUNT
    + r"""
repo = location.defs.get_repository_def()
t2 = time.perf_counter()
_snapshot(repo)
t3 = time.perf_counter()
print(json.dumps({
    "import_and_build_s": t1 - t0,
    "resolve_s": t2 - t1,
    "snapshot_s": t3 - t2,
    "total_s": t3 - t0,
    **_counts(repo),
}))
"""
)


def _run(
    command: list[str], env: dict[str, str], timeout: float, cwd: Path
) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.perf_counter()
    done = subprocess.run(
        command, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
    )
    return time.perf_counter() - started, done


def _json_of(done: subprocess.CompletedProcess[str], what: str) -> dict[str, Any]:
    if done.returncode != 0:
        raise RuntimeError(f"{what} failed (exit {done.returncode}):\n{done.stderr[-3000:]}")
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise RuntimeError(f"{what} printed no result:\n{done.stdout[-2000:]}")
    return json.loads(lines[-1])


def _top_costs(profile: Path, limit: int = 12) -> list[str]:
    """The functions with the highest cumulative time inside magspec and Dagster."""
    import pstats

    stats = pstats.Stats(str(profile))
    rows = []
    for (file, line, name), (_, calls, _, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        if ("magspec_pipelines" in file or "/dagster/" in file) and "<" not in name:
            short = file.split("site-packages/")[-1].split("/work/main/")[-1]
            rows.append((cumulative, f"{short}:{line} {name}", calls))
    rows.sort(reverse=True)
    return [
        f"{cum:.2f} s cumulative, {calls} call(s): {where}" for cum, where, calls in rows[:limit]
    ]


def run_definitions_scale(
    tenants: int = 200,
    *,
    target_seconds: float = TARGET_SECONDS,
    profile: bool | None = None,
    validate_cli: bool = True,
    timeout: float = 600.0,
) -> dict[str, Any]:
    """Generate `tenants` tenant files and time loading the code location in fresh processes.

    `profile`: None profiles only when the load is over `target_seconds`. `validate_cli` also
    times `dagster definitions validate` (a third fresh process).
    """
    with tempfile.TemporaryDirectory(prefix="magspec-bench-tenants-") as tmp:
        root = Path(tmp)
        folder, empty = root / "tenants", root / "empty"
        empty.mkdir()
        modes = write_tenants(folder, tenants)
        check_registry(folder, tenants)
        _progress(f"{tenants} tenants written ({modes}), all valid")
        env = {k: v for k, v in os.environ.items() if not k.startswith("MAGSPEC_")}
        env["MAGSPEC_STATE_URL"] = f"sqlite:///{root / 'state.db'}"
        env["DAGSTER_HOME"] = str(root / "dagster")
        (root / "dagster").mkdir()
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))

        # 1. The build alone (the module is imported against an empty folder).
        build_env = {**env, "MAGSPEC_TENANTS_DIR": str(empty)}
        wall, done = _run(
            [sys.executable, "-c", BUILD_SCRIPT, str(folder)], build_env, timeout, REPO
        )
        build = _json_of(done, "the definitions build")
        build["process_wall_s"] = wall
        _progress(
            f"build {build['build_total_s']:.2f} s (registry {build['registry_s']:.2f}, "
            f"definitions {build['build_s']:.2f}, resolve {build['resolve_s']:.2f}, "
            f"snapshot {build['snapshot_s']:.2f}); process {wall:.2f} s"
        )

        # 2. The code location as Dagster imports it.
        location_env = {**env, "MAGSPEC_TENANTS_DIR": str(folder)}
        wall, done = _run([sys.executable, "-c", LOCATION_SCRIPT], location_env, timeout, REPO)
        location = _json_of(done, "the code location load")
        location["process_wall_s"] = wall
        _progress(f"code location load {location['total_s']:.2f} s; process {wall:.2f} s")

        # 3. Dagster's own check of the code location.
        validate: dict[str, Any] | None = None
        if validate_cli:
            dagster = Path(sys.executable).with_name("dagster")
            command = [str(dagster) if dagster.exists() else "dagster"]
            command += ["definitions", "validate", "-m", "magspec_pipelines.definitions"]
            wall, done = _run(command, location_env, timeout, REPO)
            validate = {"process_wall_s": wall, "exit_code": done.returncode}
            if done.returncode != 0:
                validate["error"] = (done.stderr or done.stdout)[-1500:]
            _progress(f"dagster definitions validate {wall:.2f} s, exit {done.returncode}")

        over = location["process_wall_s"] >= target_seconds
        top: list[str] = []
        if profile or (profile is None and over):
            stats_file = root / "build.prof"
            _, done = _run(
                [sys.executable, "-c", BUILD_SCRIPT, str(folder), str(stats_file)],
                build_env,
                timeout,
                REPO,
            )
            _json_of(done, "the profiled build")
            top = _top_costs(stats_file)
        yaml_parse = _yaml_parse_seconds(folder)

    return _result(tenants, modes, build, location, validate, top, target_seconds, yaml_parse)


def _yaml_parse_seconds(folder: Path) -> dict[str, float]:
    """Parsing the files alone with the registry's YAML loader: how much of reading the
    registry is the parser."""
    from magspec_pipelines.tenancy import registry

    texts = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.yaml"))]
    started = time.perf_counter()
    for text in texts:
        yaml.load(text, Loader=registry._RegistryLoader)  # noqa: S506
    return {
        "registry_loader_s": time.perf_counter() - started,
        "libyaml": float(issubclass(registry._RegistryLoader, getattr(yaml, "CSafeLoader", ()))),
    }


def _result(
    tenants: int,
    modes: dict[str, int],
    build: dict[str, Any],
    location: dict[str, Any],
    validate: dict[str, Any] | None,
    top: list[str],
    target_seconds: float,
    yaml_parse: dict[str, float],
) -> dict[str, Any]:
    if build["tenants"] != tenants or build["registry_errors"]:
        raise RuntimeError(f"the build saw {build['tenants']} tenants, expected {tenants}")
    loaded = location["process_wall_s"]
    met = loaded < target_seconds
    rows = [
        {"label": "tenants", "value": tenants, "unit": "tenants"},
        {
            "label": "build: registry + definitions + resolve + snapshot",
            "value": round(build["build_total_s"], 2),
            "unit": "s",
        },
        {"label": "  of which reading the registry", "value": round(build["registry_s"], 2)},
        {"label": "  of which build_definitions", "value": round(build["build_s"], 2)},
        {"label": "  of which resolving the repository", "value": round(build["resolve_s"], 2)},
        {"label": "  of which the repository snapshot", "value": round(build["snapshot_s"], 2)},
        {
            "label": "code location load (import with MAGSPEC_TENANTS_DIR, resolve, snapshot)",
            "value": round(location["total_s"], 2),
            "unit": "s",
        },
        {
            "label": "code location load, whole process (interpreter start to exit)",
            "value": round(location["process_wall_s"], 2),
            "unit": "s",
        },
        {"label": "imports alone (magspec and Dagster)", "value": round(build["import_s"], 2)},
    ]
    for row in rows:
        row.setdefault("unit", "s")
    if validate is not None:
        rows.append(
            {
                "label": "dagster definitions validate, whole process",
                "value": round(validate["process_wall_s"], 2),
                "unit": "s",
            }
        )
    for kind in ("assets", "asset_checks", "jobs", "sensors", "schedules"):
        rows.append({"label": kind.replace("_", " "), "value": location[kind], "unit": "count"})
    notes = [
        f"modes: {', '.join(f'{m} {n}' for m, n in sorted(modes.items()))}; 1 to 3 shops each; "
        "every Magento and Specter address unreachable (192.0.2.1, where a connection would hang "
        "until its timeout): a load that ends in seconds made no call",
        "snapshot = RepositorySnap.from_def, what a code server sends the webserver and daemon",
    ]
    parse = yaml_parse["registry_loader_s"]
    parser = "libyaml's parser" if yaml_parse.get("libyaml") else "PyYAML's pure-Python parser"
    notes.append(
        f"reading the registry took {build['registry_s']:.2f} s, of which parsing YAML "
        f"{parse:.2f} s ({parser}, measured on its own in this process)"
    )
    notes.append(
        f"{location['sensors']} sensors and {location['schedules']} schedules for {tenants} "
        "tenants: the load is fast, but the daemon evaluates every one of them on its own "
        "interval (not measured here)"
    )
    if validate is not None and validate["exit_code"] != 0:
        notes.append(f"dagster definitions validate failed: {validate.get('error', '')}")
    if top:
        notes.append("profile of the build, top cumulative costs:")
        notes.extend(top)
    return {
        "case": CASE,
        "rows": rows,
        "target": (
            f"code location loads in under {target_seconds:g} s with {tenants} tenants "
            "(fresh process, interpreter start to repository snapshot)"
        ),
        "met": met,
        "notes": notes,
        "tenants": tenants,
        "modes": modes,
        "build": build,
        "location": location,
        "validate": validate,
        "load_seconds": round(loaded, 3),
        "profile_top": top,
        "yaml_parse": {k: round(v, 3) for k, v in yaml_parse.items()},
    }
