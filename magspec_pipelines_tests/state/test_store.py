"""The state store on both backends: migrations, bindings, watermarks, parked records."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert, inspect
from sqlalchemy.exc import IntegrityError

from magspec_pipelines import state
from magspec_pipelines.state import (
    BindingNotFound,
    BindingState,
    BindingStateError,
    DuplicateSpecterOrder,
    StateStore,
)
from magspec_pipelines.state.schema import order_bindings

# The newest migration: the one every upgrade must end at.
HEAD_REVISION = max(
    p.name.split("_")[0]
    for p in (Path(state.__file__).parent / "migrations" / "versions").glob("[0-9]*.py")
)

DAY = date(2026, 11, 2)


def _begin(store: StateStore, entity_id: int = 1001, tenant: str = "acme", shop: str = "se"):
    return store.begin_order_submission(
        tenant,
        shop,
        entity_id,
        increment_id=f"000{entity_id}",
        external_order_no=f"WEB-000{entity_id}",
        day=DAY,
    )


class SteppingClock:
    """A clock that moves one minute on every reading, so ordering of writes is visible."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


def test_upgrade_is_idempotent_and_creates_the_tables(state_url: str) -> None:
    store = StateStore.from_url(state_url)
    try:
        store.upgrade()
        _begin(store)
        store.upgrade()  # a second upgrade must neither fail nor touch the data
        assert store.current_revision() == HEAD_REVISION
        tables = set(inspect(store.engine).get_table_names())
        assert {"order_bindings", "watermarks", "parked_records", "fingerprints"} <= tables
        assert store.order_binding("acme", "se", 1001) is not None
    finally:
        store.dispose()


def test_order_binding_lifecycle(state_store: StateStore) -> None:
    assert state_store.order_binding("acme", "se", 1001) is None

    binding = _begin(state_store)
    assert (binding.state, binding.attempts) == (BindingState.SUBMITTING, 1)
    assert binding.external_order_no == "WEB-0001001" and binding.day == DAY

    state_store.record_customer("acme", "se", 1001, "C-55")
    state_store.record_binding_error("acme", "se", 1001, "Specter timed out")
    assert state_store.order_binding("acme", "se", 1001).last_error == "Specter timed out"

    created = state_store.record_order_created("acme", "se", 1001, "9001")
    assert created.state is BindingState.CREATED
    assert created.specter_customer_id == "C-55" and created.specter_order_no == "9001"
    assert created.last_error is None

    invoicing = state_store.begin_invoice("acme", "se", 1001)
    assert (invoicing.state, invoicing.attempts) == (BindingState.INVOICING, 2)
    invoiced = state_store.record_invoice_created("acme", "se", 1001, "F-77")
    assert invoiced.state is BindingState.INVOICED and invoiced.specter_invoice_no == "F-77"

    stored = state_store.order_binding("acme", "se", 1001)
    assert stored == invoiced
    assert stored.created_at.tzinfo is not None and stored.updated_at >= stored.created_at


def test_created_order_cannot_be_submitted_again(state_store: StateStore) -> None:
    _begin(state_store)
    state_store.record_order_created("acme", "se", 1001, "9001")

    with pytest.raises(BindingStateError) as caught:
        _begin(state_store)
    assert caught.value.binding.specter_order_no == "9001"
    assert len(state_store.order_bindings("acme")) == 1


def test_retried_submission_counts_attempts_and_keeps_first_order_no(
    state_store: StateStore,
) -> None:
    _begin(state_store)
    retry = state_store.begin_order_submission(
        "acme", "se", 1001, increment_id="0001001", external_order_no="OTHER-1", day=DAY
    )
    assert retry.attempts == 2
    assert retry.external_order_no == "WEB-0001001"


def test_recording_the_same_order_twice_is_harmless_but_a_different_number_is_refused(
    state_store: StateStore,
) -> None:
    _begin(state_store)
    state_store.record_order_created("acme", "se", 1001, "9001")
    assert state_store.record_order_created("acme", "se", 1001, "9001").specter_order_no == "9001"
    with pytest.raises(BindingStateError):
        state_store.record_order_created("acme", "se", 1001, "9002")
    with pytest.raises(BindingStateError):
        state_store.record_invoice_created("acme", "se", 1001, "F-1")  # no begin_invoice yet


def test_unknown_binding_is_reported(state_store: StateStore) -> None:
    with pytest.raises(BindingNotFound):
        state_store.record_order_created("acme", "se", 404, "9001")
    with pytest.raises(BindingNotFound):
        state_store.record_customer("acme", "se", 404, "C-1")


def test_a_second_binding_for_the_same_order_cannot_be_created(state_store: StateStore) -> None:
    _begin(state_store)
    now = datetime.now(UTC)
    with pytest.raises(IntegrityError), state_store.engine.begin() as conn:
        conn.execute(
            insert(order_bindings).values(
                tenant="acme",
                shop="se",
                magento_entity_id=1001,
                magento_increment_id="0001001",
                external_order_no="WEB-0001001",
                day=DAY,
                state="submitting",
                attempts=1,
                created_at=now,
                updated_at=now,
            )
        )
    assert len(state_store.order_bindings("acme")) == 1


def test_one_specter_order_binds_to_one_magento_order_per_tenant(state_store: StateStore) -> None:
    _begin(state_store, 1001)
    _begin(state_store, 1002)
    state_store.record_order_created("acme", "se", 1001, "9001")
    with pytest.raises(DuplicateSpecterOrder):
        state_store.record_order_created("acme", "se", 1002, "9001")
    assert state_store.order_binding("acme", "se", 1002).state is BindingState.SUBMITTING

    _begin(state_store, 1001, tenant="beta")
    assert (
        state_store.record_order_created("beta", "se", 1001, "9001").state is BindingState.CREATED
    )


def test_order_bindings_filters(state_store: StateStore) -> None:
    _begin(state_store, 1)
    _begin(state_store, 2, shop="no")
    state_store.begin_order_submission(
        "acme", "se", 3, increment_id="3", external_order_no="3", day=DAY + timedelta(days=1)
    )
    _begin(state_store, 4, tenant="beta")

    def ids(**kwargs):
        return sorted(b.magento_entity_id for b in state_store.order_bindings("acme", **kwargs))

    assert ids() == [1, 2, 3]
    assert ids(shop="se") == [1, 3]
    assert ids(day=DAY) == [1, 2]
    assert ids(entity_ids=[2, 3, 99]) == [2, 3]
    state_store.record_order_created("acme", "se", 1, "9001")
    assert ids(states=[BindingState.SUBMITTING]) == [2, 3]


def test_concurrent_submissions_of_one_order_make_one_row(state_url: str) -> None:
    StateStore.from_url(state_url).upgrade()
    workers = 8
    barrier = threading.Barrier(workers)
    errors: list[BaseException] = []

    def submit() -> None:
        store = StateStore.from_url(state_url)  # one store each, as separate workers would have
        try:
            barrier.wait()
            _begin(store)
        except BaseException as exc:  # collected: a thread's exception would otherwise vanish
            errors.append(exc)
        finally:
            store.dispose()

    threads = [threading.Thread(target=submit) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    store = StateStore.from_url(state_url)
    try:
        bindings = store.order_bindings("acme")
    finally:
        store.dispose()
    assert len(bindings) == 1
    assert bindings[0].attempts == workers


def test_watermark_round_trip(state_store: StateStore) -> None:
    assert state_store.watermark("acme", "orders", "se") is None
    state_store.set_watermark("acme", "orders", "se", "2026-11-02T08:00:00Z", {"ids": [1, 2]})
    state_store.set_watermark("acme", "orders", "no", "2026-11-01T00:00:00Z")
    state_store.set_watermark("acme", "orders", "se", "2026-11-02T09:00:00Z", {"ids": [3]})

    mark = state_store.watermark("acme", "orders", "se")
    assert mark.value == "2026-11-02T09:00:00Z" and mark.extra == {"ids": [3]}
    assert state_store.watermark("acme", "orders", "no").extra == {}
    assert state_store.watermark("beta", "orders", "se") is None

    state_store.set_watermark("acme", "stock", "", "batch-7")
    assert state_store.watermark("acme", "stock").value == "batch-7"


def test_park_again_keeps_first_seen_and_counts_attempts(state_url: str) -> None:
    store = StateStore.from_url(state_url, clock=SteppingClock())
    store.upgrade()
    try:
        first = store.park(
            "acme",
            "orders",
            "se:1234",
            reason="payment method klarna_kp has no Specter code",
            fix_path="tenants/acme.yaml: orders.payment_methods.klarna_kp",
            payload={"increment_id": "1234"},
            shop="se",
            source_fingerprint="f1",
        )
        assert first.attempts == 1 and first.is_parked
        again = store.park(
            "acme",
            "orders",
            "se:1234",
            reason="still unmapped",
            fix_path="tenants/acme.yaml: orders.payment_methods.klarna_kp",
            payload={"increment_id": "1234", "total": 10},
            shop="se",
            source_fingerprint="f2",
        )
        assert again.first_seen == first.first_seen
        assert again.last_seen > first.last_seen
        assert again.attempts == 2
        assert again.reason == "still unmapped" and again.source_fingerprint == "f2"
        assert again.payload == {"increment_id": "1234", "total": 10}
        assert [r.entity_key for r in store.parked("acme", "orders")] == ["se:1234"]
    finally:
        store.dispose()


def test_resolve_and_repark(state_store: StateStore) -> None:
    def park(key: str, tenant: str = "acme", flow: str = "orders") -> None:
        state_store.park(tenant, flow, key, reason="r", fix_path="p", payload=None)

    park("se:1")
    park("se:2")
    park("ART-1", flow="products_to_specter")
    park("se:9", tenant="beta")

    assert state_store.resolve_parked("acme", "orders", "se:1") is True
    assert state_store.resolve_parked("acme", "orders", "se:1") is False
    assert state_store.resolve_parked("acme", "orders", "se:404") is False

    assert [r.entity_key for r in state_store.parked("acme", "orders")] == ["se:2"]
    everything = state_store.parked("acme", "orders", include_resolved=True)
    assert {r.entity_key: r.is_parked for r in everything} == {"se:1": False, "se:2": True}
    assert {r.tenant for r in state_store.parked()} == {"acme", "beta"}
    assert [r.flow for r in state_store.parked(flow="products_to_specter")] == [
        "products_to_specter"
    ]

    park("se:1")  # failing again after a resolve parks it again
    reparked = [r for r in state_store.parked("acme", "orders") if r.entity_key == "se:1"]
    assert reparked and reparked[0].attempts == 2 and reparked[0].resolved_at is None


def test_fingerprints_round_trip(state_store: StateStore) -> None:
    state_store.set_fingerprints("acme", "article", "specter", {"A-1": "h1", "A-2": "h2"})
    state_store.set_fingerprints("acme", "article", "specter", {"A-2": "h3"})
    assert state_store.fingerprints("acme", "article", "specter") == {"A-1": "h1", "A-2": "h3"}
    assert state_store.fingerprints("acme", "article", "magento") == {}
    assert state_store.fingerprints("acme", "article", "specter", ["A-2"]) == {"A-2": "h3"}


def test_concurrent_first_upgrades_create_the_schema_once(state_url: str) -> None:
    workers = 4
    barrier = threading.Barrier(workers)
    errors: list[BaseException] = []

    def upgrade() -> None:
        store = StateStore.from_url(state_url)
        try:
            barrier.wait()
            store.upgrade()
        except BaseException as exc:  # collected: a thread's exception would otherwise vanish
            errors.append(exc)
        finally:
            store.dispose()

    threads = [threading.Thread(target=upgrade) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    store = StateStore.from_url(state_url)
    try:
        assert store.current_revision() == HEAD_REVISION
    finally:
        store.dispose()
