"""Where the state store lives: `MAGSPEC_STATE_URL`, else a SQLite file under `MAGSPEC_HOME`."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from sqlalchemy.engine import make_url

STATE_URL_ENV = "MAGSPEC_STATE_URL"
HOME_ENV = "MAGSPEC_HOME"
DEFAULT_HOME = "~/.magspec"


def magspec_home(environ: Mapping[str, str] | None = None) -> Path:
    """The magspec home folder ($MAGSPEC_HOME, default ~/.magspec), created when missing."""
    env = os.environ if environ is None else environ
    home = Path(env.get(HOME_ENV) or DEFAULT_HOME).expanduser()
    home.mkdir(parents=True, exist_ok=True)
    return home


def state_url(url: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """The store URL to use: `url`, else $MAGSPEC_STATE_URL, else sqlite in the home folder."""
    env = os.environ if environ is None else environ
    chosen = url or env.get(STATE_URL_ENV)
    if not chosen:
        return f"sqlite:///{magspec_home(env) / 'state.db'}"
    return normalize_url(chosen)


def normalize_url(url: str) -> str:
    """PostgreSQL URLs always name the psycopg2 driver, the one magspec ships with."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg2://" + url[len(prefix) :]
    return url


def display_url(url: str) -> str:
    """The URL with any password masked, safe for logs and the UI."""
    return make_url(url).render_as_string(hide_password=True)
