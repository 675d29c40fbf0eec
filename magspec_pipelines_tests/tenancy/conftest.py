"""A registry folder under a fresh working directory, and a writer of tenant files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml


@pytest.fixture
def tenants_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`./tenants` of a fresh working directory, so errors name files as `tenants/<id>.yaml`."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MAGSPEC_TENANTS_DIR", raising=False)
    folder = tmp_path / "tenants"
    folder.mkdir()
    return folder


@pytest.fixture
def write_tenant(tenants_dir: Path) -> Callable[..., Path]:
    def write(entry: dict[str, Any] | str, file_name: str | None = None) -> Path:
        if isinstance(entry, str):
            text = entry
            name = file_name or "acme.yaml"
        else:
            text = yaml.safe_dump(entry, sort_keys=False)
            name = file_name or f"{entry['id']}.yaml"
        path = tenants_dir / name
        path.write_text(text, encoding="utf-8")
        return path

    return write
