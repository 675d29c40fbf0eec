"""The benchmark's world: two Magento installations and two Specter accounts under one cost model.

- Catalog push: Magento instance `bench` (store view `se` on website `se`: SEK, sv_SE,
  Europe/Stockholm, 25 % tax; the Luma catalog as every sandbox instance has it, no orders) and
  Specter account 9001, whose article register is `skus` generated simple articles `BM000000`,
  `BM000001`, ... (no variants, no freight or discount articles) with the default price lists:
  base list "1" (one row per article) and retailer list "2" (80 %, and 75 % from 10 pieces: two
  rows per article). Pushing prices therefore writes 1 base price and 2 tier rows per SKU.
- Order export: Magento instance `benchorders` with an order history over `order_days` days, of
  which exactly `orders` are eligible (status `processing`; the sandbox's generator mixes
  statuses, so the history holds more orders than that), and Specter account 9002 seeded from
  Luma, so every ordered article exists. Its change queues start empty: nothing but the orders
  gives the flows work.

`Sandboxes` serves the world in a child process (`python -m benchmarks.serve`), so the
sandboxes' Python work never competes for the GIL with the client being measured; or, with
`in_process=True`, in threads of this process (small worlds, CI). `write_tenants` writes the
two tenants, `bench` and `benchorders`, that point at it.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import queue
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

from magspec_pipelines.tenancy import load_registry
from magspec_sandbox.cost import CostModel
from magspec_sandbox.magento import (
    InstanceSpec,
    MagentoInstance,
    MagentoSandbox,
    StoreViewSpec,
)
from magspec_sandbox.magento.assumed import STATUS_WEIGHTS
from magspec_sandbox.scenario import store_view
from magspec_sandbox.server import BackgroundServer
from magspec_sandbox.specter import AccountSpec, SpecterSandbox, WebshopSpec

REPO_ROOT = Path(__file__).resolve().parents[1]
ADMIN_PREFIX = "/__sandbox__"
CATALOG_INSTANCE = "bench"
ORDERS_INSTANCE = "benchorders"
CATALOG_ACCOUNT = "9001"
ORDERS_ACCOUNT = "9002"
ELIGIBLE_STATUS = "processing"
ARTICLE_PREFIX = "BM"

# Sandbox credentials, public on purpose (like the demo world's).
BENCH_SECRETS: dict[str, str] = {
    "MAGSPEC_BENCH_MAGENTO_TOKEN": "sandbox-bench-integration-token",
    "MAGSPEC_BENCH_SPECTER_API_USER_KEY": "sandbox-bench-api-user-key",
    "MAGSPEC_BENCH_SPECTER_INTEGRATION_KEY": "sandbox-bench-integration-key",
    "MAGSPEC_BENCHORDERS_MAGENTO_TOKEN": "sandbox-benchorders-integration-token",
    "MAGSPEC_BENCHORDERS_SPECTER_API_USER_KEY": "sandbox-benchorders-api-user-key",
    "MAGSPEC_BENCHORDERS_SPECTER_INTEGRATION_KEY": "sandbox-benchorders-integration-key",
    "MAGSPEC_BENCH_CALLBACK_SECRET": "sandbox-bench-callback-secret",
    "MAGSPEC_BENCHORDERS_CALLBACK_SECRET": "sandbox-benchorders-callback-secret",
}
_API_USERS = {CATALOG_ACCOUNT: "91", ORDERS_ACCOUNT: "92"}
_TENANT_OF = {CATALOG_ACCOUNT: "bench", ORDERS_ACCOUNT: "benchorders"}


@dataclass
class BenchSpec:
    """The size of the world and the cost model the sandboxes serve it with."""

    skus: int = 20000
    orders: int = 5000
    order_days: int = 10
    latency_ms: float = 25.0
    item_ms: float = 1.0
    concurrency: int = 4
    response_max_limit: int = 500
    seed: int = 7

    def cost(self) -> CostModel:
        return CostModel(self.latency_ms / 1000, self.item_ms / 1000, self.concurrency or None)

    def to_json(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str | bytes | Mapping[str, Any]) -> BenchSpec:
        payload = json.loads(text) if isinstance(text, str | bytes) else dict(text)
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(payload) - known)
        if unknown:
            raise ValueError(f"unknown BenchSpec keys {unknown}; known: {sorted(known)}")
        return cls(**payload)


# -- the world ---------------------------------------------------------------------------------
def _secret(tenant: str, name: str) -> str:
    return BENCH_SECRETS[f"MAGSPEC_{tenant.upper()}_{name}"]


def article_no(number: int) -> str:
    return f"{ARTICLE_PREFIX}{number:06d}"


def bench_articles(spec: BenchSpec) -> list[dict[str, Any]]:
    """Account 9001's register: simple articles with varying prices and stock, 25 % VAT."""
    rng = random.Random(f"bench:articles:{spec.seed}")
    return [
        {
            "articleNo": article_no(n),
            "name": f"Benchmark article {n}",
            "priceExclVAT": Decimal(rng.randint(1_000, 250_000)) / 100,
            "vatPercent": 25,
            "stock": rng.choice((0, 1, 3, 5, 10, 20, 50, 120)),
        }
        for n in range(spec.skus)
    ]


def _store_view() -> StoreViewSpec:
    return store_view("se", "Svenska", "se", "Sverige")


def _orders_per_day(spec: BenchSpec) -> int:
    # The generator draws statuses by weight; seed ~5 % more eligible orders than asked for, so
    # that trimming (not topping up) makes the count exact.
    if spec.orders <= 0 or spec.order_days <= 0:
        return 0
    share = STATUS_WEIGHTS[ELIGIBLE_STATUS] / sum(STATUS_WEIGHTS.values())
    return math.ceil(spec.orders * 1.05 / share / spec.order_days)


def magento_instances(spec: BenchSpec) -> list[InstanceSpec]:
    common: dict[str, Any] = {
        "integration_as_bearer": True,
        "store_views": [_store_view()],
        "input_limits": True,
        "seed": spec.seed,
    }
    return [
        InstanceSpec(
            name=CATALOG_INSTANCE,
            integration_token=_secret("bench", "MAGENTO_TOKEN"),
            orders_per_day=0,
            days=1,
            **common,
        ),
        InstanceSpec(
            name=ORDERS_INSTANCE,
            integration_token=_secret("benchorders", "MAGENTO_TOKEN"),
            orders_per_day=_orders_per_day(spec),
            days=max(1, spec.order_days),
            **common,
        ),
    ]


def specter_accounts(spec: BenchSpec) -> list[AccountSpec]:
    def account(sbm_id: str, name: str, **kw: Any) -> AccountSpec:
        tenant = _TENANT_OF[sbm_id]
        return AccountSpec(
            sbm_id=sbm_id,
            api_user_id=_API_USERS[sbm_id],
            api_user_key=_secret(tenant, "SPECTER_API_USER_KEY"),
            integration_key=_secret(tenant, "SPECTER_INTEGRATION_KEY"),
            webshops=[WebshopSpec(webshop_id="1", name=name)],
            response_max_limit=spec.response_max_limit,
            **kw,
        )

    return [
        account(CATALOG_ACCOUNT, "Bench", articles=bench_articles(spec), extra_articles=()),
        account(ORDERS_ACCOUNT, "Bench orders", initial_changes=False),
    ]


def _exact_eligible(inst: MagentoInstance, target: int, seed: int) -> None:
    """Trim (or, should the draw fall short, top up) the eligible orders to exactly `target`.

    Trimmed orders leave gaps in entity and increment ids, as deleted orders do in Magento.
    """
    rng = random.Random(f"bench:orders:{seed}")
    eligible = [key for key, order in inst.orders.items() if order["status"] == ELIGIBLE_STATUS]
    if len(eligible) > target:
        for key in rng.sample(eligible, len(eligible) - target):
            del inst.orders[key]
        return
    if len(eligible) < target:
        end = inst.now()
        created = [order["created_at"] for order in inst.orders.values()]
        start = datetime.fromisoformat(min(created)).replace(tzinfo=UTC) if created else end
        span = max(1, int((end - start).total_seconds()))
        moments = sorted(
            start + timedelta(seconds=rng.randint(0, span)) for _ in range(target - len(eligible))
        )
        for moment in moments:
            inst.place_order(status=ELIGIBLE_STATUS, created_at=moment)


@dataclass
class BenchWorld:
    spec: BenchSpec
    magento: MagentoSandbox
    specter: SpecterSandbox
    summary: dict[str, Any]


def build_world(spec: BenchSpec, now: datetime | None = None) -> BenchWorld:
    """Both sandboxes of the world, with the spec's cost model; `summary` describes it."""
    started = time.monotonic()
    cost = spec.cost()
    magento = MagentoSandbox(magento_instances(spec), admin_prefix=ADMIN_PREFIX, now=now, cost=cost)
    orders = magento.instance(ORDERS_INSTANCE)
    _exact_eligible(orders, max(0, spec.orders), spec.seed)
    specter = SpecterSandbox(specter_accounts(spec), admin_prefix=ADMIN_PREFIX, cost=cost)
    statuses = Counter(order["status"] for order in orders.orders.values())
    created = sorted(order["created_at"] for order in orders.orders.values())
    summary = {
        "skus": spec.skus,
        "catalog_articles": len(specter.account(CATALOG_ACCOUNT).articles),
        "orders_articles": len(specter.account(ORDERS_ACCOUNT).articles),
        "luma_products": len(magento.instance(CATALOG_INSTANCE).catalog.by_sku),
        "orders_total": len(orders.orders),
        "eligible_orders": statuses.get(ELIGIBLE_STATUS, 0),
        "order_statuses": dict(sorted(statuses.items())),
        "first_order_at": created[0] if created else None,
        "last_order_at": created[-1] if created else None,
        "cost": cost.to_json(),
        "build_seconds": round(time.monotonic() - started, 3),
    }
    return BenchWorld(spec, magento, specter, summary)


# -- serving it --------------------------------------------------------------------------------
class Sandboxes:
    """The world served on free local ports; a context manager.

    By default in a child process (`python -m benchmarks.serve`); `in_process=True` serves it in
    threads of this process instead. Either way: `magento_url` (the server; an instance's REST
    base is `magento_base_url(name)`), `specter_url`, `world` (what `build_world` reports),
    request statistics, the cost model, and the admin routes benchmarks need.
    """

    def __init__(
        self,
        spec: BenchSpec | None = None,
        *,
        in_process: bool = False,
        startup_timeout: float = 60.0,
    ) -> None:
        self.spec = spec or BenchSpec()
        self.in_process = in_process
        self.startup_timeout = startup_timeout
        self.magento_url = ""
        self.specter_url = ""
        self.world: dict[str, Any] = {}
        self.startup_seconds = 0.0
        self._process: subprocess.Popen[bytes] | None = None
        self._stderr: Any = None
        self._servers: list[BackgroundServer] = []
        self._local: BenchWorld | None = None
        self._http: httpx.Client | None = None

    # -- lifecycle -------------------------------------------------------------------------
    def __enter__(self) -> Sandboxes:
        started = time.monotonic()
        try:
            if self.in_process:
                self._start_threads()
            else:
                self._start_child()
        except BaseException:
            self.close()
            raise
        self.startup_seconds = time.monotonic() - started
        self._http = httpx.Client(timeout=60)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _start_threads(self) -> None:
        self._local = build_world(self.spec)
        for app in (self._local.magento.app, self._local.specter.app):
            self._servers.append(BackgroundServer(app).start())
        self.magento_url, self.specter_url = (s.url for s in self._servers)
        self.world = dict(self._local.summary)

    def _start_child(self) -> None:
        # Closed in `close()`; a file, not a pipe, so a chatty child can never block on it.
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(REPO_ROOT), env.get("PYTHONPATH", "")) if p
        )
        self._process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.serve", self.spec.to_json()],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            cwd=REPO_ROOT,
            env=env,
        )
        lines: queue.Queue[bytes] = queue.Queue()
        stdout = self._process.stdout
        assert stdout is not None
        threading.Thread(target=lambda: lines.put(stdout.readline()), daemon=True).start()
        try:
            first = lines.get(timeout=self.startup_timeout)
        except queue.Empty:
            raise RuntimeError(
                f"the sandboxes did not start within {self.startup_timeout:.0f} s; "
                f"their stderr:\n{self._child_stderr()}"
            ) from None
        try:
            announced = json.loads(first)
            self.magento_url, self.specter_url = announced["magento"], announced["specter"]
        except (ValueError, KeyError, TypeError):
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._process.wait(timeout=5)
            raise RuntimeError(
                f"the sandboxes did not start (exit code {self._process.poll()}); "
                f"they said {first[:500]!r}; their stderr:\n{self._child_stderr()}"
            ) from None
        self.world = dict(announced.get("world") or {})

    def _child_stderr(self) -> str:
        if self._stderr is None:
            return ""
        self._stderr.seek(0)
        return self._stderr.read()[-8000:].decode("utf-8", errors="replace")

    def close(self) -> None:
        """Stop the sandboxes: close the child's stdin, then terminate, then kill."""
        if self._http is not None:
            self._http.close()
            self._http = None
        for server in self._servers:
            server.stop()
        self._servers.clear()
        process, self._process = self._process, None
        if process is not None:
            if process.stdin is not None:
                with contextlib.suppress(OSError):
                    process.stdin.close()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            if process.stdout is not None:
                process.stdout.close()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    # -- what benchmarks use ---------------------------------------------------------------
    @property
    def secrets(self) -> dict[str, str]:
        """The env vars the tenants of `write_tenants` name, with their values."""
        return dict(BENCH_SECRETS)

    def magento_base_url(self, instance: str = CATALOG_INSTANCE) -> str:
        """An instance's base URL as a tenant names it: `<server>/<instance>`."""
        return f"{self.magento_url}/{instance}"

    def magento_token(self, instance: str = CATALOG_INSTANCE) -> str:
        return BENCH_SECRETS[f"MAGSPEC_{instance.upper()}_MAGENTO_TOKEN"]

    def _client(self) -> httpx.Client:
        if self._http is None:
            raise RuntimeError("the sandboxes are not running (use `with Sandboxes(...)`)")
        return self._http

    def _admin(self, method: str, url: str, **kwargs: Any) -> Any:
        response = self._client().request(method, url, **kwargs)
        response.raise_for_status()
        return response.json()

    def _both(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        return {
            name: self._admin(method, f"{base}{ADMIN_PREFIX}{path}", **kwargs)
            for name, base in (("magento", self.magento_url), ("specter", self.specter_url))
        }

    def stats(self) -> dict[str, dict[str, Any]]:
        """Each sandbox's request statistics (`FaultInjector.stats()`), keyed magento/specter."""
        return self._both("GET", "/requests")

    def reset_stats(self) -> None:
        self._both("DELETE", "/requests")

    def cost(self) -> dict[str, dict[str, Any]]:
        return self._both("GET", "/cost")

    def set_cost(
        self,
        latency_ms: float | None = None,
        item_ms: float | None = None,
        concurrency: int | None = None,
    ) -> dict[str, dict[str, Any]]:
        """Replace the cost model of both sandboxes; an argument left out keeps its current
        value, `concurrency=0` lifts the limit."""
        answers = {}
        for name, current in self.cost().items():
            model = dict(current)
            if latency_ms is not None:
                model["latency_seconds"] = latency_ms / 1000
            if item_ms is not None:
                model["item_seconds"] = item_ms / 1000
            if concurrency is not None:
                model["concurrency"] = concurrency or None
            base = self.magento_url if name == "magento" else self.specter_url
            answers[name] = self._admin("PUT", f"{base}{ADMIN_PREFIX}/cost", json=model)
        return answers

    def place_orders(
        self, instance: str, count: int, store_code: str | None = None
    ) -> list[dict[str, Any]]:
        """Place `count` new orders now (status processing) through the admin route."""
        body: dict[str, Any] = {"count": count}
        if store_code:
            body["store_code"] = store_code
        return self._admin(
            "POST", f"{self.magento_url}{ADMIN_PREFIX}/magento/{instance}/orders", json=body
        )

    def magento_orders(self, instance: str, status: str | None = None) -> list[dict[str, Any]]:
        params = {"status": status} if status else None
        return self._admin(
            "GET", f"{self.magento_url}{ADMIN_PREFIX}/magento/{instance}/orders", params=params
        )

    def specter_orders(
        self, sbm_id: str, external_order_no: str | None = None
    ) -> list[dict[str, Any]]:
        """The orders a Specter account holds (optionally those of one externalOrderNo)."""
        params = {"externalOrderNo": external_order_no} if external_order_no else None
        return self._admin(
            "GET", f"{self.specter_url}{ADMIN_PREFIX}/specter/{sbm_id}/orders", params=params
        )

    def rss_bytes(self, peak: bool = False) -> int | None:
        """The child's resident memory now (or its peak so far) on Linux; None in process or
        when it cannot be read."""
        if self._process is None:
            return None
        try:
            status = Path(f"/proc/{self._process.pid}/status").read_text()
        except OSError:
            return None
        field = "VmHWM:" if peak else "VmRSS:"
        for line in status.splitlines():
            if line.startswith(field):
                return int(line.split()[1]) * 1024
        return None


# -- tenants -----------------------------------------------------------------------------------
_PAYMENT_METHODS = """\
  payment_methods:
    checkmo: PP
    banktransfer: PP
    klarna_kp: K
    braintree: DP
    cashondelivery: P"""

_SHOP = """\
shops:
  - code: se
    store_code: se
    website: se
    currency: SEK
    language: SE
    webshop_id: "1"
    price_list_id: "1"
    stock_source: se_warehouse
    prices_include_tax: true"""


def _tenant_yaml(
    tenant: str, name: str, package: str, sbm_id: str, magento: str, specter: str, start: date
) -> str:
    prefix = f"MAGSPEC_{tenant.upper()}"
    return f"""\
# Benchmark tenant (generated by benchmarks/world.py). Benchmarks start every run themselves:
# no schedules but the orders safety net, no nightly compare.
id: {tenant}
name: {name}
mode: erp
package: "{package}"
timezone: Europe/Stockholm
magento:
  base_url: {magento}/{tenant}
  token_env: {prefix}_MAGENTO_TOKEN
specter:
  base_url: {specter}
  sbm_id: "{sbm_id}"
  api_user_id: "{_API_USERS[sbm_id]}"
  api_version: 2
  api_user_key_env: {prefix}_SPECTER_API_USER_KEY
  integration_key_env: {prefix}_SPECTER_INTEGRATION_KEY
{_SHOP}
orders:
  trigger_statuses: [{ELIGIBLE_STATUS}]
  document: order
{_PAYMENT_METHODS}
  shipping_article: FRAKT
  discount_article: RABATT
  customer_group_company: "2"
  start_date: "{start.isoformat()}"
order_status:
  callback_secret_env: {prefix}_CALLBACK_SECRET
pricing:
  base_price_list_id: "1"
  tier_prices:
    - price_list_id: "2"
      customer_group: Retailer
  vat_percent: 25
  compare_cron: null
catalog:
  # No grouping pattern of its own: the default one looks for Luma's `PARENT-SIZE-COLOR`, which
  # `{ARTICLE_PREFIX}000000` never matches, so every article becomes a simple product.
  article_language: SE
"""


def write_tenants(target_dir: str | Path, sandboxes: Any, spec: BenchSpec) -> dict[str, str]:
    """Write tenants `bench` (catalog push) and `benchorders` (order export) pointing at the
    running `sandboxes`; validate them; return the env vars (secrets) to set."""
    target = Path(target_dir)
    target.mkdir(parents=True, exist_ok=True)
    # A day of margin each side: the history's first order is `order_days` before the start.
    start = datetime.now(UTC).date() - timedelta(days=max(1, spec.order_days) + 2)
    magento, specter = sandboxes.magento_url.rstrip("/"), sandboxes.specter_url.rstrip("/")
    files = {
        "bench": _tenant_yaml(
            "bench", "Benchmark Catalog AB", "400", CATALOG_ACCOUNT, magento, specter, start
        ),
        # premium: the order history is larger than any package's monthly quota.
        "benchorders": _tenant_yaml(
            "benchorders", "Benchmark Orders AB", "premium", ORDERS_ACCOUNT, magento, specter, start
        ),
    }
    for tenant, text in files.items():
        (target / f"{tenant}.yaml").write_text(text, encoding="utf-8")
    registry = load_registry(target)
    ours = [e for e in registry.errors if Path(e.file).stem in files]
    missing = sorted(set(files) - set(registry.tenants))
    if ours or missing:
        problems = "\n".join(f"  {e}" for e in ours) or f"  missing tenants {missing}"
        raise RuntimeError(f"the benchmark tenants do not validate:\n{problems}")
    return dict(BENCH_SECRETS)


# -- self-check ----------------------------------------------------------------------------------
def self_check(spec: BenchSpec, in_process: bool = False) -> dict[str, Any]:
    """Start the world, check it is what the module says, and report sizes and timings."""
    report: dict[str, Any] = {"spec": asdict(spec), "in_process": in_process}
    started = time.monotonic()
    with Sandboxes(spec, in_process=in_process) as boxes:
        report["startup_seconds"] = round(time.monotonic() - started, 3)
        report["world"] = boxes.world
        report["rss_mb"] = None if (rss := boxes.rss_bytes()) is None else round(rss / 2**20, 1)
        problems: list[str] = []

        def expect(what: str, got: Any, wanted: Any) -> None:
            if got != wanted:
                problems.append(f"{what}: got {got!r}, expected {wanted!r}")

        eligible = boxes.magento_orders(ORDERS_INSTANCE, status=ELIGIBLE_STATUS)
        expect("eligible orders", len(eligible), spec.orders)
        expect("eligible orders reported", boxes.world["eligible_orders"], spec.orders)
        specter = f"{boxes.specter_url}{ADMIN_PREFIX}/specter/{CATALOG_ACCOUNT}"
        articles = boxes._admin("GET", f"{specter}/articles")
        expect("articles of 9001", len(articles), spec.skus)
        expect("simple articles", sum(bool(a["parentArticleNo"]) for a in articles), 0)
        base = boxes._admin("GET", f"{specter}/pricelists/1/prices")
        tiers = boxes._admin("GET", f"{specter}/pricelists/2/prices")
        expect("base price rows per SKU", len(base) / max(1, spec.skus), 1)
        expect("retailer rows per SKU", len(tiers) / max(1, spec.skus), 2)
        expect("orders in 9002", boxes.specter_orders(ORDERS_ACCOUNT), [])

        boxes.reset_stats()
        token = {"Authorization": f"Bearer {boxes.magento_token()}"}
        read_started = time.monotonic()
        answer = boxes._client().get(
            f"{boxes.magento_base_url()}/rest/V1/store/websites", headers=token
        )
        report["one_read_seconds"] = round(time.monotonic() - read_started, 4)
        expect("REST read", answer.status_code, 200)
        stats = boxes.stats()
        expect("requests counted", stats["magento"]["total_requests"], 1)
        if stats["magento"]["busy_seconds"] < spec.latency_ms / 1000:
            problems.append(f"busy {stats['magento']['busy_seconds']} below the latency")

        changed = boxes.set_cost(latency_ms=5, concurrency=0)
        expect("cost changed", changed["specter"]["concurrency"], None)
        restored = boxes.set_cost(spec.latency_ms, spec.item_ms, spec.concurrency)
        expect("cost restored", restored["magento"], spec.cost().to_json())

        placed = boxes.place_orders(ORDERS_INSTANCE, 2)
        expect("placed orders", [o["status"] for o in placed], [ELIGIBLE_STATUS] * 2)
        with tempfile.TemporaryDirectory() as folder:
            secrets = write_tenants(folder, boxes, spec)
            report["tenant_files"] = sorted(p.name for p in Path(folder).iterdir())
        expect("secrets", sorted(secrets), sorted(BENCH_SECRETS))
        peak = boxes.rss_bytes(peak=True)
        report["peak_rss_mb"] = None if peak is None else round(peak / 2**20, 1)
        report["problems"] = problems
    report["total_seconds"] = round(time.monotonic() - started, 3)
    return report


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Start the benchmark world and check it.")
    for name, default in asdict(BenchSpec()).items():
        parser.add_argument(f"--{name.replace('_', '-')}", type=type(default), default=default)
    parser.add_argument("--in-process", action="store_true")
    options = vars(parser.parse_args())
    in_process = options.pop("in_process")
    result = self_check(BenchSpec(**options), in_process=in_process)
    print(json.dumps(result, indent=2))
    sys.exit(1 if result["problems"] else 0)
