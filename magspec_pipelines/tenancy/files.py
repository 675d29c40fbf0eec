"""Files a tenant file names: they must lie inside the tenant folder, and files must exist.

A tenant file is untrusted input, and the flows read what it names with the code location's
rights. A path is therefore resolved (`..`, absolute paths and symlinks followed) and must end
up inside the registry folder; a symlink in the folder that points elsewhere is outside too.
Checked when the registry loads, so `magspec tenants validate` reports a missing CSV before a
run trips on it.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from magspec_pipelines.tenancy.models import Tenant
from magspec_pipelines.tenancy.reading import display_path, short

# (key path, message), as the registry reports them.
Problem = tuple[str, str]


def read_csv_rows(
    path: Path, columns: Sequence[str], where: str, error: type[ValueError]
) -> list[dict[str, str]]:
    """The rows of a tenant's CSV file (UTF-8, a BOM allowed; the first line names the columns).

    Raises `error` with `where` in front when the file cannot be opened or, if it has rows, the
    first row lacks one of `columns`."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
    except OSError as exc:
        raise error(f"{where}: {exc.strerror}") from None
    if rows and not set(columns) <= set(rows[0]):
        raise error(f"{where}: needs the columns {' and '.join(columns)}")
    return rows


def file_problems(tenant: Tenant, folder: Path) -> list[Problem]:
    """Every path setting of `tenant` that escapes `folder` or names a missing file."""
    problems: list[Problem] = []
    for language, source in tenant.catalog.name_translations.items():
        if isinstance(source, str):
            key = f"catalog.name_translations.{language}"
            problems += _file(folder, source, key, "a CSV file with the columns sku and name")
    grouping = tenant.catalog.grouping
    if grouping.file is not None:
        what = "a CSV file with the columns article_no and parent"
        problems += _file(folder, grouping.file, "catalog.grouping.file", what)
    if tenant.pricing.price_list_folder is not None:
        problems += _folder(folder, tenant.pricing.price_list_folder, "pricing.price_list_folder")
    return problems


def inside(folder: Path, value: str) -> Path | None:
    """`value` resolved against `folder`, or None when it ends up outside the folder."""
    root = folder.resolve()
    target = (root / value).resolve()
    return target if target.is_relative_to(root) else None


def _resolved(folder: Path, value: str, key: str) -> tuple[Path | None, list[Problem]]:
    try:
        target = inside(folder, value)
    except (OSError, RuntimeError, ValueError) as exc:
        # A symlink loop (RuntimeError before 3.13), a NUL byte, a name too long.
        return None, [(key, f"{short(value)} cannot be resolved ({type(exc).__name__})")]
    if target is None:
        why = (
            f"{short(value)} is outside the tenant folder {display_path(folder)}/ (allowed: a path "
            "inside it, without '..' or a symlink leading out)"
        )
        return None, [(key, why)]
    return target, []


def _file(folder: Path, value: str, key: str, what: str) -> list[Problem]:
    target, problems = _resolved(folder, value, key)
    if target is None or target.is_file():
        return problems
    kind = "is a folder" if target.is_dir() else "does not exist"
    return [(key, f"{short(value)} {kind} (allowed: {what}, in {display_path(folder)}/)")]


def _folder(folder: Path, value: str, key: str) -> list[Problem]:
    target, problems = _resolved(folder, value, key)
    # A folder that does not exist yet is allowed: the price-list drop may create it, and the
    # flow parks with this key as the fix while it is missing.
    if target is None or not target.exists() or target.is_dir():
        return problems
    return [(key, f"{short(value)} is a file (allowed: a folder inside {display_path(folder)}/)")]
