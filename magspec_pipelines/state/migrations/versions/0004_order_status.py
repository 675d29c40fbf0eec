"""State for the order status flow (issue 6): staged Specter order events and the actions taken.

Revision ID: 0004
Revises: 0003

Written out in full (not imported from state/order_status.py) so that this revision keeps
creating exactly these tables after that module moves on.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _id() -> sa.Column:
    return sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True)


def _utc(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "order_status_events",
        _id(),
        sa.Column("tenant", sa.String(64), nullable=False),
        sa.Column("dedupe_key", sa.String(255), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("specter_order_no", sa.String(64), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        _utc("staged_at"),
        _utc("processed_at", nullable=True),
        sa.Column("outcome", sa.Text()),
        sa.PrimaryKeyConstraint("id", name="pk_order_status_events"),
        sa.UniqueConstraint(
            "tenant", "dedupe_key", name="uq_order_status_events_tenant_dedupe_key"
        ),
    )
    op.create_index(
        "ix_order_status_events_tenant_processed_at",
        "order_status_events",
        ["tenant", "processed_at"],
    )
    op.create_index(
        "ix_order_status_events_tenant_specter_order_no",
        "order_status_events",
        ["tenant", "specter_order_no"],
    )
    op.create_table(
        "order_status_actions",
        _id(),
        sa.Column("tenant", sa.String(64), nullable=False),
        sa.Column("shop", sa.String(64), nullable=False),
        sa.Column("magento_entity_id", sa.BigInteger(), nullable=False),
        sa.Column("specter_order_no", sa.String(64), nullable=False),
        sa.Column("event_key", sa.String(255), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("magento_document_id", sa.BigInteger()),
        sa.Column("detail", sa.Text()),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _utc("created_at"),
        _utc("updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_order_status_actions"),
        sa.UniqueConstraint(
            "tenant",
            "shop",
            "magento_entity_id",
            "event_key",
            "action",
            name="uq_order_status_actions_event_action",
        ),
        sa.CheckConstraint(
            "state IN ('pending', 'done', 'skipped')", name="ck_order_status_actions_state"
        ),
    )


def downgrade() -> None:
    op.drop_table("order_status_actions")
    op.drop_index("ix_order_status_events_tenant_specter_order_no", "order_status_events")
    op.drop_index("ix_order_status_events_tenant_processed_at", "order_status_events")
    op.drop_table("order_status_events")
