"""Shared fixtures: a magspec home folder and state stores on SQLite and PostgreSQL.

PostgreSQL tests use a database created for the test session on the server at 127.0.0.1:5432
(override with MAGSPEC_TEST_POSTGRES_URL) and a fresh schema per test, so tests never see each
other's rows. Without a reachable server they skip, except under CI=true where they fail.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError

from magspec_pipelines.state import StateStore

# The sandboxes-and-Dagster world of the flow tests (fixtures `world`, `magento_exchanges_checked`).
pytest_plugins = ["magspec_pipelines_tests.world"]

POSTGRES_ADMIN_URL = os.environ.get(
    "MAGSPEC_TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres"
)


@pytest.fixture
def magspec_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "magspec_home"
    home.mkdir()
    monkeypatch.setenv("MAGSPEC_HOME", str(home))
    return home


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[URL]:
    """URL of a database created for this test session, dropped at its end."""
    admin = create_engine(
        POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3}
    )
    try:
        connection = admin.connect()
    except OperationalError as exc:
        admin.dispose()
        reason = f"PostgreSQL is not reachable at {make_url(POSTGRES_ADMIN_URL)!r}: {exc.orig}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} (CI=true requires the PostgreSQL tests to run)", pytrace=False)
        pytest.skip(reason)
    name = f"magspec_test_{uuid.uuid4().hex[:12]}"
    with connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_ADMIN_URL).set(database=name)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def state_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'state.db'}"
        return
    database: URL = request.getfixturevalue("postgres_database")
    schema = f"test_{uuid.uuid4().hex[:12]}"
    engine = create_engine(database, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        url = database.update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with engine.connect() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()


@pytest.fixture
def state_store(state_url: str) -> Iterator[StateStore]:
    store = StateStore.from_url(state_url)
    store.upgrade()
    try:
        yield store
    finally:
        store.dispose()
