"""Latin-1 for Specter's form protocol.

Specter's legacy API reads ISO-8859-1, so every value is brought into Latin-1 before it is
url-encoded: Swedish and other Western letters stay as they are, typographic punctuation becomes
ASCII, accented letters outside Latin-1 lose their accent, and anything else becomes `?`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from urllib.parse import quote_plus

# Characters with an established ASCII spelling; NFKD would drop or mangle them.
_SPELLED = {
    "€": "EUR",
    "‘": "'",
    "’": "'",
    "‚": "'",
    "‛": "'",
    "′": "'",
    "‹": "<",
    "›": ">",
    "“": '"',
    "”": '"',
    "„": '"',
    "‟": '"',
    "″": '"',
    "‐": "-",
    "‑": "-",
    "‒": "-",
    "–": "-",
    "—": "-",
    "―": "-",
    "−": "-",
    "…": "...",
    "•": "*",
    "™": "TM",
    "Œ": "OE",
    "œ": "oe",
    "Ł": "L",
    "ł": "l",
    "Đ": "D",
    "đ": "d",
    "Ħ": "H",
    "ħ": "h",
    "ı": "i",
    "ƒ": "f",
    "\u2009": " ",
    "\u200a": " ",
    "\u202f": " ",
    "\u2007": " ",
    "\u2002": " ",
    "\u2003": " ",
}
# Marks and invisible format characters (accents, variation selectors, zero-width joiners)
# carry nothing of their own once the base character has been kept or replaced.
_DROPPED_CATEGORIES = frozenset({"Mn", "Me", "Cf"})


def to_latin1(text: str) -> tuple[str, bool]:
    """`text` as characters Latin-1 can carry, and whether anything had to change."""
    composed = unicodedata.normalize("NFC", text)
    out: list[str] = []
    for char in composed:
        if ord(char) < 256:
            out.append(char)
        elif char in _SPELLED:
            out.append(_SPELLED[char])
        elif unicodedata.category(char) in _DROPPED_CATEGORIES:
            continue
        else:
            out.append(_decomposed(char))
    result = "".join(out)
    return result, result != text


def _decomposed(char: str) -> str:
    kept = "".join(
        c
        for c in unicodedata.normalize("NFKD", char)
        if ord(c) < 256 and unicodedata.category(c) not in _DROPPED_CATEGORIES
    )
    return kept or "?"


def latin1(text: str) -> str:
    """`to_latin1` without the flag."""
    return to_latin1(text)[0]


def latin1_bytes(text: str) -> bytes:
    return latin1(text).encode("latin-1")


def encode_form(fields: Iterable[tuple[str, str]]) -> str:
    """`application/x-www-form-urlencoded` text of the fields, percent-encoded as Latin-1."""
    return "&".join(
        f"{quote_plus(latin1(name), encoding='latin-1')}={quote_plus(latin1(value), encoding='latin-1')}"
        for name, value in fields
    )
