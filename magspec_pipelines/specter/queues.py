"""Specter's change queues: fetch a batch, make it durable, acknowledge it.

Specter hands out changes in batches named by the client and forgets them only when the batch is
acknowledged. While one is open, a get with another number answers 99 naming the open batch; the
client then fetches THAT batch again (its content is still there) and hands it to the caller
flagged `recovered`, because only the caller knows whether it was staged before the crash. The
client never acknowledges on the caller's behalf.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Generic, TypeVar
from uuid import uuid4

from magspec_pipelines.specter import assumed
from magspec_pipelines.specter.changes import (
    ArticleChange,
    FeedPage,
    OrderChange,
    StockChange,
    parse_articles_xml,
    parse_orders_xml,
    parse_stock_text,
    parse_stock_xml,
)
from magspec_pipelines.specter.errors import SpecterOpenBatch
from magspec_pipelines.specter.transport import XML_ANSWERS, SpecterTransport

T = TypeVar("T")


class QueueKind(StrEnum):
    STOCK = "stock"
    ARTICLES = "articles"
    ORDERS = "orders"


# (get action, ack action) per queue [V S1].
_ACTIONS = {
    QueueKind.STOCK: ("getArticleExternalNeedUpdate", "updateArticlesFromBatch"),
    QueueKind.ARTICLES: ("getArticleInfoExternalNeedUpdate", "updateArticleInfosFromBatch"),
    QueueKind.ORDERS: ("getOrdersExternalNeedUpdate", "updateOrdersFromBatch"),
}


@dataclass(frozen=True)
class Batch(Generic[T]):
    """One fetched batch. `more`: further changes are waiting behind it. `recovered`: this is a
    batch left open by an earlier run, returned instead of a new one (stage it, then ack it)."""

    kind: QueueKind
    batch_no: str
    items: tuple[T, ...]
    more: bool
    response_max_limit: int | None
    recovered: bool = False

    def __len__(self) -> int:
        return len(self.items)


@dataclass(frozen=True)
class DrainResult:
    """What `drain` did: batches staged and acknowledged, items in them, and whether it stopped
    at `max_batches` with changes still waiting."""

    batches: int
    items: int
    recovered: int
    more: bool


def new_batch_no() -> str:
    return uuid4().hex


class ChangeQueue:
    """The three change queues of one account."""

    def __init__(self, transport: SpecterTransport) -> None:
        self._transport = transport

    def fetch(
        self, kind: QueueKind, batch_no: str | None = None, multiple_stock_sites: bool = True
    ) -> Batch[Any]:
        """The next batch of `kind` under `batch_no` (a new one when None). An open batch left
        by an earlier run comes back instead, flagged `recovered`."""
        kind = QueueKind(kind)
        number = batch_no or new_batch_no()
        _check_batch_no(number)
        try:
            return self._fetch(kind, number, multiple_stock_sites, recovered=False)
        except SpecterOpenBatch as open_batch:
            open_no = open_batch.batch_no
            if not open_no or open_no == number:
                raise
            return self._fetch(kind, open_no, multiple_stock_sites, recovered=True)

    def ack(self, batch: Batch[Any]) -> None:
        """Acknowledge a batch the caller has made durable; repeating it is harmless."""
        self.ack_batch_no(batch.kind, batch.batch_no)

    def ack_batch_no(self, kind: QueueKind, batch_no: str) -> None:
        action = _ACTIONS[QueueKind(kind)][1]
        query = self._transport.signed(action, batch_no, action_param="Action", use_xml=None)
        query.append(("batchNo", batch_no))
        self._transport.get_answer(action, query, idempotent=True)

    def drain(
        self,
        kind: QueueKind,
        stage: Callable[[Batch[Any]], None],
        max_batches: int = 50,
        multiple_stock_sites: bool = True,
    ) -> DrainResult:
        """Fetch, `stage` (which must make the batch durable), ack; repeat while more waits.

        When `stage` raises, that batch is not acknowledged and the exception propagates; the
        next run gets the same batch back (recovered). So does a batch whose ack failed after
        staging: `stage` must treat a batch number it has already staged as done.
        """
        if max_batches < 1:
            raise ValueError("max_batches must be at least 1")
        batches = items = recovered = 0
        for _ in range(max_batches):
            batch = self.fetch(kind, multiple_stock_sites=multiple_stock_sites)
            if not batch.items and not batch.recovered:
                return DrainResult(batches, items, recovered, more=False)
            stage(batch)
            self.ack(batch)
            batches += 1
            items += len(batch.items)
            recovered += batch.recovered
            # After a recovered batch the changes asked for are still waiting.
            if not (batch.more or batch.recovered):
                return DrainResult(batches, items, recovered, more=False)
        return DrainResult(batches, items, recovered, more=True)

    def _fetch(
        self, kind: QueueKind, batch_no: str, multiple_stock_sites: bool, recovered: bool
    ) -> Batch[Any]:
        action = _ACTIONS[kind][0]
        text_stock = kind is QueueKind.STOCK and not multiple_stock_sites
        query = self._transport.signed(
            action,
            batch_no,
            action_param="Action",
            use_xml=None if text_stock else XML_ANSWERS,
        )
        query.append(("batchNo", batch_no))
        if kind is QueueKind.STOCK and multiple_stock_sites:
            query.append(("getMultipleStocksites", "1"))
        # A lost answer is safe to repeat: the same batchNo gets the same content back.
        text = self._transport.get(action, query, idempotent=True)
        page: FeedPage[Any]
        if kind is QueueKind.STOCK:
            page = parse_stock_text(text, action) if text_stock else parse_stock_xml(text, action)
        elif kind is QueueKind.ARTICLES:
            page = parse_articles_xml(text, action)
        else:
            page = parse_orders_xml(text, action)
        return Batch(
            kind=kind,
            batch_no=batch_no,
            items=page.items,
            more=_more(page),
            response_max_limit=page.response_max_limit,
            recovered=recovered,
        )


def _more(page: FeedPage[Any]) -> bool:
    if page.more_to_fetch is not None:
        return page.more_to_fetch
    limit = page.response_max_limit or assumed.DEFAULT_RESPONSE_MAX_LIMIT
    return len(page.items) >= limit


def _check_batch_no(batch_no: str) -> None:
    if not assumed.BATCH_NO_PATTERN.match(batch_no):
        raise ValueError(f"batch number {batch_no!r} is not 1-32 characters of [0-9a-f]")


__all__ = [
    "ArticleChange",
    "Batch",
    "ChangeQueue",
    "DrainResult",
    "OrderChange",
    "QueueKind",
    "StockChange",
    "new_batch_no",
]
