"""magspec's tests, laid out as the packages they test."""

from pathlib import Path

# The repository root (tenants/, reference/, pyproject.toml).
REPO = Path(__file__).resolve().parents[1]
