"""Catalog state: Specter's article register as staged from its change queue, and the progress
of full syncs (initial sync, nightly compare), on SQLite or PostgreSQL."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    select,
    update,
)

from magspec_pipelines.state.schema import UTCDateTime
from magspec_pipelines.state.store import StateStore

# Its own MetaData: the migration (0002) creates these tables; this only describes them.
metadata = MetaData()


def _id() -> Column[int]:
    return Column("id", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True)


catalog_articles = Table(
    "catalog_articles",
    metadata,
    _id(),
    Column("tenant", String(64), nullable=False),
    Column("article_no", String(64), nullable=False),
    Column("data", Text, nullable=False),
    Column("batch_no", String(64), nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("tenant", "article_no"),
)

catalog_batches = Table(
    "catalog_batches",
    metadata,
    _id(),
    Column("tenant", String(64), nullable=False),
    Column("batch_no", String(64), nullable=False),
    Column("items", Integer, nullable=False),
    Column("staged_at", UTCDateTime, nullable=False),
    UniqueConstraint("tenant", "batch_no"),
)

catalog_sync_progress = Table(
    "catalog_sync_progress",
    metadata,
    _id(),
    Column("tenant", String(64), nullable=False),
    Column("flow", String(64), nullable=False),
    Column("sync_id", String(64), nullable=False),
    Column("dry_run", Boolean, nullable=False),
    Column("total", Integer, nullable=False),
    Column("done", Integer, nullable=False),
    Column("cursor", String(255), nullable=False),
    Column("counts", Text, nullable=False),
    Column("finished", Boolean, nullable=False),
    Column("resumes", Integer, nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("tenant", "flow", "sync_id"),
)


@dataclass
class SyncProgress:
    """One full sync: `cursor` is the last unit key finished (units run in key order)."""

    tenant: str
    flow: str
    sync_id: str
    dry_run: bool
    total: int
    done: int = 0
    cursor: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    finished: bool = False
    resumes: int = 0
    started_at: datetime | None = None


def _progress(row: Any) -> SyncProgress:
    return SyncProgress(
        tenant=row.tenant,
        flow=row.flow,
        sync_id=row.sync_id,
        dry_run=bool(row.dry_run),
        total=row.total,
        done=row.done,
        cursor=row.cursor,
        counts=json.loads(row.counts),
        finished=bool(row.finished),
        resumes=row.resumes,
        started_at=row.started_at,
    )


class CatalogState:
    """The catalog tables of one `StateStore` (which must be upgraded)."""

    def __init__(self, store: StateStore) -> None:
        self.store = store
        self.engine = store.engine

    def _now(self) -> datetime:
        return self.store._clock()

    # -- staged Specter articles ----------------------------------------------------------------

    def batch_staged(self, tenant: str, batch_no: str) -> bool:
        t = catalog_batches
        query = select(t.c.id).where(t.c.tenant == tenant, t.c.batch_no == batch_no)
        with self.engine.connect() as conn:
            return conn.execute(query).first() is not None

    def stage_articles(
        self, tenant: str, batch_no: str, articles: Mapping[str, Mapping[str, Any]]
    ) -> None:
        """Store a queue batch's articles and the batch number in one transaction: after this
        the batch may be acknowledged. Staging the same batch again changes nothing."""
        now = self._now()
        t = catalog_articles
        insert = self.store._insert(t)
        upsert = insert.on_conflict_do_update(
            index_elements=[t.c.tenant, t.c.article_no],
            set_={
                "data": insert.excluded.data,
                "batch_no": insert.excluded.batch_no,
                "updated_at": now,
            },
        )
        rows = [
            {
                "tenant": tenant,
                "article_no": no,
                "data": json.dumps(data, sort_keys=True, default=str),
                "batch_no": batch_no,
                "updated_at": now,
            }
            for no, data in articles.items()
        ]
        b = catalog_batches
        mark = (
            self.store._insert(b)
            .values(tenant=tenant, batch_no=batch_no, items=len(rows), staged_at=now)
            .on_conflict_do_nothing(index_elements=[b.c.tenant, b.c.batch_no])
        )
        with self.engine.begin() as conn:
            if rows:
                conn.execute(upsert, rows)
            conn.execute(mark)

    def articles(
        self, tenant: str, article_nos: Iterable[str] | None = None
    ) -> dict[str, dict[str, Any]]:
        t = catalog_articles
        query = select(t.c.article_no, t.c.data).where(t.c.tenant == tenant)
        if article_nos is not None:
            query = query.where(t.c.article_no.in_(list(article_nos)))
        with self.engine.connect() as conn:
            return {no: json.loads(data) for no, data in conn.execute(query)}

    # -- full-sync progress ---------------------------------------------------------------------

    def open_sync(self, tenant: str, flow: str, dry_run: bool) -> SyncProgress | None:
        """The unfinished full sync of `flow` to resume, if there is one."""
        t = catalog_sync_progress
        query = (
            select(t)
            .where(
                t.c.tenant == tenant,
                t.c.flow == flow,
                t.c.dry_run == dry_run,
                t.c.finished.is_(False),
            )
            .order_by(t.c.started_at.desc(), t.c.id.desc())
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return None if row is None else _progress(row)

    def begin_sync(self, tenant: str, flow: str, *, dry_run: bool, total: int) -> SyncProgress:
        now = self._now()
        progress = SyncProgress(
            tenant, flow, uuid.uuid4().hex, dry_run, total, started_at=now, counts={}
        )
        with self.engine.begin() as conn:
            conn.execute(
                catalog_sync_progress.insert().values(
                    tenant=tenant,
                    flow=flow,
                    sync_id=progress.sync_id,
                    dry_run=dry_run,
                    total=total,
                    done=0,
                    cursor="",
                    counts="{}",
                    finished=False,
                    resumes=0,
                    started_at=now,
                    updated_at=now,
                )
            )
        return progress

    def record_progress(self, progress: SyncProgress, *, resumed: bool = False) -> None:
        t = catalog_sync_progress
        values: dict[str, Any] = {
            "total": progress.total,
            "done": progress.done,
            "cursor": progress.cursor,
            "counts": json.dumps(progress.counts, sort_keys=True),
            "finished": progress.finished,
            "updated_at": self._now(),
        }
        if resumed:
            values["resumes"] = t.c.resumes + 1
        statement = (
            update(t)
            .where(
                t.c.tenant == progress.tenant,
                t.c.flow == progress.flow,
                t.c.sync_id == progress.sync_id,
            )
            .values(values)
        )
        with self.engine.begin() as conn:
            conn.execute(statement)
        if resumed:
            progress.resumes += 1

    def syncs(self, tenant: str, flow: str) -> list[SyncProgress]:
        t = catalog_sync_progress
        query = (
            select(t).where(t.c.tenant == tenant, t.c.flow == flow).order_by(t.c.started_at, t.c.id)
        )
        with self.engine.connect() as conn:
            return [_progress(row) for row in conn.execute(query)]
