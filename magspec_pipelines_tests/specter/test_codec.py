"""Latin-1 for Specter: what is kept, what is transliterated, and the form encoding."""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl

import pytest

from magspec_pipelines.specter.codec import encode_form, to_latin1
from magspec_pipelines.specter.keys import key_v1, key_v2


@pytest.mark.parametrize(
    "text",
    [
        "Åsa Ärlig Öberg",
        "åäö ÅÄÖ",
        "Müller Straße",
        "Crème brûlée",
        "Ñandú",
        "Søren Ærø",
        "a;b&c=d",
    ],
)
def test_latin1_text_is_kept_as_it_is(text: str) -> None:
    assert to_latin1(text) == (text, False)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Pris 10 €", "Pris 10 EUR"),
        ("“Citat” och ‘citat’", "\"Citat\" och 'citat'"),
        ("2020–2024 — slut…", "2020-2024 - slut..."),
        ("Łódź", "Lódz"),  # ó is Latin-1 and stays; Ł and ź lose what Latin-1 lacks
        ("Dvořák Ševčík", "Dvorák Sevcík"),
        ("Œuvre", "OEuvre"),
        ("ﬁle", "file"),
    ],
)
def test_what_latin1_cannot_carry_is_transliterated(text: str, expected: str) -> None:
    assert to_latin1(text) == (expected, True)


@pytest.mark.parametrize(
    ("text", "expected"), [("Tack 😀!", "Tack ?!"), ("東京", "??"), ("❤️", "?")]
)
def test_emoji_and_cjk_become_question_marks(text: str, expected: str) -> None:
    assert to_latin1(text) == (expected, True)


def test_decomposed_letters_are_composed_not_stripped() -> None:
    decomposed = "A\u030asa"  # "Åsa" with a combining ring
    result, _ = to_latin1(decomposed)
    assert result == "Åsa"


def test_every_result_encodes_as_latin1() -> None:
    sample = "Åsa € “x” Łódź 😀 東京 ﬁ \u200b\u2009–"
    result, changed = to_latin1(sample)
    assert changed
    result.encode("latin-1")  # must not raise


def test_form_encoding_is_latin1_percent_encoded() -> None:
    body = encode_form([("name", "Åsa & Co"), ("note", "10 € + moms")])
    assert body == "name=%C5sa+%26+Co&note=10+EUR+%2B+moms"
    assert parse_qsl(body, encoding="latin-1") == [("name", "Åsa & Co"), ("note", "10 EUR + moms")]


def md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def test_key_v2_is_integration_key_over_api_user_key() -> None:
    inner = md5(b"userkey" + b"1001" + b"10023")
    expected = md5(b"integrationkey" + inner.encode())
    assert key_v2("userkey", "integrationkey", "1001", "10023") == expected


def test_key_v1_is_key2_over_key1_and_hashes_latin1_bytes() -> None:
    # The subject of a customer is its name; Specter hashes it as Latin-1, not UTF-8.
    inner = md5(b"k1" + b"1001" + "Åsa Öberg".encode("latin-1"))
    expected = md5(b"k2" + inner.encode())
    assert key_v1("k1", "k2", "1001", "Åsa Öberg") == expected
    assert key_v1("k1", "k2", "1001", "Åsa Öberg") != md5(
        b"k2" + md5(b"k11001" + "Åsa Öberg".encode()).encode()
    )
