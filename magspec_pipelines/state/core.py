"""What every part of `StateStore` stands on: the engine, the clock and the dialect's upsert."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, Table
from sqlalchemy.dialects import postgresql, sqlite

from magspec_pipelines.state.rows import UnsupportedDatabase


def utcnow() -> datetime:
    return datetime.now(UTC)


class StoreCore:
    """The engine and clock of a `StateStore`; the order bindings and the sync records
    (`bindings.py`, `records.py`) are written on top of it."""

    def __init__(self, engine: Engine, clock: Callable[[], datetime] = utcnow) -> None:
        self.engine = engine
        self._clock = clock
        dialects = {"sqlite": sqlite, "postgresql": postgresql}
        if engine.dialect.name not in dialects:
            raise UnsupportedDatabase(f"unsupported database {engine.dialect.name!r}")
        self._dialect = dialects[engine.dialect.name]

    def _insert(self, table: Table) -> Any:
        """The dialect's INSERT, which has `on_conflict_do_update`."""
        return self._dialect.insert(table)
