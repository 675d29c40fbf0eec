"""Field checks of the tenant registry, each failing with the path and what is allowed."""

from __future__ import annotations

import re
from typing import Annotated, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BeforeValidator

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

# Field order (minute hour day-of-month month day-of-week) with the value ranges cron allows.
_CRON_FIELDS: tuple[tuple[str, int, int], ...] = (
    ("minute", 0, 59),
    ("hour", 0, 23),
    ("day of month", 1, 31),
    ("month", 1, 12),
    ("day of week", 0, 7),
)
_CRON_NAMES = {
    3: {
        m: i + 1
        for i, m in enumerate(
            ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        )
    },
    4: {d: i for i, d in enumerate(["sun", "mon", "tue", "wed", "thu", "fri", "sat"])},
}


def cron_problem(expression: str) -> str | None:
    fields = expression.split()
    if len(fields) != 5:
        return (
            f"{expression!r} has {len(fields)} fields (allowed: 5-field cron, e.g. '*/15 * * * *')"
        )
    for index, (text, (label, low, high)) in enumerate(zip(fields, _CRON_FIELDS, strict=True)):
        names = _CRON_NAMES.get(index, {})
        for item in text.split(","):
            base, _, step = item.partition("/")
            if step and not step.isdigit():
                return f"{expression!r}: bad step {step!r} in the {label} field"
            if base == "*":
                continue
            bounds = base.split("-")
            if len(bounds) > 2 or not all(
                b.isdigit() and low <= int(b) <= high or b.lower() in names for b in bounds
            ):
                return (
                    f"{expression!r}: {item!r} is not valid in the {label} field "
                    f"(allowed: *, numbers {low}-{high}, ranges, lists and steps)"
                )
    return None


def as_text(value: Any) -> Any:
    # YAML reads unquoted ids such as `sbm_id: 1001` as numbers; they are identifiers, not numbers.
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


IdText = Annotated[str, BeforeValidator(as_text)]


def check_timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise fail(
            f"{value!r} is not a time zone (allowed: IANA names such as 'Europe/Stockholm')"
        ) from None
    return value


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
