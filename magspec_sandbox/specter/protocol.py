"""The legacy action protocol's wire details: Latin-1 forms, the MD5 key, the answer formats.

Written independently of the Specter client (`magspec_pipelines.specter`) on purpose: the two
readings of the reference meet only on the wire, so a misreading fails a test.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from urllib.parse import parse_qsl
from xml.sax.saxutils import escape

from . import assumed

# The reference calls the API Latin-1 [I]: S1 `utf8_decode`s every value before url-encoding.
WIRE_ENCODING = "latin-1"


class Params(Mapping[str, str]):
    """Request parameters looked up by case-insensitive name, as classic ASP's `Request(name)`.

    The first occurrence of a name wins; `items()` keeps the names as the caller spelled them.
    """

    def __init__(self, pairs: Iterable[tuple[str, str]] = ()) -> None:
        self._values: dict[str, tuple[str, str]] = {}
        for name, value in pairs:
            self._values.setdefault(name.lower(), (name, value))

    def __getitem__(self, name: str) -> str:
        return self._values[name.lower()][1]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._values

    def __iter__(self) -> Iterator[str]:
        return (spelled for spelled, _ in self._values.values())

    def __len__(self) -> int:
        return len(self._values)

    def text(self, name: str) -> str:
        """The value trimmed, or "" when the parameter is absent."""
        return self.get(name, "").strip()

    def flag(self, name: str) -> bool:
        return self.text(name) == "1"


def decode_form(raw: bytes) -> list[tuple[str, str]]:
    """Percent-decode a query string or form body, reading every byte as Latin-1."""
    # Latin-1 maps each byte to one code point, so neither decoding step can fail.
    return parse_qsl(raw.decode(WIRE_ENCODING), keep_blank_values=True, encoding=WIRE_ENCODING)


def request_params(query: bytes, form: bytes | None) -> Params:
    """The parameters of one request: query string first, then the form body."""
    pairs = decode_form(query)
    if form:
        body = decode_form(form)
        pairs = pairs + body if assumed.QUERY_WINS_OVER_BODY else body + pairs
    return Params(pairs)


def md5_hex(text: str) -> str:
    return hashlib.md5(text.encode(WIRE_ENCODING, errors="replace")).hexdigest()


def request_key(outer_secret: str, inner_secret: str, sbm_id: str, subject: str) -> str:
    """`md5(outer + md5(inner + sbmId + SUBJECT))`, lower-case hex over Latin-1 bytes.

    API v2: inner = ApiUserKey, outer = IntegrationKey. API v1: inner = md5key1, outer = md5key2.
    """
    return md5_hex(outer_secret + md5_hex(inner_secret + sbm_id + subject))


def key_matches(sent: str, expected: str) -> bool:
    # Compared as sent: an upper-case hex key is a different string to an ASP `=` comparison.
    return hmac.compare_digest(sent.encode(WIRE_ENCODING, errors="replace"), expected.encode())


def parse_number(text: str) -> Decimal:
    """A decimal with a point or a Swedish decimal comma; `ValueError` when it is none."""
    cleaned = text.strip().replace(" ", "")
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        number = Decimal(cleaned)
    except InvalidOperation as exc:
        raise ValueError(f"not a number: {text!r}") from exc
    if not number.is_finite():
        raise ValueError(f"not a number: {text!r}")
    return number


@dataclass(frozen=True)
class Answer:
    """One protocol answer: success with the new id, or failure with a code."""

    ok: bool
    message: str
    id: str = ""
    code: int = 0

    @classmethod
    def success(cls, id_: str, message: str) -> Answer:
        return cls(ok=True, id=id_, message=message)

    @classmethod
    def failure(cls, code: int, message: str) -> Answer:
        return cls(ok=False, code=code, message=message)

    def render(self, use_xml: str) -> tuple[bytes, str]:
        """The answer body (Latin-1 bytes) and its content type for the caller's `useXML`."""
        if use_xml.strip() == assumed.XML_MODE:
            message = escape(self.message)
            text = (
                assumed.xml_success(escape(self.id), message)
                if self.ok
                else assumed.xml_failure(self.code, message)
            )
            content_type = assumed.XML_CONTENT_TYPE
        else:
            # The message is the last field, so a ';' inside it cannot shift the others.
            text = f"1;{self.id};{self.message}" if self.ok else f"0;{self.code};{self.message}"
            content_type = assumed.TEXT_CONTENT_TYPE
        return text.encode(assumed.ANSWER_ENCODING, errors="replace"), content_type


def swedish_number(value: Decimal | int, decimals: int | None = None) -> str:
    """A number as Specter writes it: decimal comma; whole numbers without decimals unless
    `decimals` fixes them."""
    number = Decimal(value)
    if decimals is None:
        text = format(number.normalize(), "f") if number == number.to_integral() else str(number)
    else:
        text = format(number.quantize(Decimal(1).scaleb(-decimals)), "f")
    return text.replace(".", ",")


@dataclass(frozen=True)
class Document:
    """A read's answer that is a document, not `result;id;message`: XML or plain text."""

    text: str
    xml: bool = True

    def render(self, use_xml: str) -> tuple[bytes, str]:
        if self.xml:
            body = f"{assumed.XML_DECLARATION}{self.text}"
            content_type = assumed.XML_CONTENT_TYPE
        else:
            body, content_type = self.text, assumed.TEXT_CONTENT_TYPE
        return body.encode(assumed.ANSWER_ENCODING, errors="replace"), content_type


@dataclass(frozen=True)
class Line:
    """An answer of fields joined by `;` without the `result;id;message` shape (`1;<url>`)."""

    fields: tuple[str, ...]

    def render(self, use_xml: str) -> tuple[bytes, str]:
        text = ";".join(self.fields)
        return text.encode(assumed.ANSWER_ENCODING, errors="replace"), assumed.TEXT_CONTENT_TYPE
