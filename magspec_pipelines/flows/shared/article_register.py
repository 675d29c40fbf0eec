"""Staging Specter's article change queue into `catalog_articles`, before it is acknowledged.

The protocol has no "list all articles" action and no resync of the article queue (only of the
stock queue, `clearArticleBatch`). A newly connected account starts with its whole register
queued, and every change after that is queued again; staging every batch durably therefore
keeps a complete copy of the register, which is what full syncs and compares read.
"""

from __future__ import annotations

from dataclasses import dataclass

from magspec_pipelines.mapping.articles import article_from_change, article_to_json
from magspec_pipelines.specter.client import SpecterClient
from magspec_pipelines.specter.queues import Batch, QueueKind
from magspec_pipelines.state.catalog import CatalogState

# A full pull drains everything waiting; a delta run stops after this many batches and goes on
# with the next run (the queue keeps the rest).
FULL_PULL_BATCHES = 1000
DELTA_BATCHES = 50


@dataclass(frozen=True)
class StagingReport:
    batches: int
    articles: int
    recovered: int
    more: bool
    batch_nos: tuple[str, ...]


def stage_article_queue(
    tenant_id: str, specter: SpecterClient, catalog: CatalogState, *, full: bool = False
) -> StagingReport:
    """Drain the article queue into the staging table; each batch is acked only after it is
    stored (a crash in between brings the same batch back, recovered, and staging it twice is
    harmless)."""
    staged: list[str] = []

    def stage(batch: Batch) -> None:
        articles = {c.article_no: article_to_json(article_from_change(c)) for c in batch.items}
        catalog.stage_articles(tenant_id, batch.batch_no, articles)
        staged.append(batch.batch_no)

    result = specter.drain(
        QueueKind.ARTICLES, stage, max_batches=FULL_PULL_BATCHES if full else DELTA_BATCHES
    )
    return StagingReport(
        batches=result.batches,
        articles=result.items,
        recovered=result.recovered,
        more=result.more,
        batch_nos=tuple(staged),
    )
