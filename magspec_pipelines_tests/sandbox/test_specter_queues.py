"""Conformance of the Specter sandbox's change queues: stock, article data and order status,
fetched in batches and acknowledged, spoken as raw HTTP with keys computed here."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from decimal import Decimal

import httpx
import pytest

from magspec_sandbox.specter import AccountSpec, SpecterSandbox, StockSiteSpec

from .test_specter_sandbox import (
    ADMIN,
    API_USER,
    API_USER_KEY,
    INTEGRATION_KEY,
    SBM,
    Specter,
    SwappableApp,
    served,  # noqa: F401  (the module's server)
    text,
    today,
)

ARTICLES = [
    {
        "articleNo": "A1",
        "name": "Tröja röd",
        "priceExclVAT": "99.5",
        "vatPercent": 25,
        "stock": 7,
        "buyPrice": "12.5",
        "productWeight": "0.5",
        "barCode": "7350000000011",
        "parentArticleNo": "A",
        "variantAttributes": "color=Red",
    },
    {"articleNo": "A2", "name": "Mössa", "priceExclVAT": 40, "vatPercent": 12, "stock": 0},
    {"articleNo": "A3", "name": "Vante", "priceExclVAT": 20, "vatPercent": 25, "stock": 3},
    {"articleNo": "A4", "name": "Sjal", "priceExclVAT": 30, "vatPercent": 25, "stock": 4},
]


def account(**overrides: object) -> AccountSpec:
    fields: dict[str, object] = {
        "sbm_id": SBM,
        "api_user_id": API_USER,
        "api_user_key": API_USER_KEY,
        "integration_key": INTEGRATION_KEY,
        "articles": ARTICLES,
        "stock_sites": (StockSiteSpec("1", "Huvudlager"), StockSiteSpec("2", "Butik Malmö")),
        "initial_changes": False,
    }
    fields.update(overrides)
    return AccountSpec(**fields)  # type: ignore[arg-type]


@pytest.fixture
def serve(served: tuple[SwappableApp, str]) -> Iterator:  # noqa: F811
    swappable, url = served
    with httpx.Client(base_url=url, timeout=5) as http:

        def build(**overrides: object) -> Specter:
            sandbox = SpecterSandbox([account(**overrides)], admin_prefix=ADMIN)
            swappable.app = sandbox.app
            return Specter(sandbox, http, url, itertools.count(1))

        yield build


def fetch(sp: Specter, action: str, batch: str, **query: str) -> httpx.Response:
    return sp.get(action, batch, batchNo=batch, **query)


def xml(response: httpx.Response) -> ET.Element:
    assert response.status_code == 200
    assert "iso-8859-1" in response.headers["content-type"].lower()
    return ET.fromstring(response.content)


def stock_xml(sp: Specter, batch: str) -> ET.Element:
    return xml(
        fetch(sp, "getArticleExternalNeedUpdate", batch, getMultipleStocksites="1", useXML="2")
    )


def ack(sp: Specter, action: str, batch: str) -> tuple[str, str, str]:
    return text(sp.get(action, batch, batchNo=batch))


def place(sp: Specter, rows: list[tuple[str, str]], **header: str) -> str:
    customer_id = sp.new_customer()
    answer = sp.new_order(
        customer_id, [{"articleNo": a, "noOfItems": q} for a, q in rows], **header
    )
    result, order_no, _ = text(answer)
    assert result == "1", answer.text
    return order_no


# -- stock -------------------------------------------------------------------------------------
def test_plain_stock_feed_rows_of_the_default_site(serve) -> None:
    sp = serve()
    sp.state.set_stock("A3", Decimal(9), "2")  # another site: not in plain
    place(sp, [("A1", "2")])
    sp.state.set_stock("A2", Decimal(0))

    answer = fetch(sp, "getArticleExternalNeedUpdate", "ab01")

    assert answer.headers["content-type"].lower() == "text/plain; charset=iso-8859-1"
    rows = [row.split(";") for row in answer.content.decode("latin-1").split("\r")]
    by_article = {row[1]: row for row in rows}
    assert set(by_article) == {"A1", "A2"}
    # On hand 7, 2 reserved by the order: 5 can be sold; none of A2 is the literal.
    assert by_article["A1"][2] == "5"
    assert by_article["A2"][2] == "noItemsAvailable"
    assert all(row[3] == "ab01" and row[0].isdigit() for row in rows)
    assert by_article["A1"][0] != by_article["A2"][0]


def test_xml_stock_feed_per_stock_site_with_on_hand(serve) -> None:
    sp = serve()
    place(sp, [("A1", "3")])  # default site
    place(sp, [("A4", "1")], stocksiteid="2")  # nothing on hand at site 2
    doc = stock_xml(sp, "c0ffee")

    assert doc.tag == "stockChanges"
    assert doc.findtext("responseMaxLimit") == "100"
    sites = {
        stock.get("stockSiteId"): {
            a.findtext("articleNo"): (a.findtext("noItemsAv"), a.findtext("onHand"))
            for a in stock.iter("article")
        }
        for stock in doc.iter("stock")
    }
    assert sites == {"1": {"A1": ("4", "7")}, "2": {"A4": ("noItemsAvailable", "0")}}


def test_stock_batches_carry_at_most_response_max_limit(serve) -> None:
    sp = serve(response_max_limit=2, initial_changes=True)
    seen: list[tuple[str, str]] = []
    for n in range(10):
        batch = f"b{n}"
        doc = stock_xml(sp, batch)
        items = [
            (s.get("stockSiteId"), a.findtext("articleNo"))
            for s in doc.iter("stock")
            for a in s.iter("article")
        ]
        assert doc.findtext("responseMaxLimit") == "2"
        assert len(items) <= 2
        if not items:
            break
        seen += items
        assert ack(sp, "updateArticlesFromBatch", batch) == ("1", batch, "Batch updated")
    # The whole register on both sites, each once (FRAKT/RABATT keep no stock).
    assert sorted(seen) == sorted((s, a) for s in ("1", "2") for a in ("A1", "A2", "A3", "A4"))


def test_open_batch_answers_99_with_its_number_and_same_batch_again(serve) -> None:
    sp = serve()
    place(sp, [("A1", "1")])
    first = fetch(sp, "getArticleExternalNeedUpdate", "aaa1").content

    other_text = fetch(sp, "getArticleExternalNeedUpdate", "bbb2")
    other_xml = xml(
        fetch(sp, "getArticleExternalNeedUpdate", "bbb2", getMultipleStocksites="1", useXML="2")
    )
    place(sp, [("A1", "1")])  # a change after the fetch
    again = fetch(sp, "getArticleExternalNeedUpdate", "aaa1").content

    assert text(other_text) == ("0", "99", "Batch 'aaa1' has not been updated")
    assert other_xml.tag == "APIresponse"
    assert other_xml.findtext("code") == "99"
    assert "'aaa1'" in other_xml.findtext("message")
    # The re-fetch is the batch as it was, not the newer stock.
    assert again == first


def test_change_after_fetch_stays_queued_and_ack_is_idempotent(serve) -> None:
    sp = serve()
    place(sp, [("A1", "1")])
    fetch(sp, "getArticleExternalNeedUpdate", "f1")
    place(sp, [("A1", "2")])

    assert ack(sp, "updateArticlesFromBatch", "f1") == ("1", "f1", "Batch updated")
    assert ack(sp, "updateArticlesFromBatch", "f1") == ("1", "f1", "Batch updated")
    assert ack(sp, "updateArticlesFromBatch", "9999") == ("1", "9999", "Batch updated")

    rows = fetch(sp, "getArticleExternalNeedUpdate", "f2").content.decode("latin-1").split("\r")
    assert [row.split(";")[1:3] for row in rows] == [["A1", "4"]]
    ack(sp, "updateArticlesFromBatch", "f2")
    assert fetch(sp, "getArticleExternalNeedUpdate", "f3").content == b""
    # An empty answer opened no batch: a new number is not refused.
    assert fetch(sp, "getArticleExternalNeedUpdate", "f4").content == b""


def test_batch_numbers_must_be_hex_and_key_signs_the_batch(serve) -> None:
    sp = serve()
    bad = sp.get("getArticleExternalNeedUpdate", "nothex!", batchNo="nothex!")
    wrong_key = sp.get("getArticleExternalNeedUpdate", "ab", batchNo="cd")

    assert text(bad)[:2] == ("0", "50")
    assert text(wrong_key)[:2] == ("0", "10")


def test_clear_article_batch_drops_open_batch_and_queues_all_stock(serve) -> None:
    sp = serve()
    place(sp, [("A1", "1")])
    fetch(sp, "getArticleExternalNeedUpdate", "e1")

    cleared = sp.get("clearArticleBatch", "e1", batchNo="e1", clearSelf="1")
    by_date = sp.get("clearArticleBatch", today(), date=today(), clearSelf="1")

    assert text(cleared) == ("1", "0", "Done")
    assert text(by_date) == ("1", "0", "Done")
    doc = stock_xml(sp, "e2")  # not refused with 99: the open batch is gone
    articles = {a.findtext("articleNo") for a in doc.iter("article")}
    assert articles == {"A1", "A2", "A3", "A4"}
    assert len(list(doc.iter("stock"))) == 2


# -- article data ------------------------------------------------------------------------------
def test_article_feed_with_decimal_commas_and_variant_grouping(serve) -> None:
    sp = serve(initial_changes=True)
    doc = xml(fetch(sp, "getArticleInfoExternalNeedUpdate", "a1", useXML="2"))

    assert doc.tag == "articles"
    assert doc.findtext("responseMaxLimit") == "100"
    by_no = {a.findtext("articleNo"): a for a in doc.iter("article")}
    assert {"A1", "A2", "A3", "A4"} <= set(by_no)
    a1 = by_no["A1"]
    assert a1.findtext("name") == "Tröja röd"
    assert a1.get("priceExclVat") == "99,50"
    assert a1.get("buyPrice") == "12,50"
    assert a1.get("productWeight") == "0,500"
    assert a1.get("barCode") == "7350000000011"
    assert a1.get("vatPercent") == "25"
    assert (a1.get("parentArticleNo"), a1.get("variantAttributes")) == ("A", "color=Red")
    assert by_no["A2"].get("vatPercent") == "12"
    assert by_no["A2"].get("parentArticleNo") == ""


def test_staff_article_edit_is_queued_and_acked(serve) -> None:
    sp = serve()
    empty = xml(fetch(sp, "getArticleInfoExternalNeedUpdate", "01", useXML="2"))
    assert list(empty.iter("article")) == []

    patched = sp.http.patch(
        f"{ADMIN}/specter/{SBM}/articles/A2", json={"priceExclVAT": "44.9", "name": "Mössa blå"}
    )
    assert patched.status_code == 200
    doc = xml(fetch(sp, "getArticleInfoExternalNeedUpdate", "02", useXML="2"))
    [article] = list(doc.iter("article"))
    assert (article.findtext("articleNo"), article.findtext("name")) == ("A2", "Mössa blå")
    assert article.get("priceExclVat") == "44,90"

    refused = text(fetch(sp, "getArticleInfoExternalNeedUpdate", "03", useXML="1"))
    assert refused[:2] == ("0", "99")
    assert ack(sp, "updateArticleInfosFromBatch", "02")[0] == "1"
    after = xml(fetch(sp, "getArticleInfoExternalNeedUpdate", "03", useXML="2"))
    assert list(after.iter("article")) == []


# -- order status ------------------------------------------------------------------------------
def test_order_feed_more_info_to_fetch_and_limit(serve) -> None:
    sp = serve(response_max_limit=2)
    orders = [place(sp, [("A1", "1")], externalOrderNo=f"W{n}") for n in range(3)]
    for order_no in orders:
        sp.state.deliver(order_no, tracking_no="JJD1")

    first = xml(fetch(sp, "getOrdersExternalNeedUpdate", "01", useXML="2"))
    assert first.tag == "response"
    assert [o.get("orderNo") for o in first.iter("order")] == orders[:2]
    assert first.findtext("moreInfoToFetch") == "1"
    ack(sp, "updateOrdersFromBatch", "01")
    second = xml(fetch(sp, "getOrdersExternalNeedUpdate", "02", useXML="2"))
    assert [o.get("orderNo") for o in second.iter("order")] == orders[2:]
    assert second.findtext("moreInfoToFetch") == "0"
    order = next(second.iter("order"))
    assert order.get("externalOrderNo") == "W2"
