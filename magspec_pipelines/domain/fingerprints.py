"""The digests magspec stores or keys on, in one place.

`canonical_digest` fingerprints what was written (an article's fields, a SKU's prices, a raw
order) so that an unchanged record is recognised; `short_digest` names things (a delivery
without a number, a sensor's run key). Both are stored or compared across runs: the
serialisation and the truncation must never change, or every record looks changed after an
upgrade (pinned in magspec_pipelines_tests/mapping/test_fingerprints.py). Not for security.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

_COMPACT = (",", ":")
# json.dumps's own default; the orders' source fingerprints and the staged status events were
# first stored with it.
_SPACED = (", ", ": ")


def canonical_json(value: Any, *, compact: bool = True) -> str:
    """`value` as JSON with sorted keys, anything JSON lacks (Decimal, date) as its `str`."""
    separators = _COMPACT if compact else _SPACED
    return json.dumps(value, sort_keys=True, default=str, separators=separators)


def canonical_digest(value: Any, *, compact: bool = True) -> str:
    """32 hex digits of the SHA-256 of `canonical_json(value)`."""
    text = canonical_json(value, compact=compact)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def short_digest(text: str, length: int = 16) -> str:
    """The first `length` hex digits (at most 40) of the SHA-1 of `text`."""
    return hashlib.sha1(text.encode()).hexdigest()[:length]
