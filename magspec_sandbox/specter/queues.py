"""Specter's change queues: changes wait, a client fetches them in batches and acknowledges them.

One `ChangeQueue` per feed (stock, article data, order status). A change is a key (an article,
a stock site's article, an order) marked as changed; the record itself is read when a batch is
fetched, so several changes to one record travel once. Rules follow reference 2.6 and the
agreed contract (see `assumed.py`).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from .errors import BatchStillOpen


@dataclass
class Batch:
    """A fetched batch: what it carried when fetched, and the change marks it covers."""

    batch_no: str
    items: list[Any]
    marks: dict[Hashable, int] = field(default_factory=dict)
    more: bool = False


class ChangeQueue:
    """Pending changes of one feed plus at most one open (fetched, not acknowledged) batch."""

    def __init__(self, name: str) -> None:
        self.name = name
        # key -> the number of the change that last marked it; insertion order is queue order.
        self._pending: dict[Hashable, int] = {}
        self._marks = itertools.count(1)
        self.open: Batch | None = None

    def mark(self, key: Hashable) -> None:
        """Record that `key` changed; it keeps its place if it was already waiting."""
        self._pending[key] = next(self._marks)

    def pending(self) -> list[Hashable]:
        return list(self._pending)

    def fetch(
        self,
        batch_no: str,
        limit: int,
        snapshot: Callable[[Hashable], Any],
        include: Callable[[Hashable], bool] = lambda key: True,
    ) -> Batch:
        """The batch `batch_no`: the open one again, or a new one of at most `limit` changes.

        Raises `BatchStillOpen` when another batch is open. An empty queue opens no batch.
        """
        if self.open is not None:
            if self.open.batch_no == batch_no:
                return self.open
            raise BatchStillOpen(self.open.batch_no)
        waiting = [key for key in self._pending if include(key)]
        taken = waiting[:limit]
        batch = Batch(
            batch_no=batch_no,
            items=[snapshot(key) for key in taken],
            marks={key: self._pending[key] for key in taken},
            more=len(waiting) > limit,
        )
        if taken:
            self.open = batch
        return batch

    def acknowledge(self, batch_no: str) -> list[Hashable]:
        """Drop the open batch's changes and return their keys; [] when `batch_no` is not open.

        A change marked again after the fetch has a newer mark and stays queued.
        """
        if self.open is None or self.open.batch_no != batch_no:
            return []
        done = []
        for key, mark in self.open.marks.items():
            if self._pending.get(key) == mark:
                del self._pending[key]
                done.append(key)
        self.open = None
        return done

    def drop_open(self) -> None:
        """Forget the open batch without acknowledging it (its changes stay queued)."""
        self.open = None

    def describe(self) -> dict[str, Any]:
        """The queue as the admin JSON shows it."""
        return {
            "pending": [_plain(key) for key in self._pending],
            "openBatch": None
            if self.open is None
            else {
                "batchNo": self.open.batch_no,
                "keys": [_plain(key) for key in self.open.marks],
            },
        }


def _plain(key: Hashable) -> Any:
    return list(key) if isinstance(key, tuple) else key
