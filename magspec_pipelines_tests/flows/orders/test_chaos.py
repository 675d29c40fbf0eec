"""Chaos: many orders, a share of them broken or hostile, against a Specter that fails, loses
answers and whose runs get killed. Nothing is duplicated, nothing is missing, every broken order
is parked with its reason, and every document is its Magento order's money.

`./dev slow` runs the full version (1,000 orders); CI runs the bounded one.
"""

from __future__ import annotations

import copy
import random
from collections import Counter
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from magspec_pipelines.flows.orders.export import OrderExporter
from magspec_pipelines.flows.orders.normalize import normalize
from magspec_pipelines.flows.orders.outcomes import FetchedOrder, Result
from magspec_pipelines_tests.flows.orders.chaos import (
    chaos_client,
    place_orders,
    run_until_settled,
)

pytestmark = pytest.mark.malformed_magento


def _chaos(world, orders: int, hostile_every: int, seed: int) -> None:
    rng = random.Random(seed)
    shop = world.sandboxes.magento.instance("acme")
    good, broken = place_orders(shop, orders, hostile_every, rng)
    assert len({kind for kind, _ in broken}) >= 20
    faults = world.sandboxes.specter.faults
    faults.add(kind="error", status=503, match="putInfo", rate=0.10)
    faults.add(kind="lost_answer", match="newOrderSubmit", rate=0.03, seconds=0.6)
    magspec = world.resource()
    tenant = magspec.tenant("acme")
    fetched = [FetchedOrder(shop="se", raw=o) for o in [*good, *(raw for _, raw in broken)]]
    report = run_until_settled(tenant, magspec.state, fetched, rng)
    stats = faults.stats()
    faults.clear()
    assert report.killed >= 1 and sum(stats["faults"].values()) > 0, (report, stats)

    account = world.specter("1001")
    documents = Counter(o["externalOrderNo"] for o in account.orders.values())
    assert [no for no, n in documents.items() if n > 1] == []  # no duplicates
    assert [g["increment_id"] for g in good if documents[g["increment_id"]] != 1] == []
    parked = {p.entity_key: p for p in magspec.state.parked("acme", "orders")}
    for kind, raw in broken:
        record = parked.get(f"se:{raw['entity_id']}")
        assert record is not None and record.reason, kind
        assert documents[raw["increment_id"]] == 0, kind
    assert len(parked) == len(broken)  # and no good order among them
    tolerance = tenant.orders.total_tolerance
    by_no = {o["externalOrderNo"]: o for o in account.orders.values()}
    for order in good:
        total = account.document_total(by_no[order["increment_id"]]["orderNo"])
        assert abs(total - Decimal(str(order["grand_total"]))) <= tolerance, order["increment_id"]
    # A last, calm run changes nothing.
    again = OrderExporter(tenant, magspec.state, chaos_client(tenant)).export(
        normalize(fetched, tenant, magspec.state)
    )
    assert Counter(o.result for o in again.outcomes)[Result.CREATED] == 0
    assert sum(Counter(o["externalOrderNo"] for o in account.orders.values()).values()) == len(good)


def test_chaos_bounded(world):
    _chaos(world, orders=120, hostile_every=5, seed=11)


@pytest.mark.slow
def test_chaos_full(world):
    _chaos(world, orders=1000, hostile_every=25, seed=7)


# -- property: any field of an order may be anything ----------------------------------------------
_PATHS = [
    ("grand_total",),
    ("customer_email",),
    ("order_currency_code",),
    ("shipping_amount",),
    ("shipping_discount_amount",),
    ("shipping_incl_tax",),
    ("discount_amount",),
    ("customer_note",),
    ("created_at",),
    ("increment_id",),
    ("billing_address", "street"),
    ("billing_address", "company"),
    ("billing_address", "vat_id"),
    ("payment", "method"),
    ("items", 0, "price"),
    ("items", 0, "qty_ordered"),
    ("items", 0, "tax_percent"),
    ("items", 0, "discount_amount"),
    ("items", 0, "sku"),
    ("items", 0, "name"),
    ("extension_attributes", "gift_cards_amount"),
    ("extension_attributes", "custom_fees"),
    ("extension_attributes", "gw_price"),
    ("extension_attributes", "customer_balance_amount"),
]
_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.text(max_size=300),
    st.sampled_from(
        ["", "1e999", "-0", "12,50", "NaN", "Infinity", "0;10;Invalid key", "€" * 5000]
    ),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
)


def _plant(raw: dict, path: tuple, value) -> None:
    node = raw
    for part in path[:-1]:
        node = node[part] if isinstance(node, dict | list) else {}
    if (
        isinstance(node, dict)
        or isinstance(node, list)
        and isinstance(path[-1], int)
        and len(node) > path[-1]
    ):
        node[path[-1]] = value


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(changes=st.lists(st.tuples(st.sampled_from(_PATHS), _VALUES), min_size=1, max_size=4))
def test_any_order_ends_created_or_parked_never_twice(world, changes):
    shop = world.sandboxes.magento.instance("acme")
    template = shop.place_order(store_code="se", status="processing")
    raw = copy.deepcopy(template)
    for path, value in changes:
        _plant(raw, path, value)
    raw["entity_id"] = template["entity_id"]
    if not isinstance(raw.get("increment_id"), str) or not raw["increment_id"].strip():
        raw["increment_id"] = template["increment_id"]
    shop.orders[raw["entity_id"]] = raw
    magspec = world.resource()
    tenant = magspec.tenant("acme")
    fetched = [FetchedOrder(shop="se", raw=raw)]
    for _ in range(2):  # the second run must not send it again
        report = OrderExporter(tenant, magspec.state, chaos_client(tenant)).export(
            normalize(fetched, tenant, magspec.state)
        )
        (outcome,) = report.outcomes
        assert outcome.result in (Result.CREATED, Result.ALREADY_PRESENT, Result.PARKED)
        if outcome.result is Result.PARKED:
            assert outcome.reason
    account = world.specter("1001")
    documents = [o for o in account.orders.values() if o["externalOrderNo"] == raw["increment_id"]]
    assert len(documents) <= 1
    if documents:
        total = account.document_total(documents[0]["orderNo"])
        assert abs(total - Decimal(str(raw["grand_total"]))) <= tenant.orders.total_tolerance
