"""Durable state of the stock flow: stock changes staged before Specter's batch is acknowledged,
and the last known on-hand level per article and stock site.

Staging a batch and remembering its number happen in one transaction, so a batch handed back
after a crash (recovered) is recognised and not staged twice. A level is applied (`pending`
cleared) only if no newer change was staged meanwhile: `revision` guards that.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    and_,
    bindparam,
    func,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from magspec_pipelines.domain.pricing import StockLevel
from magspec_pipelines.state.schema import UTCDateTime, _id
from magspec_pipelines.state.store import StateStore

metadata = MetaData()

stock_batches = Table(
    "stock_batches",
    metadata,
    _id(),
    Column("tenant", String(64), nullable=False),
    Column("batch_no", String(64), nullable=False),
    Column("items", Integer, nullable=False),
    Column("recovered", Integer, nullable=False),
    Column("staged_at", UTCDateTime, nullable=False),
    UniqueConstraint("tenant", "batch_no"),
)

stock_levels = Table(
    "stock_levels",
    metadata,
    _id(),
    Column("tenant", String(64), nullable=False),
    Column("article_no", String(255), nullable=False),
    # "" for the account's default stock site (a feed without site ids).
    Column("stock_site_id", String(64), nullable=False),
    # Decimal as text: exact on both backends, and SQLite has no decimal type.
    Column("quantity", String(40), nullable=False),
    Column("from_on_hand", Integer, nullable=False),
    Column("batch_no", String(64), nullable=False),
    Column("revision", BigInteger, nullable=False),
    Column("pending", Integer, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("tenant", "article_no", "stock_site_id"),
    Index("ix_stock_levels_tenant_pending", "tenant", "pending"),
)


@dataclass(frozen=True)
class StagedLevel:
    level: StockLevel
    revision: int
    pending: bool
    batch_no: str


@dataclass(frozen=True)
class StagedBatch:
    batch_no: str
    items: int
    recovered: bool
    staged_at: datetime


class PricingState:
    """Stock staging on the tenant's `StateStore` (SQLite or PostgreSQL)."""

    def __init__(self, store: StateStore) -> None:
        self.store = store
        self._engine = store.engine
        dialects = {"sqlite": sqlite, "postgresql": postgresql}
        self._dialect = dialects[self._engine.dialect.name]

    def stage_stock_batch(
        self,
        tenant: str,
        batch_no: str,
        levels: Sequence[StockLevel],
        *,
        recovered: bool = False,
    ) -> bool:
        """Store a fetched batch durably. False (and nothing written) when this batch number was
        staged before: a batch handed back after a crash between staging and acknowledging."""
        now = datetime.now(UTC)
        batch = (
            self._dialect.insert(stock_batches)
            .values(
                tenant=tenant,
                batch_no=batch_no,
                items=len(levels),
                recovered=int(recovered),
                staged_at=now,
            )
            .on_conflict_do_nothing(
                index_elements=[stock_batches.c.tenant, stock_batches.c.batch_no]
            )
            .returning(stock_batches.c.id)
        )
        # The last change of an article and site in a batch wins, as Specter would have it.
        latest = {(lv.article_no, lv.stock_site_id or ""): lv for lv in levels}
        t = stock_levels
        insert = self._dialect.insert(t)
        upsert = insert.on_conflict_do_update(
            index_elements=[t.c.tenant, t.c.article_no, t.c.stock_site_id],
            set_={
                "quantity": insert.excluded.quantity,
                "from_on_hand": insert.excluded.from_on_hand,
                "batch_no": insert.excluded.batch_no,
                "revision": t.c.revision + 1,
                "pending": 1,
                "updated_at": now,
            },
        )
        rows = [
            {
                "tenant": tenant,
                "article_no": article_no,
                "stock_site_id": site,
                "quantity": str(level.quantity),
                "from_on_hand": int(level.from_on_hand),
                "batch_no": batch_no,
                "revision": 1,
                "pending": 1,
                "updated_at": now,
            }
            for (article_no, site), level in latest.items()
        ]
        with self._engine.begin() as conn:
            if conn.execute(batch).first() is None:
                return False
            if rows:
                conn.execute(upsert, rows)
        return True

    def pending_stock(self, tenant: str) -> list[StagedLevel]:
        return self._levels(and_(stock_levels.c.tenant == tenant, stock_levels.c.pending == 1))

    def stock_levels(
        self, tenant: str, article_nos: Iterable[str] | None = None
    ) -> list[StagedLevel]:
        condition = stock_levels.c.tenant == tenant
        if article_nos is not None:
            condition = and_(condition, stock_levels.c.article_no.in_(list(article_nos)))
        return self._levels(condition)

    def mark_stock_applied(self, tenant: str, staged: Sequence[StagedLevel]) -> int:
        """Clear `pending` of the levels as read; a level staged again since stays pending."""
        if not staged:
            return 0
        t = stock_levels
        statement = (
            update(t)
            .where(
                t.c.tenant == bindparam("b_tenant"),
                t.c.article_no == bindparam("b_article"),
                t.c.stock_site_id == bindparam("b_site"),
                t.c.revision == bindparam("b_revision"),
            )
            .values(pending=0)
        )
        rows = [
            {
                "b_tenant": tenant,
                "b_article": s.level.article_no,
                "b_site": s.level.stock_site_id or "",
                "b_revision": s.revision,
            }
            for s in staged
        ]
        with self._engine.begin() as conn:
            result = conn.execute(statement, rows)
        return int(result.rowcount or 0)

    def stock_batches(self, tenant: str) -> list[StagedBatch]:
        t = stock_batches
        query = select(t).where(t.c.tenant == tenant).order_by(t.c.staged_at, t.c.id)
        with self._engine.connect() as conn:
            return [
                StagedBatch(r.batch_no, r.items, bool(r.recovered), r.staged_at)
                for r in conn.execute(query)
            ]

    def pending_summary(self, tenant: str) -> tuple[int, int]:
        """(levels waiting to be applied, id of the newest staged batch): the second changes
        whenever something new is staged, so it names the work in a run key."""
        t, b = stock_levels, stock_batches
        pending = select(func.count()).where(t.c.tenant == tenant, t.c.pending == 1)
        newest = select(func.coalesce(func.max(b.c.id), 0)).where(b.c.tenant == tenant)
        with self._engine.connect() as conn:
            return int(conn.execute(pending).scalar_one()), int(conn.execute(newest).scalar_one())

    def _levels(self, condition: Any) -> list[StagedLevel]:
        t = stock_levels
        query = select(t).where(condition).order_by(t.c.article_no, t.c.stock_site_id)
        with self._engine.connect() as conn:
            return [
                StagedLevel(
                    level=StockLevel(
                        article_no=r.article_no,
                        stock_site_id=r.stock_site_id or None,
                        quantity=Decimal(r.quantity),
                        from_on_hand=bool(r.from_on_hand),
                    ),
                    revision=int(r.revision),
                    pending=bool(r.pending),
                    batch_no=r.batch_no,
                )
                for r in conn.execute(query)
            ]
