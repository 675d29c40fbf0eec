"""Watermarks, parked records and fingerprints in the state store: where a stream stopped,
what could not be synced and why, and what was last written per record and target."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select, update

from magspec_pipelines.state.core import StoreCore
from magspec_pipelines.state.rows import (
    ParkedRecord,
    Watermark,
    parked_from_row,
    to_json,
    watermark_from_row,
)
from magspec_pipelines.state.schema import fingerprints, parked_records, watermarks


class SyncRecordStore(StoreCore):
    """The watermark, parked-record and fingerprint part of `StateStore`."""

    # -- watermarks -------------------------------------------------------------------------

    def watermark(self, tenant: str, stream: str, scope: str = "") -> Watermark | None:
        t = watermarks
        query = select(t).where(t.c.tenant == tenant, t.c.stream == stream, t.c.scope == scope)
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return None if row is None else watermark_from_row(row)

    def set_watermark(
        self,
        tenant: str,
        stream: str,
        scope: str,
        value: str,
        extra: Mapping[str, Any] | None = None,
    ) -> Watermark:
        t, now = watermarks, self._clock()
        insert = self._insert(t).values(
            tenant=tenant,
            stream=stream,
            scope=scope,
            value=value,
            extra=to_json(extra or {}),
            updated_at=now,
        )
        upsert = insert.on_conflict_do_update(
            index_elements=[t.c.tenant, t.c.stream, t.c.scope],
            set_={
                "value": insert.excluded.value,
                "extra": insert.excluded.extra,
                "updated_at": now,
            },
        ).returning(*t.c)
        with self.engine.begin() as conn:
            return watermark_from_row(conn.execute(upsert).one())

    # -- parked records ---------------------------------------------------------------------

    def park(
        self,
        tenant: str,
        flow: str,
        entity_key: str,
        *,
        reason: str,
        fix_path: str,
        payload: Mapping[str, Any] | None,
        shop: str = "",
        source_fingerprint: str = "",
    ) -> ParkedRecord:
        """Park a record that cannot be synced, or count one more failed attempt of a parked one."""
        t, now = parked_records, self._clock()
        insert = self._insert(t).values(
            tenant=tenant,
            flow=flow,
            entity_key=entity_key,
            shop=shop,
            reason=reason,
            fix_path=fix_path,
            payload=to_json(payload),
            source_fingerprint=source_fingerprint,
            first_seen=now,
            last_seen=now,
            attempts=1,
            resolved_at=None,
        )
        excluded = insert.excluded
        upsert = insert.on_conflict_do_update(
            index_elements=[t.c.tenant, t.c.flow, t.c.entity_key],
            set_={
                "shop": excluded.shop,
                "reason": excluded.reason,
                "fix_path": excluded.fix_path,
                "payload": excluded.payload,
                "source_fingerprint": excluded.source_fingerprint,
                "last_seen": now,
                "attempts": t.c.attempts + 1,
                "resolved_at": None,
            },
        ).returning(*t.c)
        with self.engine.begin() as conn:
            return parked_from_row(conn.execute(upsert).one())

    def resolve_parked(self, tenant: str, flow: str, entity_key: str) -> bool:
        """Mark a parked record resolved; False when it was not parked (absent or resolved)."""
        t = parked_records
        statement = (
            update(t)
            .where(
                t.c.tenant == tenant,
                t.c.flow == flow,
                t.c.entity_key == entity_key,
                t.c.resolved_at.is_(None),
            )
            .values(resolved_at=self._clock())
        )
        with self.engine.begin() as conn:
            return conn.execute(statement).rowcount > 0

    def parked(
        self, tenant: str | None = None, flow: str | None = None, *, include_resolved: bool = False
    ) -> list[ParkedRecord]:
        t = parked_records
        query = select(t)
        if tenant is not None:
            query = query.where(t.c.tenant == tenant)
        if flow is not None:
            query = query.where(t.c.flow == flow)
        if not include_resolved:
            query = query.where(t.c.resolved_at.is_(None))
        query = query.order_by(t.c.tenant, t.c.flow, t.c.first_seen, t.c.entity_key)
        with self.engine.connect() as conn:
            return [parked_from_row(row) for row in conn.execute(query)]

    # -- fingerprints -----------------------------------------------------------------------

    def fingerprints(
        self, tenant: str, entity_type: str, target: str, entity_keys: Iterable[str] | None = None
    ) -> dict[str, str]:
        """Last written fingerprint per entity key, for one entity type and target system."""
        t = fingerprints
        query = select(t.c.entity_key, t.c.fingerprint).where(
            t.c.tenant == tenant, t.c.entity_type == entity_type, t.c.target == target
        )
        if entity_keys is not None:
            query = query.where(t.c.entity_key.in_(list(entity_keys)))
        with self.engine.connect() as conn:
            return {key: fp for key, fp in conn.execute(query)}

    def set_fingerprints(
        self, tenant: str, entity_type: str, target: str, by_key: Mapping[str, str]
    ) -> None:
        if not by_key:
            return
        t, now = fingerprints, self._clock()
        insert = self._insert(t)
        upsert = insert.on_conflict_do_update(
            index_elements=[t.c.tenant, t.c.entity_type, t.c.entity_key, t.c.target],
            set_={"fingerprint": insert.excluded.fingerprint, "updated_at": now},
        )
        rows = [
            {
                "tenant": tenant,
                "entity_type": entity_type,
                "entity_key": key,
                "target": target,
                "fingerprint": fp,
                "updated_at": now,
            }
            for key, fp in by_key.items()
        ]
        with self.engine.begin() as conn:
            conn.execute(upsert, rows)
