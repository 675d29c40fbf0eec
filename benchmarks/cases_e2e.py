"""Case 6: an order's way end to end, through the new-order sensor and the Dagster daemon.

With the sandboxes running, a fresh `DAGSTER_HOME` (the repository's `dagster.yaml`: embedded
SQLite storage, the queued run coordinator with its limits), a workspace on
`magspec_pipelines.definitions` holding one tenant, and `dagster-daemon run` as a child process,
orders are placed in the Magento sandbox one every few seconds (admin route, status
`processing`) and the Specter sandbox is polled until each is there (by `externalOrderNo`). The
latency of an order is the time from its placement to the poll that first sees it.

The Dagster instance is read afterwards to say where the time went: the sensor's ticks, and for
each order the first tick after its placement that asked for runs and those runs' queue, launch
and execution times.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import httpx
import yaml

CASE = "6: end to end, Magento order to Specter through the sensor and the Dagster daemon"
REPO = Path(__file__).resolve().parents[1]
TARGET_SLACK_SECONDS = 30.0
STOP_GRACE_SECONDS = 20.0
POLL_SECONDS = 0.5
ACTIVE_RUN_STATUSES = ("QUEUED", "NOT_STARTED", "STARTING", "STARTED", "CANCELING")


def _progress(message: str) -> None:
    print(f"[case 6] {message}", file=sys.stderr, flush=True)


def percentile(values: list[float], q: float) -> float:
    """The `q`-th percentile (0-100), linear between closest ranks."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


# -- the tenant and the sandboxes it points at -----------------------------------------------
@dataclass(frozen=True)
class Target:
    tenant: str
    timezone: str
    magento_root: str
    magento_instance: str
    store_codes: tuple[str, ...]
    specter_root: str
    sbm_id: str
    prefix: str

    @classmethod
    def from_file(cls, data: Mapping[str, Any]) -> Target:
        magento = urlsplit(str(data["magento"]["base_url"]).rstrip("/"))
        instance = magento.path.rsplit("/", 1)[-1]
        own = [s for s in data["shops"] if not s.get("magento")]
        if not instance or not own:
            raise ValueError("the tenant needs a Magento base_url ending in its instance name")
        orders = data.get("orders") or {}
        return cls(
            tenant=str(data["id"]),
            timezone=str(data.get("timezone") or "UTC"),
            magento_root=f"{magento.scheme}://{magento.netloc}",
            magento_instance=instance,
            store_codes=tuple(str(s["store_code"]) for s in own),
            specter_root=str(data["specter"]["base_url"]).rstrip("/"),
            sbm_id=str(data["specter"]["sbm_id"]),
            prefix=str(orders.get("external_order_no_prefix") or ""),
        )


def _prepare_tenants(
    tenants_dir: Path, tenant: str, target: Path, only_new_orders: bool
) -> tuple[Target, dict[str, Any]]:
    """Copy the one tenant's file; with `only_new_orders` its orders start today, so the
    sensor's first tick does not ask for the whole seeded history."""
    source = next(
        (p for p in (tenants_dir / f"{tenant}.yaml", tenants_dir / f"{tenant}.yml") if p.exists()),
        None,
    )
    if source is None:
        raise FileNotFoundError(f"no tenant file for {tenant!r} in {tenants_dir}")
    text = source.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    if only_new_orders:
        today = datetime.now(ZoneInfo(str(data.get("timezone") or "UTC"))).date()
        text, replaced = re.subn(
            r"(?m)^(\s+start_date:\s*).*$", rf'\g<1>"{today.isoformat()}"', text, count=1
        )
        if not replaced:
            raise ValueError(f"{source.name} has no orders.start_date to move to today")
        data = yaml.safe_load(text)
    target.mkdir(parents=True, exist_ok=True)
    (target / source.name).write_text(text, encoding="utf-8")
    return Target.from_file(data), data


def _check_sensor(tenants: Path, tenant: str) -> tuple[str, int, bool]:
    """(sensor name, interval in seconds, runs by default) as the code location declares it."""
    import dagster as dg

    from magspec_pipelines.definitions import build_definitions
    from magspec_pipelines.flows.shared.resources import MagspecResource
    from magspec_pipelines.tenancy import load_registry

    registry = load_registry(tenants)
    if tenant not in registry.tenants:
        raise RuntimeError(f"tenant {tenant!r} did not load: {[str(e) for e in registry.errors]}")
    defs = build_definitions(registry, MagspecResource(tenants_dir=str(tenants)))
    name = f"orders_new_{tenant}"
    sensor = defs.resolve_sensor_def(name)
    running = sensor.default_status == dg.DefaultSensorStatus.RUNNING
    return name, int(sensor.minimum_interval_seconds or 30), running


# -- the daemon ------------------------------------------------------------------------------
@dataclass
class Deployment:
    root: Path
    dagster_home: Path
    workspace: Path
    env: dict[str, str]
    state_url: str
    daemon: subprocess.Popen[bytes] | None = None

    @property
    def log(self) -> Path:
        return self.root / "daemon.log"

    def dagster_cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        exe = Path(sys.executable).with_name("dagster")
        command = [str(exe) if exe.exists() else "dagster", *args, "-w", str(self.workspace)]
        return subprocess.run(
            command, env=self.env, cwd=self.root, capture_output=True, text=True, check=False
        )

    def start(self) -> None:
        exe = Path(sys.executable).with_name("dagster-daemon")
        command = [str(exe) if exe.exists() else "dagster-daemon", "run"]
        command += ["-w", str(self.workspace)]
        with self.log.open("ab") as log:
            self.daemon = subprocess.Popen(
                command,
                env=self.env,
                cwd=self.root,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def check_alive(self) -> None:
        if self.daemon is not None and self.daemon.poll() is not None:
            raise RuntimeError(
                f"dagster-daemon exited with {self.daemon.returncode}:\n{self.log_tail()}"
            )

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log.read_text(encoding="utf-8", errors="replace")[-chars:]
        except OSError:
            return ""

    def stop(self) -> str:
        """Terminate the daemon (its code server and run processes with it); kill after the
        grace period. Returns how it ended."""
        daemon = self.daemon
        if daemon is None or daemon.poll() is not None:
            return "not running"
        daemon.send_signal(signal.SIGTERM)
        try:
            daemon.wait(timeout=STOP_GRACE_SECONDS)
            outcome = f"terminated (exit {daemon.returncode})"
        except subprocess.TimeoutExpired:
            daemon.kill()
            daemon.wait(timeout=10)
            outcome = f"killed after {STOP_GRACE_SECONDS:g} s"
        # Whatever it started in its session (code server, runs) and left behind.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(daemon.pid, signal.SIGKILL)
        return outcome


def _deployment(root: Path, tenants: Path, secrets: Mapping[str, str]) -> Deployment:
    dagster_home = root / "dagster_home"
    dagster_home.mkdir(parents=True)
    shutil.copy(REPO / "dagster.yaml", dagster_home / "dagster.yaml")
    workspace = root / "workspace.yaml"
    workspace.write_text(
        yaml.safe_dump(
            {
                "load_from": [
                    {
                        "python_module": {
                            "module_name": "magspec_pipelines.definitions",
                            "location_name": "magspec",
                            "working_directory": str(REPO),
                        }
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    state_url = f"sqlite:///{root / 'state.db'}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAGSPEC_", "DAGSTER_"))}
    env.update(secrets)
    env.update(
        DAGSTER_HOME=str(dagster_home),
        MAGSPEC_TENANTS_DIR=str(tenants),
        MAGSPEC_STATE_URL=state_url,
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    )
    return Deployment(root, dagster_home, workspace, env, state_url)


def _instance(deployment: Deployment) -> Any:
    from unittest import mock

    from dagster import DagsterInstance

    # The public way in: DagsterInstance.get() loads the instance of $DAGSTER_HOME.
    with mock.patch.dict(os.environ, {"DAGSTER_HOME": str(deployment.dagster_home.resolve())}):
        return DagsterInstance.get()


def _active_runs(instance: Any) -> int:
    from dagster import DagsterRunStatus, RunsFilter

    statuses = [DagsterRunStatus[s] for s in ACTIVE_RUN_STATUSES]
    return instance.get_runs_count(RunsFilter(statuses=statuses))


def _sensor_ticks(instance: Any, name: str) -> list[Any]:
    # No public equivalent: Dagster exposes sensor ticks only through GraphQL, not Python.
    from dagster._core.definitions.run_request import InstigatorType

    for state in instance.all_instigator_state(instigator_type=InstigatorType.SENSOR):
        if state.instigator_name == name:
            return list(instance.get_ticks(state.instigator_origin_id, state.selector_id))
    return []


# -- the sandboxes ---------------------------------------------------------------------------
@dataclass
class Placed:
    increment_id: str
    external_no: str
    store_code: str
    placed: float
    seen: float | None = None

    @property
    def latency(self) -> float | None:
        return None if self.seen is None else self.seen - self.placed


class AdminRoutes:
    """The admin routes the case uses: place an order in Magento, list Specter's orders."""

    def __init__(self, target: Target, admin_prefix: str) -> None:
        self.target = target
        self.http = httpx.Client(timeout=30.0)
        prefix = admin_prefix.rstrip("/")
        self.orders_url = f"{target.magento_root}{prefix}/magento/{target.magento_instance}/orders"
        self.specter_orders_url = f"{target.specter_root}{prefix}/specter/{target.sbm_id}/orders"

    def place(self, store_code: str) -> Placed:
        answer = self.http.post(
            self.orders_url, json={"count": 1, "store_code": store_code, "status": "processing"}
        )
        placed = time.time()
        answer.raise_for_status()
        order = answer.json()[0]
        increment_id = str(order["increment_id"])
        return Placed(increment_id, self.target.prefix + increment_id, store_code, placed)

    def external_numbers(self) -> set[str]:
        answer = self.http.get(self.specter_orders_url)
        answer.raise_for_status()
        return {str(o.get("externalOrderNo")) for o in answer.json()}

    def close(self) -> None:
        self.http.close()


# -- the case --------------------------------------------------------------------------------
def run_end_to_end(
    tenants_dir: str | Path,
    tenant: str,
    secrets: Mapping[str, str],
    orders: int = 50,
    spacing: float = 2.0,
    *,
    admin_prefix: str = "/__sandbox__",
    only_new_orders: bool = True,
    warmup_timeout: float = 120.0,
    tail_timeout: float = 150.0,
    keep_files: bool = False,
) -> dict[str, Any]:
    """Place `orders` orders, one every `spacing` seconds, and time each until Specter has it.

    `tenants_dir` holds the tenant's file, pointing at the running sandboxes (its Magento
    `base_url` is `<sandbox root>/<instance>`, its Specter `base_url` the sandbox root);
    `secrets` are the environment variables its file names. Only that tenant is deployed.
    Before placing orders the case waits (up to `warmup_timeout`) for the sensor's first tick
    and for the runs it started to end. After the last order it waits up to `tail_timeout`,
    then raises `RuntimeError` listing the orders never seen.
    """
    started = time.time()
    root = Path(tempfile.mkdtemp(prefix="magspec-bench-e2e-"))
    tenants = root / "tenants"
    target, _ = _prepare_tenants(Path(tenants_dir), tenant, tenants, only_new_orders)
    sensor, interval, running = _check_sensor(tenants, tenant)
    deployment = _deployment(root, tenants, secrets)
    from magspec_pipelines.state import StateStore

    store = StateStore.from_url(deployment.state_url)
    store.upgrade()
    store.dispose()
    sandboxes = AdminRoutes(target, admin_prefix)
    notes: list[str] = []
    instance: Any = None
    try:
        if not running:
            done = deployment.dagster_cli("sensor", "start", sensor)
            if done.returncode != 0:
                raise RuntimeError(f"could not start sensor {sensor}: {done.stderr[-1500:]}")
            notes.append(f"{sensor} is stopped by default; started with `dagster sensor start`")
        else:
            notes.append(f"{sensor} runs by default (DefaultSensorStatus.RUNNING): not started")
        deployment.start()
        _progress(f"dagster-daemon started (DAGSTER_HOME {deployment.dagster_home})")
        instance = _instance(deployment)
        warmup = _warm_up(deployment, instance, sensor, warmup_timeout)
        _progress(
            f"warm: first tick after {warmup['first_tick_s']:.1f} s, quiet after "
            f"{warmup['quiet_s']:.1f} s ({warmup['runs']} run(s) before the orders)"
        )
        placed = _place_and_watch(deployment, sandboxes, target, orders, spacing, tail_timeout)
        unseen = [p for p in placed if p.seen is None]
        parked = _parked(deployment.state_url, tenant) if unseen else []
        breakdown = _breakdown(instance, sensor, placed, warmup["quiet_at"])
    finally:
        outcome = deployment.stop()
        sandboxes.close()
        if instance is not None:
            instance.dispose()
        _progress(f"dagster-daemon {outcome}")
        if not keep_files:
            shutil.rmtree(root, ignore_errors=True)
    if unseen:
        raise RuntimeError(
            f"{len(unseen)} of {len(placed)} orders never reached Specter within "
            f"{tail_timeout:g} s of the last placement: "
            + ", ".join(p.external_no for p in unseen)
            + (f"; parked: {parked}" if parked else "")
        )
    return _result(
        target, sensor, interval, spacing, placed, warmup, breakdown, notes, outcome, started
    )


def _parked(state_url: str, tenant: str) -> list[str]:
    from magspec_pipelines.state import StateStore

    store = StateStore.from_url(state_url)
    try:
        return [f"{r.entity_key}: {r.reason}" for r in store.parked(tenant, "orders")]
    finally:
        store.dispose()


def _warm_up(deployment: Deployment, instance: Any, sensor: str, timeout: float) -> dict[str, Any]:
    """Wait for the sensor's first tick and for every run to end, up to `timeout`."""
    # No public equivalent: a tick's status is not exported by `dagster` (see _sensor_ticks).
    from dagster._core.scheduler.instigation import TickStatus

    began = time.time()
    first_tick: float | None = None
    quiet_since: float | None = None
    while True:
        deployment.check_alive()
        now = time.time()
        if first_tick is None:
            # A tick is listed while it runs; its runs are submitted when it ends.
            ticks = [t for t in _sensor_ticks(instance, sensor) if t.status != TickStatus.STARTED]
            if ticks:
                first_tick = now
        active = _active_runs(instance)
        quiet = active == 0 if first_tick is not None else False
        if quiet and quiet_since is None:
            quiet_since = now
        elif not quiet:
            quiet_since = None
        # Quiet for two polls in a row: a run asked for by the last tick may still be queued.
        if quiet_since is not None and now - quiet_since >= 2.0:
            break
        if now - began > timeout:
            if first_tick is None:
                raise RuntimeError(
                    f"{sensor} did not tick within {timeout:g} s of the daemon's start:\n"
                    + deployment.log_tail()
                )
            _progress(f"warm-up time-box reached with {active} run(s) still active")
            break
        time.sleep(1.0)
    quiet_at = time.time()
    return {
        "first_tick_s": (first_tick or quiet_at) - began,
        "quiet_s": quiet_at - began,
        "quiet_at": quiet_at,
        "runs": instance.get_runs_count(),
        "active_at_start": _active_runs(instance),
    }


def _place_and_watch(
    deployment: Deployment,
    sandboxes: AdminRoutes,
    target: Target,
    count: int,
    spacing: float,
    tail_timeout: float,
) -> list[Placed]:
    placed: list[Placed] = []
    pending: dict[str, Placed] = {}
    next_at = time.time()
    deadline: float | None = None
    last_report = 0
    while len(placed) < count or pending:
        now = time.time()
        if len(placed) < count and now >= next_at:
            store_code = target.store_codes[len(placed) % len(target.store_codes)]
            order = sandboxes.place(store_code)
            placed.append(order)
            pending[order.external_no] = order
            next_at += spacing
            if len(placed) == count:
                deadline = time.time() + tail_timeout
        seen_now = time.time()
        for number in sandboxes.external_numbers() & pending.keys():
            pending.pop(number).seen = seen_now
        done = len(placed) - len(pending)
        if done // 10 > last_report // 10 or (len(placed) == count and not pending):
            _progress(f"{len(placed)} placed, {done} in Specter")
            last_report = done
        if deadline is not None and time.time() > deadline:
            break
        deployment.check_alive()
        wait = POLL_SECONDS
        if len(placed) < count:
            wait = min(wait, max(0.0, next_at - time.time()))
        time.sleep(wait)
    return placed


def _breakdown(instance: Any, sensor: str, placed: list[Placed], since: float) -> dict[str, Any]:
    """Where each order's time went: waiting for a sensor tick that asked for runs, the run
    waiting in the queue and launching, and the run itself."""
    ticks = sorted(_sensor_ticks(instance, sensor), key=lambda t: t.timestamp)
    after = [t for t in ticks if t.timestamp >= since]
    gaps = [b.timestamp - a.timestamp for a, b in zip(after, after[1:], strict=False)]
    records = {r.dagster_run.run_id: r for r in instance.get_run_records()}
    waits, launches, runs, rest = [], [], [], []
    for order in placed:
        tick = next((t for t in ticks if t.timestamp >= order.placed and t.run_ids), None)
        if tick is None or order.seen is None:
            continue
        chosen = [records[i] for i in tick.run_ids if i in records and records[i].start_time]
        if not chosen:
            continue
        record = min(chosen, key=lambda r: r.start_time)
        waits.append(tick.timestamp - order.placed)
        launches.append(record.start_time - tick.timestamp)
        if record.end_time:
            runs.append(record.end_time - record.start_time)
            rest.append(order.seen - record.end_time)
    statuses: dict[str, int] = {}
    jobs: dict[str, int] = {}
    for record in records.values():
        if record.create_timestamp.timestamp() >= since:
            run = record.dagster_run
            statuses[run.status.value] = statuses.get(run.status.value, 0) + 1
            trigger = run.tags.get("magspec/trigger") or run.tags.get("dagster/sensor_name") or ""
            label = f"{run.job_name} ({trigger})" if trigger else run.job_name
            jobs[label] = jobs.get(label, 0) + 1

    def median(values: list[float]) -> float | None:
        return round(statistics.median(values), 2) if values else None

    return {
        "ticks": len(after),
        "ticks_with_runs": sum(1 for t in after if t.run_ids),
        "tick_gap_median_s": median(gaps),
        "tick_gap_max_s": round(max(gaps), 2) if gaps else None,
        "wait_for_tick_median_s": median(waits),
        "queue_and_launch_median_s": median(launches),
        "run_median_s": median(runs),
        "seen_after_run_end_median_s": median(rest),
        "orders_attributed": len(waits),
        "runs_by_status": statuses,
        "runs_by_job": jobs,
    }


def _result(
    target: Target,
    sensor: str,
    interval: int,
    spacing: float,
    placed: list[Placed],
    warmup: dict[str, Any],
    breakdown: dict[str, Any],
    notes: list[str],
    outcome: str,
    started: float,
) -> dict[str, Any]:
    latencies = [p.latency for p in placed if p.latency is not None]
    p50, p95, worst = percentile(latencies, 50), percentile(latencies, 95), max(latencies)
    limit = interval + TARGET_SLACK_SECONDS
    rows = [
        {"label": "orders placed (all reached Specter)", "value": len(placed), "unit": "orders"},
        {"label": "placed one every", "value": spacing, "unit": "s"},
        {"label": "latency p50", "value": round(p50, 1), "unit": "s"},
        {"label": "latency p95", "value": round(p95, 1), "unit": "s"},
        {"label": "latency max", "value": round(worst, 1), "unit": "s"},
        {"label": "sensor interval (minimum_interval_seconds)", "value": interval, "unit": "s"},
        {
            "label": "sensor ticks, median gap while orders came in",
            "value": breakdown["tick_gap_median_s"],
            "unit": "s",
        },
        {
            "label": "median wait from placement to a tick asking for a run",
            "value": breakdown["wait_for_tick_median_s"],
            "unit": "s",
        },
        {
            "label": "median run queue + launch (tick to run start)",
            "value": breakdown["queue_and_launch_median_s"],
            "unit": "s",
        },
        {"label": "median run duration", "value": breakdown["run_median_s"], "unit": "s"},
    ]
    notes = [
        *notes,
        f"tenant {target.tenant}: Magento instance {target.magento_instance} (shops "
        f"{', '.join(target.store_codes)}, placed in turn), Specter account {target.sbm_id}; "
        "only this tenant deployed, its other sensors and schedules running as configured",
        f"daemon up to the sensor's first tick {warmup['first_tick_s']:.1f} s, and until no run "
        f"was active {warmup['quiet_s']:.1f} s ({warmup['runs']} run(s) before the first "
        "order, not counted)",
        f"runs started while orders came in, by status: {breakdown['runs_by_status']}; "
        f"by job: {breakdown['runs_by_job']}",
        "the breakdown attributes each order to the first tick after it that asked for runs; "
        "a run reads its whole day, so an order can also leave with an earlier run "
        f"({breakdown['orders_attributed']} of {len(placed)} orders attributed)",
        f"latency = placement answered to the first Specter poll that lists it "
        f"(polled every {POLL_SECONDS:g} s)",
        f"daemon {outcome}; whole case {time.time() - started:.0f} s",
    ]
    return {
        "case": CASE,
        "rows": rows,
        "target": f"p95 < sensor interval + {TARGET_SLACK_SECONDS:g} s = {limit:g} s",
        "met": p95 < limit,
        "notes": notes,
        "orders": len(placed),
        "spacing_s": spacing,
        "interval_s": interval,
        "p50_s": round(p50, 3),
        "p95_s": round(p95, 3),
        "max_s": round(worst, 3),
        "latencies_s": [round(x, 3) for x in latencies],
        "warmup": {k: v for k, v in warmup.items() if k != "quiet_at"},
        "breakdown": breakdown,
    }
