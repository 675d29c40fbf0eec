"""Broken and hostile Magento orders, and a chaos run of the order export against the sandboxes.

Each `HOSTILE` entry turns a well-formed order into one that must never reach Specter as it is:
the export has to park it with its reason, whatever else is going wrong at the same time.
"""

from __future__ import annotations

import copy
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from magspec_pipelines.flows.orders.export import ExportHalted, OrderExporter
from magspec_pipelines.flows.orders.normalize import normalize
from magspec_pipelines.flows.orders.outcomes import FetchedOrder, Result
from magspec_pipelines.flows.shared.resources import specter_credentials
from magspec_pipelines.http import RetryPolicy
from magspec_pipelines.specter.client import SpecterClient
from magspec_pipelines.state import StateStore
from magspec_pipelines.tenancy import Tenant
from magspec_sandbox.magento.order_extras import KINDS, OrderExtras


def _items(order: dict) -> list[dict]:
    return order["items"]


def _top(key: str, value: Any) -> Callable[[dict], None]:
    return lambda o: o.__setitem__(key, value)


def _ext(key: str, value: Any, more_total: float = 0) -> Callable[[dict], None]:
    def change(o: dict) -> None:
        o["extension_attributes"][key] = value
        o["grand_total"] = float(Decimal(str(o["grand_total"])) + Decimal(str(more_total)))

    return change


HOSTILE: dict[str, Callable[[dict], None]] = {
    "no billing address": lambda o: o.pop("billing_address"),
    "quantity 0": lambda o: _items(o)[0].update(qty_ordered=0),
    "negative quantity": lambda o: _items(o)[0].update(qty_ordered=-2),
    "quantity 1e9": lambda o: _items(o)[0].update(qty_ordered=1e9),
    "grand total not a number": _top("grand_total", "not a number"),
    "grand total off by 100": lambda o: o.update(grand_total=o["grand_total"] + 100),
    "negative grand total": _top("grand_total", -50),
    "row price 1e26": lambda o: _items(o)[0].update(price=1e26),
    "row price NaN": lambda o: _items(o)[0].update(price="NaN"),
    "VAT 12.5 %": lambda o: [i.update(tax_percent=12.5) for i in _items(o)],
    "VAT 250 %": lambda o: [i.update(tax_percent=250) for i in _items(o)],
    "no e-mail": _top("customer_email", "   "),
    "unknown payment method": lambda o: o["payment"].update(method="bitcoin_maybe"),
    "no payment": lambda o: o.pop("payment"),
    "foreign currency": _top("order_currency_code", "USD"),
    "unmapped fee": _ext(
        "custom_fees",
        [{"custom_fee_code": "mystery_fee", "custom_fee_label": "?", "custom_fee_amount": 29}],
        29,
    ),
    "unknown surcharge": _ext("handling_surcharge_amount", 50, 50),
    "no items": _top("items", []),
    "items not a list": _top("items", "'; DROP TABLE orders; --"),
    "extension attributes a list": _top("extension_attributes", [1, 2, 3]),
    "no shipping address": lambda o: o["extension_attributes"].pop("shipping_assignments"),
    "created_at garbage": _top("created_at", "yesterday at noon"),
    "unknown article": lambda o: [i.update(sku="NO-SUCH-SKU-X") for i in _items(o)],
    "street not a list": lambda o: o["billing_address"].update(street=12345),
}


@dataclass
class ChaosReport:
    runs: int = 0
    killed: int = 0
    halted: int = 0
    outcomes: Counter = field(default_factory=Counter)


def place_orders(shop, count: int, hostile_every: int, rng: random.Random) -> tuple[list, list]:
    """`count` orders, every `hostile_every`-th broken by the next hostile kind in turn."""
    good, broken = [], []
    kinds = list(HOSTILE)
    for number in range(count):
        extras = None
        if rng.random() < 0.3:
            extras = OrderExtras.of_kind(rng.choice(KINDS), rng, Decimal("0.25"))
        order = shop.place_order(store_code="se", status="processing", extras=extras)
        if hostile_every and number % hostile_every == 0:
            kind = kinds[(number // hostile_every) % len(kinds)]
            raw = copy.deepcopy(order)
            HOSTILE[kind](raw)
            shop.orders[order["entity_id"]] = raw
            broken.append((kind, raw))
        else:
            good.append(order)
    return good, broken


def chaos_client(tenant: Tenant) -> SpecterClient:
    """A client that gives up fast: the chaos is in the answers, not in waiting for them."""
    return SpecterClient(
        base_url=tenant.specter.base_url,
        credentials=specter_credentials(tenant),
        timeout=0.4,
        retry=RetryPolicy(max_attempts=2, backoff_base=0.01, backoff_cap=0.05),
    )


class Killed(BaseException):
    """Stands for the process dying in the middle of a run: nothing after it runs."""


def run_until_settled(
    tenant: Tenant,
    state: StateStore,
    fetched: list[FetchedOrder],
    rng: random.Random,
    *,
    kill_every: int = 3,
    max_runs: int = 60,
) -> ChaosReport:
    """Export again and again, as run retries and the schedule would, until a run completes with
    nothing failed. Every `kill_every`-th run dies after Specter committed some order."""
    report = ChaosReport()
    original = StateStore.record_order_created
    while report.runs < max_runs:
        report.runs += 1
        kill_at = rng.randint(1, 20) if kill_every and report.runs % kill_every == 1 else 0
        calls = {"n": 0}

        def dying(self, *args, _kill_at=kill_at, _calls=calls, **kwargs):
            _calls["n"] += 1
            if _calls["n"] == _kill_at:
                raise Killed()  # Specter has the order; the binding does not say so yet
            return original(self, *args, **kwargs)

        StateStore.record_order_created = dying  # type: ignore[method-assign]
        client = chaos_client(tenant)
        try:
            normalized = normalize(fetched, tenant, state)
            result = OrderExporter(tenant, state, client).export(normalized)
        except Killed:
            report.killed += 1
            continue
        except ExportHalted:
            report.halted += 1
            continue
        finally:
            StateStore.record_order_created = original  # type: ignore[method-assign]
            client.close()
        counts = Counter(o.result for o in result.outcomes)
        if not counts[Result.FAILED] and (not kill_at or calls["n"] < kill_at):
            report.outcomes = counts
            return report
    raise AssertionError(f"the export did not settle in {max_runs} runs")
