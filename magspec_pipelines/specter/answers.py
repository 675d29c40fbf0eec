"""Reading Specter's answers: `result;id;message` text, or an `<APIresponse>` XML document."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as safe_fromstring

from magspec_pipelines.specter import assumed
from magspec_pipelines.specter.errors import SpecterUnreadable, error_for


@dataclass(frozen=True)
class SpecterAnswer:
    """One answer: `ok` with the new `id`, or a failure with Specter's `code`."""

    ok: bool
    id: str
    message: str
    code: int | None = None

    def raise_for_failure(self, action: str = "") -> str:
        """The id of a success; the typed `SpecterError` of a failure."""
        if self.ok:
            return self.id
        raise error_for(self.code, self.message, action)


def parse_answer(text: str) -> SpecterAnswer:
    """Either format, told apart by the leading `<` of XML."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith("<"):
        return parse_xml_answer(stripped)
    return parse_text_answer(stripped)


def parse_text_answer(text: str) -> SpecterAnswer:
    # The message is the last field and may itself contain ';'.
    parts = text.strip().split(";", 2)
    if len(parts) < 2:
        raise SpecterUnreadable(f"unreadable answer {text[:200]!r}")
    result, ident = parts[0].strip(), parts[1].strip()
    message = parts[2].strip() if len(parts) == 3 else ""
    if result == "1":
        if not ident:
            raise SpecterUnreadable(f"success answer without an id: {text[:200]!r}")
        return SpecterAnswer(ok=True, id=ident, message=message)
    code = _int_or_none(ident)
    if result != "0" or code is None:
        # A failure is `0;<code>;<message>` (assumed.py); anything else is not Specter talking
        # (an error page, bytes of something else) and says nothing about the request.
        raise SpecterUnreadable(f"unreadable answer {text[:200]!r}")
    return SpecterAnswer(ok=False, id="", message=message, code=code)


def parse_xml_answer(text: str) -> SpecterAnswer:
    try:
        root = safe_fromstring(text)
    except (ElementTree.ParseError, DefusedXmlException) as exc:
        raise SpecterUnreadable(f"unreadable XML answer: {exc}") from exc
    node = root if root.tag == "APIresponse" else root.find(".//APIresponse")
    if node is None:
        raise SpecterUnreadable("XML answer without an APIresponse element")
    message = (node.findtext("message") or "").strip()
    result = (node.findtext("result") or "").strip()
    code = _int_or_none((node.findtext("code") or "").strip())
    if result == "1" and code is None:
        for name in assumed.XML_ID_ELEMENTS:
            ident = (node.findtext(name) or "").strip()
            if ident:
                return SpecterAnswer(ok=True, id=ident, message=message)
        raise SpecterUnreadable("XML success answer without an id")
    return SpecterAnswer(ok=False, id="", message=message, code=code)


def _int_or_none(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None
