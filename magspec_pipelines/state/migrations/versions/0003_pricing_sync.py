"""State for the price and stock flows (issue 5): staged stock changes and the batches they
came in.

Revision ID: 0003
Revises: 0002

Written out in full (not imported from state/pricing.py) so that this revision keeps creating
exactly these tables after that module moves on.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _id() -> sa.Column:
    return sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True)


def _utc(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "stock_batches",
        _id(),
        sa.Column("tenant", sa.String(64), nullable=False),
        sa.Column("batch_no", sa.String(64), nullable=False),
        sa.Column("items", sa.Integer(), nullable=False),
        sa.Column("recovered", sa.Integer(), nullable=False),
        _utc("staged_at"),
        sa.PrimaryKeyConstraint("id", name="pk_stock_batches"),
        sa.UniqueConstraint("tenant", "batch_no", name="uq_stock_batches_tenant_batch_no"),
    )
    op.create_table(
        "stock_levels",
        _id(),
        sa.Column("tenant", sa.String(64), nullable=False),
        sa.Column("article_no", sa.String(255), nullable=False),
        sa.Column("stock_site_id", sa.String(64), nullable=False),
        sa.Column("quantity", sa.String(40), nullable=False),
        sa.Column("from_on_hand", sa.Integer(), nullable=False),
        sa.Column("batch_no", sa.String(64), nullable=False),
        sa.Column("revision", sa.BigInteger(), nullable=False),
        sa.Column("pending", sa.Integer(), nullable=False),
        _utc("updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_stock_levels"),
        sa.UniqueConstraint(
            "tenant",
            "article_no",
            "stock_site_id",
            name="uq_stock_levels_tenant_article_no_stock_site_id",
        ),
    )
    op.create_index("ix_stock_levels_tenant_pending", "stock_levels", ["tenant", "pending"])


def downgrade() -> None:
    op.drop_index("ix_stock_levels_tenant_pending", table_name="stock_levels")
    op.drop_table("stock_levels")
    op.drop_table("stock_batches")
