"""Field checks of the tenant registry, each failing with the path and what is allowed."""

from __future__ import annotations

import re
from typing import Annotated, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import BeforeValidator

# Re-exported: the models import the cron check with the other field checks.
from magspec_pipelines.tenancy.cron import cron_problem as cron_problem
from magspec_pipelines.tenancy.reading import short

Path = tuple[str | int, ...]


class FieldProblems(ValueError):
    """Validation problems found below the field being validated, each at its own sub-path."""

    def __init__(self, problems: list[tuple[Path, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(message for _, message in problems))


def fail(message: str, path: Path = ()) -> FieldProblems:
    return FieldProblems([(path, message)])


TENANT_ID = re.compile(r"[a-z][a-z0-9_]{1,30}")
CODE = re.compile(r"[a-z][a-z0-9_]{0,31}")
_ENV_NAME = re.compile(r"[A-Z_][A-Z0-9_]*")
_DIGITS = re.compile(r"[0-9]+")
CURRENCY = re.compile(r"[A-Z]{3}")
STATUS = re.compile(r"[a-z][a-z0-9_]*")


def as_text(value: Any) -> Any:
    # YAML reads unquoted ids such as `sbm_id: 1001` as numbers; they are identifiers, not numbers.
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


IdText = Annotated[str, BeforeValidator(as_text)]


def check_timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except IsADirectoryError:
        # `Europe` names a folder of tzdata; ZoneInfo raises an OSError for it, which pydantic
        # would not turn into a validation error.
        raise fail(
            f"{short(value)} is not a time zone (a tzdata folder; allowed: a zone inside it, "
            f"e.g. {_zone_in(value)!r})"
        ) from None
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise fail(
            f"{short(value)} is not a time zone (allowed: IANA names such as 'Europe/Stockholm')"
        ) from None
    return value


def _zone_in(folder: str) -> str:
    zones = sorted(z for z in available_timezones() if z.startswith(folder + "/"))
    return "Europe/Stockholm" if "Europe/Stockholm" in zones or not zones else zones[0]


def check_env_name(value: str) -> str:
    if not _ENV_NAME.fullmatch(value):
        raise fail(
            "is not an environment variable name (allowed: upper-case letters, digits and "
            "underscores; the registry holds the NAME of the variable, never the secret itself)"
        )
    return value


def check_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise fail(f"{value!r} is not a URL (allowed: http:// or https:// addresses)")
    return value.rstrip("/")


def check_digits(value: str, what: str) -> str:
    if not _DIGITS.fullmatch(value):
        raise fail(f"{value!r} is not a {what} (allowed: digits only)")
    return value
