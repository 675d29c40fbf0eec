"""`StateStore`: order bindings, watermarks, parked records and fingerprints, on SQLite or PostgreSQL.

Every write is one short transaction. Upserts use the dialect's `INSERT ... ON CONFLICT`, so two
workers racing on the same key end with one row, never an error or a duplicate.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, Table, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from magspec_pipelines.state.engine import create_state_engine
from magspec_pipelines.state.rows import (
    BindingNotFound,
    BindingStateError,
    DuplicateSpecterOrder,
    OrderBinding,
    ParkedRecord,
    UnsupportedDatabase,
    Watermark,
    binding_from_row,
    parked_from_row,
    to_json,
    watermark_from_row,
)
from magspec_pipelines.state.schema import (
    VERSION_TABLE,
    BindingState,
    fingerprints,
    order_bindings,
    parked_records,
    watermarks,
)
from magspec_pipelines.state.urls import state_url

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# Arbitrary constant naming the migration lock among PostgreSQL advisory locks ("magspec").
_LOCK_KEY = 0x6D61_6773_7065_63


def _utcnow() -> datetime:
    return datetime.now(UTC)


class StateStore:
    """The durable sync state. Build with `from_url`; call `upgrade()` once before use."""

    def __init__(self, engine: Engine, clock: Callable[[], datetime] = _utcnow) -> None:
        self.engine = engine
        self._clock = clock
        dialects = {"sqlite": sqlite, "postgresql": postgresql}
        if engine.dialect.name not in dialects:
            raise UnsupportedDatabase(f"unsupported database {engine.dialect.name!r}")
        self._dialect = dialects[engine.dialect.name]

    @classmethod
    def from_url(
        cls, url: str | None = None, clock: Callable[[], datetime] = _utcnow
    ) -> StateStore:
        """`url`, else $MAGSPEC_STATE_URL, else `sqlite:///$MAGSPEC_HOME/state.db`."""
        return cls(create_state_engine(state_url(url)), clock=clock)

    @property
    def url_for_display(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def upgrade(self) -> None:
        """Bring the schema to the newest migration; safe to repeat and to run concurrently."""
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        with self.engine.begin() as connection:
            # Every run upgrades on start; concurrent first runs must not both create the tables.
            # SQLite is already serialised by BEGIN IMMEDIATE; PostgreSQL needs a lock.
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    def current_revision(self) -> str | None:
        with self.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
            return context.get_current_revision()

    def dispose(self) -> None:
        self.engine.dispose()

    def _insert(self, table: Table) -> Any:
        return self._dialect.insert(table)

    # -- order bindings ---------------------------------------------------------------------

    def order_binding(self, tenant: str, shop: str, entity_id: int) -> OrderBinding | None:
        with self.engine.connect() as conn:
            row = conn.execute(_binding_query(tenant, shop, entity_id)).first()
        return None if row is None else binding_from_row(row)

    def order_bindings(
        self,
        tenant: str,
        *,
        shop: str | None = None,
        day: date | None = None,
        entity_ids: Iterable[int] | None = None,
        states: Iterable[BindingState] | None = None,
    ) -> list[OrderBinding]:
        t = order_bindings
        query = select(t).where(t.c.tenant == tenant)
        if shop is not None:
            query = query.where(t.c.shop == shop)
        if day is not None:
            query = query.where(t.c.day == day)
        if entity_ids is not None:
            query = query.where(t.c.magento_entity_id.in_(list(entity_ids)))
        if states is not None:
            query = query.where(t.c.state.in_([BindingState(s).value for s in states]))
        query = query.order_by(t.c.day, t.c.shop, t.c.magento_entity_id)
        with self.engine.connect() as conn:
            return [binding_from_row(row) for row in conn.execute(query)]

    def begin_order_submission(
        self,
        tenant: str,
        shop: str,
        entity_id: int,
        *,
        increment_id: str,
        external_order_no: str,
        day: date,
    ) -> OrderBinding:
        """Bind the order before it is sent: a new row, or one more attempt of a `submitting` row.

        A retry keeps the first `external_order_no` and `day`: the earlier attempt may have
        reached Specter under that number, and Specter's duplicate control needs the same one.
        Raises `BindingStateError` when the order has already moved past `submitting`.
        """
        t, now = order_bindings, self._clock()
        insert = self._insert(t).values(
            tenant=tenant,
            shop=shop,
            magento_entity_id=entity_id,
            magento_increment_id=increment_id,
            external_order_no=external_order_no,
            day=day,
            state=BindingState.SUBMITTING.value,
            attempts=1,
            created_at=now,
            updated_at=now,
        )
        upsert = insert.on_conflict_do_update(
            index_elements=[t.c.tenant, t.c.shop, t.c.magento_entity_id],
            set_={"attempts": t.c.attempts + 1, "updated_at": now},
            where=t.c.state == BindingState.SUBMITTING.value,
        ).returning(*t.c)
        with self.engine.begin() as conn:
            row = conn.execute(upsert).first()
            if row is None:
                existing = conn.execute(_binding_query(tenant, shop, entity_id)).one()
                raise BindingStateError(binding_from_row(existing), BindingState.SUBMITTING)
        return binding_from_row(row)

    def record_customer(self, tenant: str, shop: str, entity_id: int, customer_id: str) -> None:
        self._move(tenant, shop, entity_id, {"specter_customer_id": customer_id})

    def record_order_created(
        self, tenant: str, shop: str, entity_id: int, order_no: str
    ) -> OrderBinding:
        """The order exists in Specter as `order_no`. Repeating it with the same number is a no-op."""
        return self._move(
            tenant,
            shop,
            entity_id,
            {"specter_order_no": order_no, "last_error": None},
            to=BindingState.CREATED,
            from_states=(BindingState.SUBMITTING,),
            same_as=("specter_order_no", order_no),
        )

    def begin_invoice(self, tenant: str, shop: str, entity_id: int) -> OrderBinding:
        return self._move(
            tenant,
            shop,
            entity_id,
            {},
            to=BindingState.INVOICING,
            from_states=(BindingState.CREATED, BindingState.INVOICING),
            count_attempt=True,
        )

    def record_invoice_created(
        self, tenant: str, shop: str, entity_id: int, invoice_no: str
    ) -> OrderBinding:
        return self._move(
            tenant,
            shop,
            entity_id,
            {"specter_invoice_no": invoice_no, "last_error": None},
            to=BindingState.INVOICED,
            from_states=(BindingState.INVOICING,),
            same_as=("specter_invoice_no", invoice_no),
        )

    def record_binding_error(self, tenant: str, shop: str, entity_id: int, message: str) -> None:
        self._move(tenant, shop, entity_id, {"last_error": message})

    def _move(
        self,
        tenant: str,
        shop: str,
        entity_id: int,
        values: dict[str, Any],
        *,
        to: BindingState | None = None,
        from_states: tuple[BindingState, ...] = (),
        same_as: tuple[str, str] | None = None,
        count_attempt: bool = False,
    ) -> OrderBinding:
        t = order_bindings
        changes: dict[str, Any] = {**values, "updated_at": self._clock()}
        if to is not None:
            changes["state"] = to.value
        if count_attempt:
            changes["attempts"] = t.c.attempts + 1
        statement = (
            update(t)
            .where(t.c.tenant == tenant, t.c.shop == shop, t.c.magento_entity_id == entity_id)
            .values(changes)
            .returning(*t.c)
        )
        if from_states:
            statement = statement.where(t.c.state.in_([s.value for s in from_states]))
        try:
            with self.engine.begin() as conn:
                row = conn.execute(statement).first()
                if row is None:
                    existing = conn.execute(_binding_query(tenant, shop, entity_id)).first()
        except IntegrityError as exc:
            raise DuplicateSpecterOrder(
                f"Specter order {values.get('specter_order_no')!r} is already bound to another "
                f"order of tenant {tenant!r}"
            ) from exc
        if row is not None:
            return binding_from_row(row)
        if existing is None:
            raise BindingNotFound(tenant, shop, entity_id)
        binding = binding_from_row(existing)
        if to is not None and binding.state is to and same_as is not None:
            column, wanted = same_as
            if getattr(binding, column) == wanted:
                return binding
        raise BindingStateError(binding, to or binding.state)

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


def _binding_query(tenant: str, shop: str, entity_id: int) -> Any:
    t = order_bindings
    return select(t).where(
        t.c.tenant == tenant, t.c.shop == shop, t.c.magento_entity_id == entity_id
    )
