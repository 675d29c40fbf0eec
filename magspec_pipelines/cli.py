"""The `magspec` command: demo, sandbox, dev, tenants, parked."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def magspec_home() -> Path:
    home = Path(os.environ.get("MAGSPEC_HOME") or Path.home() / ".magspec")
    home.mkdir(parents=True, exist_ok=True)
    return home


def _prepare_demo_home() -> Path:
    """A fresh demo world: the sandboxes start new, so the demo's state and Dagster storage
    (embedded SQLite under `<MAGSPEC_HOME>/demo`) start new with them."""
    home = magspec_home() / "demo"
    if home.exists():
        shutil.rmtree(home)
    dagster_home = home / "dagster"
    dagster_home.mkdir(parents=True)
    source = Path.cwd() / "dagster.yaml"
    if not source.exists():
        source = REPO_ROOT / "dagster.yaml"
    if source.exists():
        shutil.copy(source, dagster_home / "dagster.yaml")
    os.environ["DAGSTER_HOME"] = str(dagster_home)
    os.environ.setdefault("MAGSPEC_STATE_URL", f"sqlite:///{home / 'state.db'}")
    return dagster_home


def _demo_environment() -> None:
    from magspec_sandbox.scenario import DEMO_SECRETS

    for name, value in DEMO_SECRETS.items():
        os.environ.setdefault(name, value)
    os.environ.setdefault("MAGSPEC_TENANTS_DIR", str(_tenants_dir(None)))


def _tenants_dir(given: str | None) -> Path:
    if given:
        return Path(given)
    if os.environ.get("MAGSPEC_TENANTS_DIR"):
        return Path(os.environ["MAGSPEC_TENANTS_DIR"])
    local = Path.cwd() / "tenants"
    return local if local.is_dir() else REPO_ROOT / "tenants"


def _start_sandboxes(stack: ExitStack, magento_port: int, specter_port: int, days: int):
    from magspec_sandbox.scenario import build_world
    from magspec_sandbox.server import BackgroundServer

    world = build_world(days=days)
    try:
        magento = stack.enter_context(BackgroundServer(world.magento.app, port=magento_port))
        specter = stack.enter_context(BackgroundServer(world.specter.app, port=specter_port))
    except OSError as exc:
        raise SystemExit(
            f"magspec: cannot start the sandboxes on ports {magento_port}/{specter_port}: {exc}. "
            "Is another `magspec sandbox`, `magspec dev` or `magspec demo` running?"
        ) from None
    return world, magento, specter


# -- commands --------------------------------------------------------------------------------
def cmd_demo(args: argparse.Namespace) -> int:
    from magspec_pipelines.demo import run_demo

    _demo_environment()
    _prepare_demo_home()
    with ExitStack() as stack:
        world, magento, specter = _start_sandboxes(
            stack, args.magento_port, args.specter_port, args.days
        )
        print(f"sandboxes: Magento {magento.url}  Specter {specter.url}")
        return run_demo(world)


def cmd_sandbox(args: argparse.Namespace) -> int:
    from magspec_sandbox.cost import CostModel

    cost = CostModel(args.latency_ms / 1000, args.item_ms / 1000, args.concurrency)
    with ExitStack() as stack:
        world, magento, specter = _start_sandboxes(
            stack, args.magento_port, args.specter_port, args.days
        )
        world.magento.faults.cost = world.specter.faults.cost = cost
        print(
            f"Magento sandbox  {magento.url}/<instance>/rest/V1/...  instances: acme, fjall, brisk"
        )
        print(f"Specter sandbox  {specter.url}/putInfo.asp  accounts: 1001, 1002, 1003")
        print(f"admin routes under {magento.url}/__sandbox__ and {specter.url}/__sandbox__")
        print("Ctrl-C stops.")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            return 0


def cmd_dev(args: argparse.Namespace) -> int:
    _demo_environment()
    home = _prepare_demo_home()
    with ExitStack() as stack:
        _, magento, specter = _start_sandboxes(
            stack, args.magento_port, args.specter_port, args.days
        )
        print(f"sandboxes: Magento {magento.url}  Specter {specter.url}; DAGSTER_HOME={home}")
        command = [
            sys.executable,
            "-m",
            "dagster",
            "dev",
            "-w",
            str(REPO_ROOT / "workspace.yaml"),
            "-p",
            str(args.port),
        ]
        try:
            return subprocess.call(command, cwd=REPO_ROOT)
        except KeyboardInterrupt:
            return 0


def cmd_tenants_validate(args: argparse.Namespace) -> int:
    from magspec_pipelines.tenancy import (
        format_registry_report,
        load_registry,
        registry_exit_status,
    )

    registry = load_registry(str(_tenants_dir(args.dir)))
    print(format_registry_report(registry))
    return registry_exit_status(registry)


def cmd_preflight(args: argparse.Namespace) -> int:
    from magspec_pipelines.flows.shared.resources import MagspecResource
    from magspec_pipelines.preflight import Verdict, preflight

    magspec = MagspecResource(tenants_dir=str(_tenants_dir(args.dir)), max_attempts=2)
    if args.tenant not in magspec.registry.tenants:
        errors = [str(e) for e in magspec.registry.errors if f"'{args.tenant}'" in str(e)]
        print(f"magspec: no valid tenant {args.tenant!r}" + "".join(f"\n  {e}" for e in errors))
        return 2
    tenant = magspec.registry.tenants[args.tenant]
    checks = preflight(tenant, magspec.magento, magspec.specter)
    for check in checks:
        print(check.line())
    failed = sum(c.verdict is Verdict.FAIL for c in checks)
    warned = sum(c.verdict is Verdict.WARN for c in checks)
    print(
        f"\n{tenant.id}: "
        + ("ready" if not failed else f"{failed} problem(s) to fix")
        + (f", {warned} thing(s) to confirm by hand" if warned else "")
    )
    return 1 if failed else 0


def cmd_callbacks(args: argparse.Namespace) -> int:
    """Serve the receiver of Specter's callbacks; events are staged for the order-status flow."""
    import uvicorn

    from magspec_pipelines.flows.shared.resources import MagspecResource
    from magspec_pipelines.services.callbacks import build_callback_app, register_callbacks
    from magspec_pipelines.tenancy import Flow, MissingSecret, load_registry, missing_secrets

    registry = load_registry(str(_tenants_dir(args.dir)))
    for error in registry.errors:
        print(f"registry error (tenant left out): {error}")
    receiving = registry.tenants_with_flow(Flow.ORDER_STATUS)
    for tenant in receiving:
        env = tenant.order_status.callback_secret_env
        if env is None or missing_secrets([env]):
            print(f"{tenant.id}: callback secret {env} is not set; its callbacks are refused")
    if args.register:
        magspec = MagspecResource(tenants_dir=str(_tenants_dir(args.dir)), max_attempts=2)
        for tenant in receiving:
            try:
                with magspec.specter(tenant) as specter:
                    register_callbacks(tenant, specter, args.register)
            except MissingSecret as exc:
                print(f"{tenant.id}: not registered: {exc}")
                continue
            print(f"{tenant.id}: callbacks registered under {args.register}")
    app = build_callback_app(registry, _state())
    print(f"Specter callbacks: http://{args.host}:{args.port}/specter/<tenant>/<kind>")
    # No access log: the registered URLs carry each tenant's callback secret.
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False)
    return 0


def _state():
    from magspec_pipelines.state import StateStore

    store = StateStore.from_url(None)
    store.upgrade()
    return store


def cmd_parked_list(args: argparse.Namespace) -> int:
    records = _state().parked(args.tenant, args.flow)
    if not records:
        print("nothing parked")
        return 0
    for r in records:
        print(
            f"{r.tenant:10} {r.flow:8} {r.entity_key:14} attempts={r.attempts} "
            f"last={r.last_seen:%Y-%m-%d %H:%M}\n    reason: {r.reason}\n    fix:    {r.fix_path}"
        )
    return 0


def cmd_parked_retry(args: argparse.Namespace) -> int:
    store = _state()
    keys = args.keys or [r.entity_key for r in store.parked(args.tenant, args.flow)]
    released = sum(store.resolve_parked(args.tenant, args.flow, key) for key in keys)
    print(
        f"released {released} parked record(s) of {args.tenant}; the next run of their "
        "partition sends them again"
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="magspec", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    def ports(p: argparse.ArgumentParser) -> None:
        p.add_argument("--magento-port", type=int, default=8781)
        p.add_argument("--specter-port", type=int, default=8782)
        p.add_argument("--days", type=int, default=7, help="days of generated order history")

    demo = sub.add_parser("demo", help="start the sandboxes and sync every demo tenant once")
    ports(demo)
    demo.set_defaults(func=cmd_demo)

    sandbox = sub.add_parser("sandbox", help="serve the Magento and Specter sandboxes")
    ports(sandbox)
    cost = "cost model of both sandboxes (default off):"
    sandbox.add_argument("--latency-ms", type=float, default=0.0, help=f"{cost} ms per request")
    sandbox.add_argument("--item-ms", type=float, default=0.0, help="ms per item a write writes")
    sandbox.add_argument("--concurrency", type=int, help="requests served at once")
    sandbox.set_defaults(func=cmd_sandbox)

    dev = sub.add_parser("dev", help="the sandboxes plus the Dagster UI (dagster dev)")
    ports(dev)
    dev.add_argument("--port", type=int, default=3000, help="Dagster UI port")
    dev.set_defaults(func=cmd_dev)

    tenants = sub.add_parser("tenants", help="the tenant registry")
    tsub = tenants.add_subparsers(dest="action", required=True)
    validate = tsub.add_parser("validate", help="check every tenant file; exit 1 on errors")
    validate.add_argument("--dir", help="registry folder (default: ./tenants)")
    validate.set_defaults(func=cmd_tenants_validate)

    pre = sub.add_parser("preflight", help="check a tenant's Specter and Magento access")
    pre.add_argument("tenant")
    pre.add_argument("--dir", help="registry folder (default: ./tenants)")
    pre.set_defaults(func=cmd_preflight)

    callbacks = sub.add_parser("callbacks", help="serve the receiver of Specter's callbacks")
    callbacks.add_argument("--host", default="127.0.0.1")
    callbacks.add_argument("--port", type=int, default=8783)
    callbacks.add_argument("--dir", help="registry folder (default: ./tenants)")
    callbacks.add_argument(
        "--register",
        metavar="PUBLIC_URL",
        help="first register each tenant's callback URLs (below PUBLIC_URL, with its pskey) "
        "with Specter",
    )
    callbacks.set_defaults(func=cmd_callbacks)

    parked = sub.add_parser("parked", help="records that could not be synced")
    psub = parked.add_subparsers(dest="action", required=True)
    plist = psub.add_parser("list", help="what is parked, why, and what fixes it")
    plist.add_argument("tenant", nargs="?")
    plist.add_argument("--flow", default=None)
    plist.set_defaults(func=cmd_parked_list)
    pretry = psub.add_parser("retry", help="send parked records again on the next run")
    pretry.add_argument("tenant")
    pretry.add_argument("keys", nargs="*", help="entity keys such as se:1234 (default: all)")
    pretry.add_argument("--flow", default="orders")
    pretry.set_defaults(func=cmd_parked_retry)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
