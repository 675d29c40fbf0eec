"""Cutting a sequence into consecutive batches of at most `size` items: Magento's input limits,
Specter's articles per call and the flows' chunks of a full run all use this one function."""

from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


def chunks(items: Sequence[T], size: int) -> list[list[T]]:
    """`items` in order, cut into lists of `size` (the last may be shorter); none when empty."""
    if size < 1:
        raise ValueError("batch size must be at least 1")
    return [list(items[i : i + size]) for i in range(0, len(items), size)]
