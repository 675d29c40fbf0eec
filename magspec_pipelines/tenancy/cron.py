"""5-field cron expressions of the tenant file, checked the way Dagster will use them.

Dagster refuses a schedule it cannot step through (a step of 0, the 30th or 31st of February)
when the code location loads, which would take every tenant down with the one that wrote it. So
an expression is expanded here, field by field as croniter reads it (names, ranges, reversed
ranges that wrap, lists, steps), and refused when it is malformed, steps by 0, or names only
days that none of its months has. The check is stricter than Dagster's where Dagster would
accept a schedule that never fires (`0 0 31 4 *`).
"""

from __future__ import annotations

import re

from magspec_pipelines.tenancy.reading import short

# Spelled out: the calendar module's names follow the locale.
_MONTH_NAMES = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_MONTHS = {m[:3].lower(): i for i, m in enumerate(_MONTH_NAMES, start=1)}
_DAYS = {d: i for i, d in enumerate(["sun", "mon", "tue", "wed", "thu", "fri", "sat"])}
# (label, lowest, highest, names) per field, in cron's order.
_FIELDS: tuple[tuple[str, int, int, dict[str, int]], ...] = (
    ("minute", 0, 59, {}),
    ("hour", 0, 23, {}),
    ("day of month", 1, 31, {}),
    ("month", 1, 12, _MONTHS),
    ("day of week", 0, 7, _DAYS),
)
# ASCII digits only (str.isdigit takes '²' and '٣'), and short: int() of a long run of digits
# is slow and, past 4300 digits, an error of its own.
_NUMBER = re.compile(r"[0-9]{1,3}")
# Longest month by number, February in a leap year: the 29th fires every fourth year.
_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


class _Bad(ValueError):
    """One item of one field is wrong; the message is the whole sentence after the field."""


def cron_problem(expression: str) -> str | None:
    """What is wrong with `expression` as a 5-field cron, or None when Dagster can run it."""
    shown = short(expression)
    fields = expression.split()
    if len(fields) != 5:
        return f"{shown} has {len(fields)} fields (allowed: 5-field cron, e.g. '*/15 * * * *')"
    values: list[set[int]] = []
    for text, (label, low, high, names) in zip(fields, _FIELDS, strict=True):
        try:
            values.append(_expand(text, low, high, names))
        except _Bad as bad:
            return f"{shown}: in the {label} field, {bad} {_allowed(low, high, names)}"
    days, months = values[2], values[3]
    if not any(day <= _MONTH_DAYS[month - 1] for month in months for day in days):
        named = [_MONTH_NAMES[m - 1] for m in sorted(months)]
        month_text = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]
        verb = "has" if len(named) == 1 else "have"
        day_text = ",".join(str(d) for d in sorted(days))
        return (
            f"{shown} never fires: {month_text} {verb} no day {day_text} (allowed: days of "
            "the month that exist in at least one of its months)"
        )
    return None


def _expand(text: str, low: int, high: int, names: dict[str, int]) -> set[int]:
    """The values one field stands for."""
    out: set[int] = set()
    for item in text.split(","):
        base, slash, step_text = item.partition("/")
        step = 1
        if slash:
            if not _NUMBER.fullmatch(step_text):
                raise _Bad(f"{short(item)} has the step {short(step_text)}, not a number")
            step = int(step_text)
            if step == 0:
                raise _Bad(f"{short(item)} steps by 0, which never advances")
        if base == "*":
            first, last = low, high
        else:
            bounds = base.split("-")
            if len(bounds) > 2:
                raise _Bad(f"{short(item)} is not valid")
            numbers = [_value(b, item, low, high, names) for b in bounds]
            first = last = numbers[0]
            if len(numbers) == 2:
                last = numbers[1]
            elif slash:
                # `5/15` is croniter's 5-59/15.
                last = high
        if first <= last:
            sequence = list(range(first, last + 1))
        else:
            # croniter wraps a reversed range: fri-mon is fri, sat, sun, mon.
            sequence = [*range(first, high + 1), *range(low, last + 1)]
        out.update(sequence[::step])
    return out


def _value(text: str, item: str, low: int, high: int, names: dict[str, int]) -> int:
    if text.lower() in names:
        return names[text.lower()]
    if _NUMBER.fullmatch(text) and low <= int(text) <= high:
        return int(text)
    raise _Bad(f"{short(item)} is not valid")


def _allowed(low: int, high: int, names: dict[str, int]) -> str:
    named = f", names {next(iter(names))}-{list(names)[-1]}" if names else ""
    return f"(allowed: *, numbers {low}-{high}{named}, ranges, lists and steps of 1 or more)"
