"""`StateStore`: order bindings, watermarks, parked records and fingerprints, on SQLite or PostgreSQL.

Every write is one short transaction. Upserts use the dialect's `INSERT ... ON CONFLICT`, so two
workers racing on the same key end with one row, never an error or a duplicate. The methods live
by concern: order bindings in `bindings.py`, watermarks, parked records and fingerprints in
`records.py`, the engine and clock in `core.py`; this module adds building and migrating.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from magspec_pipelines.state.bindings import OrderBindingStore
from magspec_pipelines.state.core import utcnow
from magspec_pipelines.state.engine import create_state_engine
from magspec_pipelines.state.records import SyncRecordStore
from magspec_pipelines.state.schema import VERSION_TABLE
from magspec_pipelines.state.urls import state_url

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# Arbitrary constant naming the migration lock among PostgreSQL advisory locks ("magspec").
_LOCK_KEY = 0x6D61_6773_7065_63


class StateStore(OrderBindingStore, SyncRecordStore):
    """The durable sync state. Build with `from_url`; call `upgrade()` once before use."""

    @classmethod
    def from_url(cls, url: str | None = None, clock: Callable[[], datetime] = utcnow) -> StateStore:
        """`url`, else $MAGSPEC_STATE_URL, else `sqlite:///$MAGSPEC_HOME/state.db`."""
        return cls(create_state_engine(state_url(url)), clock=clock)

    @property
    def url_for_display(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def upgrade(self) -> None:
        """Bring the schema to the newest migration; safe to repeat and to run concurrently."""
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        with self.engine.begin() as connection:
            # Every run upgrades on start; concurrent first runs must not both create the tables.
            # SQLite is already serialised by BEGIN IMMEDIATE; PostgreSQL needs a lock.
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    def current_revision(self) -> str | None:
        with self.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
            return context.get_current_revision()

    def dispose(self) -> None:
        self.engine.dispose()
