"""Cutting array writes into batches Magento accepts (20 items while its input limits are on)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from magspec_pipelines.domain.batches import chunks

__all__ = ["chunks", "chunks_keeping_together"]

T = TypeVar("T")


def chunks_keeping_together(
    items: Sequence[T], size: int, key: Callable[[T], str]
) -> list[list[T]]:
    """Batches of at most `size` in which all items with the same key share one batch.

    For writes that replace everything a key has (tier prices `PUT` replaces all of a SKU's
    rows): split over two calls, the second would delete what the first wrote.
    Raises ValueError when one key alone has more than `size` items.
    """
    if size < 1:
        raise ValueError("batch size must be at least 1")
    groups: dict[str, list[T]] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    batches: list[list[T]] = []
    current: list[T] = []
    for name, group in groups.items():
        if len(group) > size:
            raise ValueError(
                f"{name!r} has {len(group)} rows; one replacing call carries at most {size}"
            )
        if len(current) + len(group) > size:
            batches.append(current)
            current = []
        current.extend(group)
    if current:
        batches.append(current)
    return batches
