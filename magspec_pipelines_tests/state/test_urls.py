"""Where the store lives and how it connects, without needing a database server."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from magspec_pipelines.state import StateStore, UnsupportedDatabase, state_url


def test_default_store_is_sqlite_in_magspec_home(
    magspec_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MAGSPEC_STATE_URL", raising=False)
    nested = magspec_home / "not" / "yet"
    monkeypatch.setenv("MAGSPEC_HOME", str(nested))

    store = StateStore.from_url()
    try:
        store.upgrade()
        assert (nested / "state.db").is_file()
    finally:
        store.dispose()


def test_env_url_wins_and_postgres_urls_name_the_driver(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAGSPEC_STATE_URL", "postgresql://magspec:pw@db.example:5432/state")
    assert state_url() == "postgresql+psycopg2://magspec:pw@db.example:5432/state"
    assert state_url("postgres://u@h/db") == "postgresql+psycopg2://u@h/db"
    assert state_url("sqlite:////var/magspec/x.db") == "sqlite:////var/magspec/x.db"


def test_display_url_masks_the_password() -> None:
    store = StateStore.from_url("postgresql://magspec:s3cret-pw@db.example:5432/state")
    try:
        assert "s3cret-pw" not in store.url_for_display
        assert "magspec" in store.url_for_display and "db.example" in store.url_for_display
    finally:
        store.dispose()


def test_other_databases_are_refused() -> None:
    with pytest.raises(UnsupportedDatabase):
        StateStore.from_url("mysql+pymysql://u@h/db")


def test_sqlite_runs_in_wal_mode_with_foreign_keys_and_busy_timeout(tmp_path: Path) -> None:
    store = StateStore.from_url(f"sqlite:///{tmp_path / 'state.db'}")
    try:
        with store.engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 1000
    finally:
        store.dispose()
