"""Reading what Specter's reads answer: numbers with a decimal comma, XML documents, and the
failure answers that may come back instead of the data."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from datetime import date
from decimal import Decimal, InvalidOperation

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as safe_fromstring

from magspec_pipelines.specter.answers import parse_answer
from magspec_pipelines.specter.errors import SpecterUnreadable

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
# A text failure answer: `0;<code>;<message>` on a single line.
_TEXT_FAILURE = re.compile(r"^\s*0;\s*-?\d+\s*;")
# Thousands separators Swedish exports use: space and no-break space.
_GROUPING = str.maketrans("", "", " \u00a0\u202f")


def parse_number(text: str) -> Decimal:
    """A decimal written with a point or a Swedish decimal comma ("1 234,50"); `ValueError`
    when it is none."""
    cleaned = text.strip().translate(_GROUPING)
    if "," in cleaned:
        if "." in cleaned or cleaned.count(",") > 1:
            raise ValueError(f"not a number: {text!r}")
        cleaned = cleaned.replace(",", ".")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"not a number: {text!r}") from None
    if not number.is_finite():
        raise ValueError(f"not a number: {text!r}")
    return number


def optional_number(text: str | None) -> Decimal | None:
    """`parse_number`, with None for an absent or empty value."""
    if text is None or not text.strip():
        return None
    return parse_number(text)


def optional_text(text: str | None) -> str | None:
    if text is None:
        return None
    text = text.strip()
    return text or None


def optional_date(text: str | None) -> date | None:
    text = optional_text(text)
    return date.fromisoformat(text) if text else None


def optional_flag(text: str | None) -> bool | None:
    text = optional_text(text)
    return None if text is None else text == "1"


def check_failure(text: str, action: str) -> None:
    """Raise the typed error when `text` is a failure answer instead of data."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if _TEXT_FAILURE.match(stripped) and "\r" not in stripped.strip() and "\n" not in stripped:
        parse_answer(stripped).raise_for_failure(action)
    if stripped.startswith("<") and "APIresponse" in stripped:
        answer = parse_answer(stripped)
        if not answer.ok:
            answer.raise_for_failure(action)


def parse_xml(text: str, action: str) -> ElementTree.Element:
    """The root of an XML answer, after raising the failure it may carry.

    The text was already decoded (Latin-1 unless the response said otherwise), so the
    declaration, whose encoding no longer applies, is dropped before parsing.
    """
    check_failure(text, action)
    body = _XML_DECLARATION.sub("", text.lstrip("\ufeff \t\r\n"), count=1)
    try:
        return safe_fromstring(body)
    except (ElementTree.ParseError, DefusedXmlException) as exc:
        raise SpecterUnreadable(f"unreadable XML: {exc}: {text[:200]!r}", action=action) from exc


def expect_root(root: ElementTree.Element, tag: str, action: str) -> ElementTree.Element:
    """`root` itself when it is `<tag>`, else its first `<tag>` descendant."""
    node = root if root.tag == tag else root.find(f".//{tag}")
    if node is None:
        raise SpecterUnreadable(f"expected <{tag}>, got <{root.tag}>", action=action)
    return node


def number_attribute(
    element: ElementTree.Element, name: str, action: str, required: bool = False
) -> Decimal | None:
    """A numeric attribute, its name and value in the error when it is no number."""
    raw = element.get(name)
    try:
        value = optional_number(raw)
    except ValueError:
        raise SpecterUnreadable(
            f"<{element.tag}> {name}={raw!r} is not a number", action=action
        ) from None
    if value is None and required:
        raise SpecterUnreadable(f"<{element.tag}> has no {name}", action=action)
    return value


def required_attribute(element: ElementTree.Element, name: str, action: str) -> str:
    value = (element.get(name) or "").strip()
    if not value:
        raise SpecterUnreadable(f"<{element.tag}> has no {name}", action=action)
    return value
