"""Initial state: order bindings, watermarks, parked records, fingerprints.

Revision ID: 0001
Revises:
Create Date: 2026-01-01

Written out in full (not imported from schema.py) so that this revision keeps creating exactly
these tables after the schema module moves on.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _id() -> sa.Column:
    return sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True)


def _utc(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "order_bindings",
        _id(),
        sa.Column("tenant", sa.String(64), nullable=False),
        sa.Column("shop", sa.String(64), nullable=False),
        sa.Column("magento_entity_id", sa.BigInteger(), nullable=False),
        sa.Column("magento_increment_id", sa.String(64), nullable=False),
        sa.Column("external_order_no", sa.String(128), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("specter_customer_id", sa.String(64)),
        sa.Column("specter_order_no", sa.String(64)),
        sa.Column("specter_invoice_no", sa.String(64)),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text()),
        _utc("created_at"),
        _utc("updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_order_bindings"),
        sa.UniqueConstraint(
            "tenant",
            "shop",
            "magento_entity_id",
            name="uq_order_bindings_tenant_shop_magento_entity_id",
        ),
        sa.CheckConstraint(
            "state IN ('submitting', 'created', 'invoicing', 'invoiced')",
            name="ck_order_bindings_state",
        ),
    )
    op.create_index("ix_order_bindings_tenant_day", "order_bindings", ["tenant", "day"])
    has_order_no = sa.text("specter_order_no IS NOT NULL")
    op.create_index(
        "uq_order_bindings_tenant_specter_order_no",
        "order_bindings",
        ["tenant", "specter_order_no"],
        unique=True,
        sqlite_where=has_order_no,
        postgresql_where=has_order_no,
    )

    op.create_table(
        "watermarks",
        _id(),
        sa.Column("tenant", sa.String(64), nullable=False),
        sa.Column("stream", sa.String(64), nullable=False),
        sa.Column("scope", sa.String(128), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("extra", sa.Text(), nullable=False),
        _utc("updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_watermarks"),
        sa.UniqueConstraint("tenant", "stream", "scope", name="uq_watermarks_tenant_stream_scope"),
    )

    op.create_table(
        "parked_records",
        _id(),
        sa.Column("tenant", sa.String(64), nullable=False),
        sa.Column("flow", sa.String(64), nullable=False),
        sa.Column("entity_key", sa.String(255), nullable=False),
        sa.Column("shop", sa.String(64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("fix_path", sa.Text(), nullable=False),
        sa.Column("payload", sa.Text()),
        sa.Column("source_fingerprint", sa.String(128), nullable=False),
        _utc("first_seen"),
        _utc("last_seen"),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _utc("resolved_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_parked_records"),
        sa.UniqueConstraint(
            "tenant", "flow", "entity_key", name="uq_parked_records_tenant_flow_entity_key"
        ),
    )

    op.create_table(
        "fingerprints",
        _id(),
        sa.Column("tenant", sa.String(64), nullable=False),
        sa.Column("entity_type", sa.String(64), nullable=False),
        sa.Column("entity_key", sa.String(255), nullable=False),
        sa.Column("target", sa.String(64), nullable=False),
        sa.Column("fingerprint", sa.String(128), nullable=False),
        _utc("updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_fingerprints"),
        sa.UniqueConstraint(
            "tenant",
            "entity_type",
            "entity_key",
            "target",
            name="uq_fingerprints_tenant_entity_type_entity_key_target",
        ),
    )


def downgrade() -> None:
    op.drop_table("fingerprints")
    op.drop_table("parked_records")
    op.drop_table("watermarks")
    op.drop_index("uq_order_bindings_tenant_specter_order_no", table_name="order_bindings")
    op.drop_index("ix_order_bindings_tenant_day", table_name="order_bindings")
    op.drop_table("order_bindings")
