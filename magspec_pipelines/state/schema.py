"""The tables of the durable sync state (SQLAlchemy Core). Changes go through a new migration.

All timestamps are UTC. Every table leads with `tenant`, so one store serves every tenant and a
tenant's rows can be found, exported or removed together.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Dialect,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeDecorator

# Named constraints, so later migrations can alter them by name on both SQLite and PostgreSQL.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# Its own version table: the store may share a PostgreSQL database with Dagster's storage, which
# keeps its own alembic history in `alembic_version`.
VERSION_TABLE = "magspec_state_version"


class BindingState(StrEnum):
    """Where an order is on its way into Specter. Bound before and after every remote call."""

    SUBMITTING = "submitting"
    CREATED = "created"
    INVOICING = "invoicing"
    INVOICED = "invoiced"


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in and out; SQLite keeps no zone, so it stores naive UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps written to the state store must be timezone-aware")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _id() -> Column[int]:
    # BIGINT on PostgreSQL; SQLite only autoincrements an INTEGER PRIMARY KEY.
    return Column("id", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True)


_STATES = ", ".join(f"'{s.value}'" for s in BindingState)

order_bindings = Table(
    "order_bindings",
    metadata,
    _id(),
    Column("tenant", String(64), nullable=False),
    Column("shop", String(64), nullable=False),
    Column("magento_entity_id", BigInteger, nullable=False),
    Column("magento_increment_id", String(64), nullable=False),
    Column("external_order_no", String(128), nullable=False),
    Column("day", Date, nullable=False),
    Column("specter_customer_id", String(64)),
    Column("specter_order_no", String(64)),
    Column("specter_invoice_no", String(64)),
    Column("state", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("tenant", "shop", "magento_entity_id"),
    CheckConstraint(f"state IN ({_STATES})", name="state"),
    Index("ix_order_bindings_tenant_day", "tenant", "day"),
)

# One Specter order belongs to one Magento order: a second binding to the same number is refused.
_has_order_no = order_bindings.c.specter_order_no.isnot(None)
Index(
    "uq_order_bindings_tenant_specter_order_no",
    order_bindings.c.tenant,
    order_bindings.c.specter_order_no,
    unique=True,
    sqlite_where=_has_order_no,
    postgresql_where=_has_order_no,
)

watermarks = Table(
    "watermarks",
    metadata,
    _id(),
    Column("tenant", String(64), nullable=False),
    Column("stream", String(64), nullable=False),
    Column("scope", String(128), nullable=False, default=""),
    Column("value", Text, nullable=False),
    Column("extra", Text, nullable=False, default="{}"),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("tenant", "stream", "scope"),
)

parked_records = Table(
    "parked_records",
    metadata,
    _id(),
    Column("tenant", String(64), nullable=False),
    Column("flow", String(64), nullable=False),
    Column("entity_key", String(255), nullable=False),
    Column("shop", String(64), nullable=False, default=""),
    Column("reason", Text, nullable=False),
    Column("fix_path", Text, nullable=False),
    Column("payload", Text),
    Column("source_fingerprint", String(128), nullable=False, default=""),
    Column("first_seen", UTCDateTime, nullable=False),
    Column("last_seen", UTCDateTime, nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("resolved_at", UTCDateTime),
    UniqueConstraint("tenant", "flow", "entity_key"),
)

fingerprints = Table(
    "fingerprints",
    metadata,
    _id(),
    Column("tenant", String(64), nullable=False),
    Column("entity_type", String(64), nullable=False),
    Column("entity_key", String(255), nullable=False),
    Column("target", String(64), nullable=False),
    Column("fingerprint", String(128), nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("tenant", "entity_type", "entity_key", "target"),
)
