"""Article numbers Specter refuses, checked before sending; batches of 100 per call."""

from __future__ import annotations

import httpx
import pytest

from magspec_pipelines.specter.articles import check_article_no
from magspec_pipelines.specter.errors import SpecterInvalidArticleNo, SpecterValidationError
from magspec_pipelines.specter.models import SpecterArticle
from magspec_pipelines_tests.specter.test_wire import Recorder, body, key, params


@pytest.mark.parametrize(
    "article_no",
    ["MH01-XS-Black", "24-MB01", "A" * 25, "x.y_z/1", "ÿ-1", "É-1", "ü1"],
)
def test_acceptable_article_numbers(article_no: str) -> None:
    assert check_article_no(article_no) is None


@pytest.mark.parametrize(
    ("article_no", "reason_has"),
    [
        ("Väska-1", "'ä'"),
        ("ÅSA", "'Å'"),
        ("ö", "'ö'"),
        ("A&B", "'&'"),
        ("100%", "'%'"),
        ("¤1", "'¤'"),
        ("#1", "'#'"),
        ("EUR€", "'€'"),
        ("MH01 XS", "space"),
        ("MH01\tXS", "space"),
        ("MH01,XS", "comma"),
        ("", "empty"),
        ("A" * 26, "25"),
        ("Łódź-1", "Latin-1"),  # transliteration would change the number on the wire
        ("A\x80", "control"),  # a Windows-1252 € byte read as Latin-1
    ],
)
def test_refused_article_numbers_say_why(article_no: str, reason_has: str) -> None:
    reason = check_article_no(article_no)
    assert reason is not None and reason_has in reason


def test_every_bad_number_is_listed_and_nothing_is_sent() -> None:
    recorder = Recorder("1;3;Articles saved")
    articles = [
        SpecterArticle(articleNo="OK-1", name="fine"),
        SpecterArticle(articleNo="Väska 1", name="bad"),
        SpecterArticle(articleNo="OK-2", name="fine"),
        SpecterArticle(articleNo="A,B", name="bad"),
        SpecterArticle(articleNo="OK-1", name="repeated"),
    ]
    with recorder.client() as client, pytest.raises(SpecterInvalidArticleNo) as caught:
        client.submit_articles(articles)
    assert set(caught.value.invalid) == {"Väska 1", "A,B", "OK-1"}
    assert "more than once" in caught.value.invalid["OK-1"]
    assert isinstance(caught.value, SpecterValidationError)
    assert recorder.requests == []


def test_250_articles_go_in_three_calls_of_at_most_100() -> None:
    counts = iter(["1;100;Articles saved", "1;100;Articles saved", "1;50;Articles saved"])
    recorder = Recorder(lambda request: _text(next(counts)))
    articles = [SpecterArticle(articleNo=f"ART-{n:04d}", name=f"Artikel {n}") for n in range(250)]
    with recorder.client() as client:
        assert client.submit_articles(articles) == 250
    assert len(recorder.requests) == 3
    sizes = []
    for request, first in zip(recorder.requests, ("ART-0000", "ART-0100", "ART-0200"), strict=True):
        fields = dict(body(request))
        numbered = [name for name in fields if name.startswith("articleNo_")]
        sizes.append(len(numbered))
        assert fields["articleNo_1"] == first
        assert params(request)["key"] == key(first)
    assert sizes == [100, 100, 50]


def test_exactly_100_articles_are_one_call() -> None:
    recorder = Recorder("1;100;Articles saved")
    articles = [SpecterArticle(articleNo=f"B{n}", name="x") for n in range(100)]
    with recorder.client() as client:
        assert client.submit_articles(articles) == 100
    assert len(recorder.requests) == 1


def test_a_number_specter_refuses_arrives_as_invalid_article_no() -> None:
    recorder = Recorder("0;50;Field 'articleNo_2' 'B-2' is not unique")
    articles = [
        SpecterArticle(articleNo="A-1", name="x"),
        SpecterArticle(articleNo="B-2", name="y"),
    ]
    with recorder.client() as client, pytest.raises(SpecterInvalidArticleNo) as caught:
        client.submit_articles(articles)
    assert caught.value.invalid == {"B-2": "is not unique"} and caught.value.code == 50


def test_supplier_fields_ask_specter_to_add_the_supplier() -> None:
    recorder = Recorder("1;1;Articles saved")
    article = SpecterArticle(articleNo="S-1", name="x", supplierNo="L100", supplierName="Lev AB")
    with recorder.client() as client:
        client.submit_articles([article])
    fields = dict(body(recorder.last))
    assert fields["addSupplier"] == "1" and fields["supplierName_1"] == "Lev AB"


def _text(answer: str) -> httpx.Response:
    return httpx.Response(200, content=answer.encode("latin-1"))
