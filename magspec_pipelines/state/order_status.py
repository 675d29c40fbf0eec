"""State of the order status flow: Specter order events staged before their batch is acknowledged,
and every Magento action taken for them, so no event ships, invoices or captures twice.

Staging is keyed: a queue item by its batch number and order, a callback by its kind and id. A
batch staged again (recovered after a crash between staging and acknowledgement) adds nothing.
Actions are keyed by (order, event, action): `begin_action` records `pending` before the remote
call and `finish_action` records `done` after it, so a crash or a lost answer in between is seen
as a `pending` action that the caller resolves by looking at Magento before acting again.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Index,
    Integer,
    Row,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from magspec_pipelines.state.rows import OrderBinding, binding_from_row
from magspec_pipelines.state.schema import UTCDateTime, metadata, order_bindings
from magspec_pipelines.state.store import StateStore


class ActionState(StrEnum):
    PENDING = "pending"  # sent, or about to be; the outcome is not known
    DONE = "done"
    SKIPPED = "skipped"  # nothing to do in Magento (already there, nothing left, not mapped)


def _id() -> Column[int]:
    return Column("id", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True)


order_status_events = Table(
    "order_status_events",
    metadata,
    _id(),
    Column("tenant", String(64), nullable=False),
    Column("dedupe_key", String(255), nullable=False),
    Column("source", String(32), nullable=False),
    Column("specter_order_no", String(64), nullable=False),
    Column("payload", Text, nullable=False),
    Column("staged_at", UTCDateTime, nullable=False),
    Column("processed_at", UTCDateTime),
    Column("outcome", Text),
    UniqueConstraint("tenant", "dedupe_key"),
    Index("ix_order_status_events_tenant_processed_at", "tenant", "processed_at"),
    Index("ix_order_status_events_tenant_specter_order_no", "tenant", "specter_order_no"),
)

_ACTION_STATES = ", ".join(f"'{s.value}'" for s in ActionState)

order_status_actions = Table(
    "order_status_actions",
    metadata,
    _id(),
    Column("tenant", String(64), nullable=False),
    Column("shop", String(64), nullable=False),
    Column("magento_entity_id", BigInteger, nullable=False),
    Column("specter_order_no", String(64), nullable=False),
    Column("event_key", String(255), nullable=False),
    Column("action", String(16), nullable=False),
    Column("state", String(16), nullable=False),
    Column("magento_document_id", BigInteger),
    Column("detail", Text),
    Column("attempts", Integer, nullable=False, default=0),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    # Named by hand: the conventional name is longer than PostgreSQL's 63 characters.
    UniqueConstraint(
        "tenant",
        "shop",
        "magento_entity_id",
        "event_key",
        "action",
        name="uq_order_status_actions_event_action",
    ),
    CheckConstraint(f"state IN ({_ACTION_STATES})", name="state"),
)


@dataclass(frozen=True)
class StagedEvent:
    id: int
    tenant: str
    dedupe_key: str
    source: str
    specter_order_no: str
    payload: dict[str, Any]
    staged_at: datetime
    processed_at: datetime | None
    outcome: str | None


@dataclass(frozen=True)
class ActionRecord:
    tenant: str
    shop: str
    magento_entity_id: int
    specter_order_no: str
    event_key: str
    action: str
    state: ActionState
    magento_document_id: int | None
    detail: str | None
    attempts: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class StagedItem:
    """One event to stage: its de-duplication key, the Specter order and the content."""

    dedupe_key: str
    specter_order_no: str
    payload: Mapping[str, Any]


def _event(row: Row[Any]) -> StagedEvent:
    values = row._asdict()
    values["payload"] = json.loads(values["payload"])
    return StagedEvent(**values)


def _action(row: Row[Any]) -> ActionRecord:
    values = row._asdict()
    values.pop("id", None)
    values["state"] = ActionState(values["state"])
    return ActionRecord(**values)


def _utcnow() -> datetime:
    return datetime.now(UTC)


class OrderStatusState:
    """The order status flow's tables, on the store's engine (SQLite or PostgreSQL)."""

    def __init__(self, store: StateStore, clock: Callable[[], datetime] = _utcnow) -> None:
        self.store = store
        self.engine = store.engine
        self._clock = clock
        self._dialect = postgresql if self.engine.dialect.name == "postgresql" else sqlite

    # -- staged events ----------------------------------------------------------------------

    def stage(self, tenant: str, source: str, items: Iterable[StagedItem]) -> int:
        """Store events durably in one transaction; returns how many were new. An item whose key
        is already staged (a recovered batch, a repeated callback) is left as it is."""
        now = self._clock()
        rows = [
            {
                "tenant": tenant,
                "dedupe_key": item.dedupe_key,
                "source": source,
                "specter_order_no": item.specter_order_no,
                "payload": json.dumps(dict(item.payload), sort_keys=True, default=str),
                "staged_at": now,
            }
            for item in items
        ]
        if not rows:
            return 0
        t = order_status_events
        insert = self._dialect.insert(t).on_conflict_do_nothing(
            index_elements=[t.c.tenant, t.c.dedupe_key]
        )
        new = 0
        with self.engine.begin() as conn:
            for row in rows:
                new += conn.execute(insert, row).rowcount or 0
        return new

    def pending_events(self, tenant: str, limit: int | None = None) -> list[StagedEvent]:
        """Staged, not yet processed events of the tenant, oldest first."""
        t = order_status_events
        query = select(t).where(t.c.tenant == tenant, t.c.processed_at.is_(None)).order_by(t.c.id)
        if limit is not None:
            query = query.limit(limit)
        with self.engine.connect() as conn:
            return [_event(row) for row in conn.execute(query)]

    def mark_processed(self, tenant: str, event_ids: Iterable[int], outcome: str) -> None:
        ids = list(event_ids)
        if not ids:
            return
        t = order_status_events
        statement = (
            update(t)
            .where(t.c.tenant == tenant, t.c.id.in_(ids))
            .values(processed_at=self._clock(), outcome=outcome)
        )
        with self.engine.begin() as conn:
            conn.execute(statement)

    def latest_events(
        self, tenant: str, source: str, since: datetime | None = None
    ) -> dict[str, StagedEvent]:
        """The newest staged event of `source` per Specter order (processed or not)."""
        t = order_status_events
        newest = (
            select(func.max(t.c.id))
            .where(t.c.tenant == tenant, t.c.source == source)
            .group_by(t.c.specter_order_no)
        )
        if since is not None:
            newest = newest.where(t.c.staged_at >= since)
        query = select(t).where(t.c.id.in_(newest.scalar_subquery()))
        with self.engine.connect() as conn:
            return {row.specter_order_no: _event(row) for row in conn.execute(query)}

    def latest_event(self, tenant: str, source: str, specter_order_no: str) -> StagedEvent | None:
        """The newest staged event of `source` for one Specter order (processed or not)."""
        t = order_status_events
        query = (
            select(t)
            .where(
                t.c.tenant == tenant,
                t.c.source == source,
                t.c.specter_order_no == specter_order_no,
            )
            .order_by(t.c.id.desc())
            .limit(1)
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return None if row is None else _event(row)

    def events_with_outcome(self, tenant: str, prefix: str) -> list[StagedEvent]:
        """Processed events whose outcome starts with `prefix` (e.g. the dropped callbacks)."""
        t = order_status_events
        query = (
            select(t)
            .where(t.c.tenant == tenant, t.c.outcome.startswith(prefix, autoescape=True))
            .order_by(t.c.id)
        )
        with self.engine.connect() as conn:
            return [_event(row) for row in conn.execute(query)]

    # -- actions ----------------------------------------------------------------------------

    def action(
        self, tenant: str, shop: str, entity_id: int, event_key: str, action: str
    ) -> ActionRecord | None:
        t = order_status_actions
        query = select(t).where(
            t.c.tenant == tenant,
            t.c.shop == shop,
            t.c.magento_entity_id == entity_id,
            t.c.event_key == event_key,
            t.c.action == action,
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return None if row is None else _action(row)

    def actions(self, tenant: str, shop: str | None = None) -> list[ActionRecord]:
        t = order_status_actions
        query = select(t).where(t.c.tenant == tenant)
        if shop is not None:
            query = query.where(t.c.shop == shop)
        with self.engine.connect() as conn:
            return [_action(row) for row in conn.execute(query.order_by(t.c.id))]

    def begin_action(
        self,
        tenant: str,
        shop: str,
        entity_id: int,
        specter_order_no: str,
        event_key: str,
        action: str,
    ) -> ActionRecord:
        """Record an action as `pending` before it is sent, or count one more attempt of a pending
        one. A `done` or `skipped` action comes back unchanged: the caller must not act again."""
        t, now = order_status_actions, self._clock()
        insert = self._dialect.insert(t).values(
            tenant=tenant,
            shop=shop,
            magento_entity_id=entity_id,
            specter_order_no=specter_order_no,
            event_key=event_key,
            action=action,
            state=ActionState.PENDING.value,
            attempts=1,
            created_at=now,
            updated_at=now,
        )
        upsert = insert.on_conflict_do_update(
            index_elements=[
                t.c.tenant,
                t.c.shop,
                t.c.magento_entity_id,
                t.c.event_key,
                t.c.action,
            ],
            set_={"attempts": t.c.attempts + 1, "updated_at": now},
            where=t.c.state == ActionState.PENDING.value,
        ).returning(*t.c)
        with self.engine.begin() as conn:
            row = conn.execute(upsert).first()
        if row is not None:
            return _action(row)
        existing = self.action(tenant, shop, entity_id, event_key, action)
        assert existing is not None
        return existing

    def finish_action(
        self,
        tenant: str,
        shop: str,
        entity_id: int,
        event_key: str,
        action: str,
        state: ActionState,
        *,
        document_id: int | None = None,
        detail: str = "",
    ) -> ActionRecord:
        t = order_status_actions
        statement = (
            update(t)
            .where(
                t.c.tenant == tenant,
                t.c.shop == shop,
                t.c.magento_entity_id == entity_id,
                t.c.event_key == event_key,
                t.c.action == action,
            )
            .values(
                state=ActionState(state).value,
                magento_document_id=document_id,
                detail=detail or None,
                updated_at=self._clock(),
            )
            .returning(*t.c)
        )
        with self.engine.begin() as conn:
            row = conn.execute(statement).one()
        return _action(row)

    # -- bindings by Specter's numbers -------------------------------------------------------

    def binding_for(
        self, tenant: str, specter_order_no: str, external_order_no: str | None = None
    ) -> OrderBinding | None:
        """The order binding of a Specter order, by its number or (while the binding is still
        being completed) by the external order number the shop sent."""
        t = order_bindings
        match = t.c.specter_order_no == specter_order_no
        if external_order_no:
            match = or_(match, t.c.external_order_no == external_order_no)
        query = select(t).where(t.c.tenant == tenant, match).order_by(t.c.id)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        exact = [r for r in rows if r.specter_order_no == specter_order_no]
        chosen = exact or rows
        return binding_from_row(chosen[0]) if chosen else None
