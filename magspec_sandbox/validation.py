"""Validation of what tests and demos send to the sandboxes' admin and staff routes, with pydantic.

Each route declares its body as a model; `parse` checks a decoded JSON body against it and turns
pydantic's errors into one `InvalidInput` sentence that names every field at fault, its problem
and what was sent (`rows[0].noOfItems is not a number: 'x'`). The routes answer it with 400.

The field types here keep the sandbox's own lenient readings: numbers may come as JSON numbers or
as strings with a decimal comma, dates as ISO `YYYY-MM-DD`, identifiers as strings or numbers.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Annotated, Any, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    PlainValidator,
    TypeAdapter,
    ValidationError,
)
from pydantic_core import PydanticCustomError

T = TypeVar("T")


class InvalidInput(ValueError):
    """The admin request's body does not fit its route (400)."""


class Body(BaseModel):
    """A JSON object body: unknown keys are ignored, numbers are accepted where text is."""

    model_config = ConfigDict(populate_by_name=True, coerce_numbers_to_str=True, frozen=True)


def _number(value: Any) -> Decimal:
    try:
        number = Decimal(str(value).replace(",", "."))
    except InvalidOperation:
        raise PydanticCustomError("number", "is not a number") from None
    if not number.is_finite():
        raise PydanticCustomError("number", "is not a number")
    return number


def _optional_date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise PydanticCustomError("date", "is not a date (YYYY-MM-DD)") from None


def _blank_if_empty(value: Any) -> Any:
    return value or ""


# A decimal from a JSON number or a string, "12,5" read as 12.5; never NaN or infinite.
Number = Annotated[Decimal, PlainValidator(_number)]
# An ISO date, or None when absent, null or "".
OptionalDate = Annotated[date | None, PlainValidator(_optional_date)]
# Text where a missing, null or empty value means "".
OptionalText = Annotated[str, BeforeValidator(_blank_if_empty)]


def parse(shape: type[T], payload: Any) -> T:
    """`payload` (decoded JSON) as `shape`, a `Body` or any type pydantic validates (`list[Row]`).
    A `Body` may be sent as no body at all (None: every field takes its default)."""
    if isinstance(shape, type) and issubclass(shape, Body):
        payload = json_object(payload)
    try:
        return _adapter(shape).validate_python(payload)
    except ValidationError as exc:
        raise InvalidInput(describe(exc)) from None


def json_object(payload: Any) -> dict[str, Any]:
    """`payload` when it is a JSON object, {} for no body; else `InvalidInput`."""
    if payload is None:
        return {}
    if not isinstance(payload, dict):
        raise InvalidInput(f"need a JSON object, not {_kind(payload)}")
    return payload


@cache
def _adapter(shape: Any) -> TypeAdapter[Any]:
    return TypeAdapter(shape)


def describe(error: ValidationError) -> str:
    """One sentence for all of `error`'s problems, joined by `; `, each naming its field:
    `onHand is required`, `count should be greater than 0, not -1`, `x is not a known field`."""
    parts = []
    for problem in error.errors(include_url=False):
        where, kind, message = _where(problem["loc"]), problem["type"], problem["msg"]
        sent = problem.get("input")
        if kind == "missing":
            parts.append(f"{where} is required")
        elif kind == "extra_forbidden":
            parts.append(f"{where} is not a known field")
        elif " should " in message:  # "Input should be…", "String should have…"
            parts.append(f"{where} should {message.split(' should ', 1)[1]}, not {sent!r}")
        elif message.startswith("is "):  # the sandbox's own types (Number, OptionalDate)
            parts.append(f"{where} {message}: {sent!r}")
        else:
            parts.append(f"{where} is wrong ({message}): {sent!r}")
    return "; ".join(parts)


def _where(loc: tuple[int | str, ...]) -> str:
    """`rows[0].noOfItems` for ("rows", 0, "noOfItems"); `the body` for the body itself."""
    text = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc)
    return text.removeprefix(".") or "the body"


def _kind(value: Any) -> str:
    names = {list: "a list", str: "a string", bool: "a boolean", int: "a number"}
    return names.get(type(value), "a " + type(value).__name__)
