"""State for the catalog flows (issue 5): product bindings and initial-sync progress.

Revision ID: 0002
Revises: 0001

- `catalog_articles`: Specter's article register as staged from its change queue (the only
  full view of it the protocol offers), one row per article.
- `catalog_batches`: the queue batches already staged, so a recovered batch is recognised.
- `catalog_sync_progress`: full syncs (initial sync, nightly compare) chunk by chunk, so an
  interrupted one resumes where it stopped.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _id() -> sa.Column:
    return sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True)


def _utc(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "catalog_articles",
        _id(),
        sa.Column("tenant", sa.String(64), nullable=False),
        sa.Column("article_no", sa.String(64), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("batch_no", sa.String(64), nullable=False),
        _utc("updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_catalog_articles"),
        sa.UniqueConstraint("tenant", "article_no", name="uq_catalog_articles_tenant_article_no"),
    )
    op.create_table(
        "catalog_batches",
        _id(),
        sa.Column("tenant", sa.String(64), nullable=False),
        sa.Column("batch_no", sa.String(64), nullable=False),
        sa.Column("items", sa.Integer(), nullable=False),
        _utc("staged_at"),
        sa.PrimaryKeyConstraint("id", name="pk_catalog_batches"),
        sa.UniqueConstraint("tenant", "batch_no", name="uq_catalog_batches_tenant_batch_no"),
    )
    op.create_table(
        "catalog_sync_progress",
        _id(),
        sa.Column("tenant", sa.String(64), nullable=False),
        sa.Column("flow", sa.String(64), nullable=False),
        sa.Column("sync_id", sa.String(64), nullable=False),
        sa.Column("dry_run", sa.Boolean(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("cursor", sa.String(255), nullable=False),
        sa.Column("counts", sa.Text(), nullable=False),
        sa.Column("finished", sa.Boolean(), nullable=False),
        sa.Column("resumes", sa.Integer(), nullable=False),
        _utc("started_at"),
        _utc("updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_catalog_sync_progress"),
        sa.UniqueConstraint(
            "tenant", "flow", "sync_id", name="uq_catalog_sync_progress_tenant_flow_sync_id"
        ),
    )


def downgrade() -> None:
    op.drop_table("catalog_sync_progress")
    op.drop_table("catalog_batches")
    op.drop_table("catalog_articles")
