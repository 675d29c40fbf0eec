# ruff: noqa: F811  (the shared fixtures are imported by name, then requested as arguments)
"""Conformance of the Specter sandbox's callbacks, assumed reads and staff admin routes."""

from __future__ import annotations

import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from magspec_sandbox.server import BackgroundServer

from .test_specter_queues import fetch, place, serve  # noqa: F401
from .test_specter_sandbox import (
    ADMIN,
    MD5_KEY1,
    MD5_KEY2,
    SBM,
    Specter,
    served,  # noqa: F401
    text,
    today,
    v1_key,
)


class Receiver:
    """A shop's callback endpoint: records each call, answers `answers` in turn then `1;Done`."""

    def __init__(self, answers: list[str] | None = None) -> None:
        self.calls: list[str] = []
        self.answers = list(answers or [])
        self.lock = threading.Lock()
        self.app = Starlette(routes=[Route("/cb", self.endpoint, methods=["GET"])])

    async def endpoint(self, request: Request) -> PlainTextResponse:
        with self.lock:
            self.calls.append(str(request.url.query))
            answer = self.answers.pop(0) if self.answers else "1;Done"
        return PlainTextResponse(answer)


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, str]]:
    shop = Receiver()
    with BackgroundServer(shop.app) as server:
        yield shop, f"{server.url}/cb"


def register(sp: Specter, date: str | None = None, **templates: str) -> httpx.Response:
    date = date or today()
    return sp.get("checkAccountSettings", date, useXML="1", date=date, **templates)


def settle(sp: Specter) -> None:
    assert sp.state.callbacks.wait_idle(10)


# -- callbacks ---------------------------------------------------------------------------------
def test_callbacks_registered_and_called_with_placeholders(serve, receiver) -> None:
    shop, url = receiver
    sp = serve()
    answer = register(
        sp,
        actionNewInvoice=f"{url}?t=inv&o=$orderId&i=$invoiceId&s=$invoiceSource&pskey=s3",
        actionRemoveOrder=f"{url}?t=rm&o=$orderNo",
        actionOrderChange=f"{url}?t=oc&o=$orderId",
        actionStockChange=f"{url}?t=st",
        actionArticleChange=f"{url}?t=ar",
    )
    assert text(answer) == ("1", "0", "Settings saved")

    webshop_order = place(sp, [("A1", "1")])
    _, webshop_invoice, _ = text(sp.invoice(webshop_order))
    staff_order = place(sp, [("A3", "1")])
    staff_invoice = sp.http.post(f"{ADMIN}/specter/{SBM}/orders/{staff_order}/invoice").json()
    cancelled = place(sp, [("A4", "1")])
    assert sp.http.post(f"{ADMIN}/specter/{SBM}/orders/{cancelled}/cancel").status_code == 200
    settle(sp)

    calls = set(shop.calls)
    assert f"t=inv&o={webshop_order}&i={webshop_invoice}&s=webshop&pskey=s3" in calls
    assert f"t=inv&o={staff_order}&i={staff_invoice['invoiceNo']}&s=sbm&pskey=s3" in calls
    assert f"t=rm&o={cancelled}" in calls
    assert f"t=oc&o={cancelled}" in calls
    assert "t=st" in calls
    assert "t=ar" not in calls
    log = sp.http.get(f"{ADMIN}/specter/{SBM}/callbacks").json()
    assert all(entry["outcome"] == "done" for entry in log["log"])


def test_template_sent_empty_removes_it_unsent_kept(serve, receiver) -> None:
    shop, url = receiver
    sp = serve()
    register(sp, actionStockChange=f"{url}?t=st", actionOrderChange=f"{url}?t=oc")
    register(sp, actionStockChange="")
    order_no = place(sp, [("A1", "1")])
    sp.state.deliver(order_no)
    settle(sp)

    assert "t=oc" in shop.calls
    assert "t=st" not in shop.calls
    registered = sp.http.get(f"{ADMIN}/specter/{SBM}/callbacks").json()["registered"]
    assert set(registered) == {"actionOrderChange"}


def test_failing_receiver_is_retried_then_given_up(serve, receiver) -> None:
    shop, url = receiver
    sp = serve(callback_first_wait_seconds=0.01)
    register(sp, actionArticleChange=f"{url}?t=ar&a=1", actionStockChange=f"{url}?t=st")
    shop.answers = ["0;Error", "Internal error"]
    sp.state.patch_article("A2", {"name": "Mössa grå"})
    settle(sp)
    assert shop.calls.count("t=ar&a=1") == 3

    shop.answers = ["nope"] * 10
    sp.state.set_stock("A2", 5)
    settle(sp)
    entries = sp.state.callbacks.describe()["log"]
    assert (entries[0]["attempts"], entries[0]["outcome"]) == (3, "done")
    assert (entries[-1]["attempts"], entries[-1]["outcome"]) == (6, "failed")


def test_settings_accept_today_and_yesterday_only(serve) -> None:
    sp = serve()
    now = datetime.now(UTC).date()
    yesterday = (now - timedelta(days=1)).isoformat()
    older = (now - timedelta(days=2)).isoformat()
    assert text(register(sp, yesterday))[0] == "1"
    assert text(register(sp, older))[:2] == ("0", "10")


# -- assumed reads -----------------------------------------------------------------------------
def read(sp: Specter, action: str, **query: str) -> ET.Element:
    answer = sp.get(action, today(), useXML="2", date=today(), **query)
    assert answer.status_code == 200
    return ET.fromstring(answer.content)


def test_stock_sites_webshops_modules(serve) -> None:
    sp = serve()
    sites = read(sp, "getStockSites")
    assert [(s.get("stockSiteId"), s.get("name"), s.get("isDefault")) for s in sites] == [
        ("1", "Huvudlager", "1"),
        ("2", "Butik Malmö", "0"),
    ]
    [shop] = list(read(sp, "getWebshops"))
    assert (shop.get("webshopId"), shop.get("stockSiteId"), shop.get("priceListId")) == (
        "1",
        "1",
        "1",
    )
    assert shop.get("currency") == "SEK"
    modules = {m.get("code"): m.get("active") for m in read(sp, "getAccountModules")}
    assert modules == {"ORDER": "1", "WEBSHOP": "1", "BOOKKEEPING": "0", "VARIANTS": "1"}


def test_price_lists_with_tiers_and_customer_groups(serve) -> None:
    sp = serve()
    lists = read(sp, "getPriceLists")
    assert [(p.get("priceListId"), p.get("name"), p.get("customerGroupIds")) for p in lists] == [
        ("1", "Grundprislista", ""),
        ("2", "Återförsäljare", "2,3"),
    ]
    base = read(sp, "getPriceListPrices", priceListId="1")
    assert base.get("priceListId") == "1"
    a1 = [
        (p.get("fromQuantity"), p.get("priceExclVat")) for p in base if p.get("articleNo") == "A1"
    ]
    assert a1 == [("1", "99,50")]
    retail = read(sp, "getPriceListPrices", priceListId="2")
    a1 = [
        (p.get("fromQuantity"), p.get("priceExclVat")) for p in retail if p.get("articleNo") == "A1"
    ]
    # 80 % of 99.50, and 75 % from 10 pieces.
    assert a1 == [("1", "79,60"), ("10", "74,63")]


def test_invoice_status_follows_payment(serve) -> None:
    sp = serve()
    order_no = place(sp, [("A1", "2")])
    _, invoice_no, _ = text(sp.invoice(order_no))

    unpaid = read(sp, "getInvoiceStatus", invoiceNo=invoice_no)
    assert (unpaid.get("orderNo"), unpaid.get("paid"), unpaid.get("amountDue")) == (
        order_no,
        "0",
        "248,75",  # 2 x 99.50 + 25 % VAT
    )
    paid = sp.http.post(
        f"{ADMIN}/specter/{SBM}/invoices/{invoice_no}/paid", json={"paidDate": "2026-11-27"}
    )
    assert paid.status_code == 200
    status = read(sp, "getInvoiceStatus", invoiceNo=invoice_no)
    assert (status.get("paid"), status.get("paidDate"), status.get("amountDue")) == (
        "1",
        "2026-11-27",
        "0,00",
    )
    assert sp.state.orders[order_no]["status"] == "paid"
    unknown = sp.get("getInvoiceStatus", today(), useXML="2", date=today(), invoiceNo="1")
    assert ET.fromstring(unknown.content).findtext("code") == "42"


def test_account_without_assumed_reads_answers_unknown_action(serve) -> None:
    sp = serve(assumed_reads=False)
    for action in ("getStockSites", "getWebshops", "getPriceLists", "getAccountModules"):
        answer = sp.get(action, today(), date=today())
        assert text(answer) == ("0", "50", f"Field 'action' unknown action '{action}'")
    assert text(register(sp))[0] == "1"  # the verified reads stay


def test_v1_keys_sign_reads(serve) -> None:
    sp = serve(md5_key1=MD5_KEY1, md5_key2=MD5_KEY2)
    params = {"action": "getStockSites", "sbmId": SBM, "useXML": "2", "date": today()}
    answer = sp.http.get(f"/getInfo.asp?{urlencode({**params, 'key': v1_key(today())})}")
    assert ET.fromstring(answer.content).tag == "stockSites"
    batch = {"action": "getOrdersExternalNeedUpdate", "sbmId": SBM, "batchNo": "ab"}
    orders = sp.http.get("/getInfo.asp", params={**batch, "useXML": "2", "key": v1_key("ab")})
    assert ET.fromstring(orders.content).tag == "response"
    wrong = sp.http.get("/getInfo.asp", params={**batch, "useXML": "2", "key": v1_key("cd")})
    assert ET.fromstring(wrong.content).findtext("code") == "10"


# -- staff admin routes ------------------------------------------------------------------------
def test_staff_deliver_everything_remaining_then_cancel_refused(serve) -> None:
    sp = serve()
    base = f"{ADMIN}/specter/{SBM}"
    order_no = place(sp, [("A1", "2"), ("A3", "1"), ("FRAKT", "1")])

    partial = sp.http.post(
        f"{base}/orders/{order_no}/deliveries",
        json={"rows": [{"articleNo": "A1", "noOfItems": 1}], "trackingNo": "JJD9"},
    )
    rest = sp.http.post(f"{base}/orders/{order_no}/deliveries", json={"deliveryMethod": "DHL"})
    nothing_left = sp.http.post(f"{base}/orders/{order_no}/deliveries", json={})

    assert partial.status_code == rest.status_code == 201
    assert partial.json()["trackingNo"] == "JJD9"
    assert sorted((r["articleNo"], r["noOfItems"]) for r in rest.json()["rows"]) == [
        ("A1", "1"),
        ("A3", "1"),
    ]
    assert nothing_left.status_code == 409
    assert sp.state.orders[order_no]["status"] == "delivered"
    invoiced = sp.http.post(f"{base}/orders/{order_no}/invoice")
    assert invoiced.json()["source"] == "sbm"
    assert sp.http.post(f"{base}/orders/{order_no}/cancel").status_code == 409
    assert sp.http.post(f"{base}/orders/49999/cancel").status_code == 404


def test_staff_cancel_releases_reservation_and_queues_status_5(serve) -> None:
    sp = serve()
    order_no = place(sp, [("A1", "3")])
    assert sp.state.available("A1") == 4
    sp.http.post(f"{ADMIN}/specter/{SBM}/orders/{order_no}/cancel")

    assert sp.state.available("A1") == 7
    doc = ET.fromstring(fetch(sp, "getOrdersExternalNeedUpdate", "c1", useXML="2").content)
    [order] = list(doc.iter("order"))
    assert order.find("orderstatus").get("statusId") == "5"
    assert sp.state.orders[order_no]["status"] == "cancelled"


def test_staff_stock_and_price_changes(serve) -> None:
    sp = serve()
    base = f"{ADMIN}/specter/{SBM}"
    stock = sp.http.put(f"{base}/stock/A2", json={"stockSiteId": "2", "onHand": 6})
    assert stock.status_code == 200
    assert (stock.json()["stockSiteId"], stock.json()["available"]) == ("2", "6")
    assert (
        sp.http.put(f"{base}/stock/A2", json={"stockSiteId": "9", "onHand": 1}).status_code == 409
    )
    assert sp.http.put(f"{base}/stock/NOPE", json={"onHand": 1}).status_code == 404
    queues = sp.http.get(f"{base}/queues").json()
    assert ["2", "A2"] in queues["stock"]["pending"]

    prices = sp.http.put(
        f"{base}/pricelists/2/prices",
        json=[
            {"articleNo": "A2", "fromQuantity": 1, "priceExclVat": "30"},
            {"articleNo": "A2", "fromQuantity": 5, "priceExclVat": "28,5"},
        ],
    )
    assert prices.status_code == 200
    export = sp.http.get(f"{base}/pricelists/2/export")
    assert "iso-8859-1" in export.headers["content-type"].lower()
    lines = export.content.decode("latin-1").split("\r\n")
    assert lines[0] == "Prislista;Artikelnr;Benämning;Från antal;Pris exkl moms;Valuta"
    assert "2;A2;Mössa;1;30,00;SEK" in lines
    assert "2;A2;Mössa;5;28,50;SEK" in lines
    assert "2;A1;Tröja röd;10;74,63;SEK" in lines

    # The base list's one-piece price is the article's price: an article change.
    sp.http.put(f"{base}/pricelists/1/prices", json=[{"articleNo": "A3", "priceExclVat": "21"}])
    assert sp.state.articles["A3"]["priceExclVAT"] == 21
    assert "A3" in sp.http.get(f"{base}/queues").json()["articles"]["pending"]


def test_staff_bodies_that_do_not_fit_answer_400_naming_the_field(serve) -> None:
    sp = serve()
    base = f"{ADMIN}/specter/{SBM}"
    order_no = place(sp, [("A1", "2")])
    deliveries = f"{base}/orders/{order_no}/deliveries"

    def refused(method: str, path: str, body: object) -> str:
        answer = sp.http.request(method, path, json=body)
        assert answer.status_code == 400, answer.text
        return answer.json()["error"]

    bad_rows = {"rows": [{"articleNo": "A1", "noOfItems": "x"}, {"noOfItems": 1}]}
    assert refused("POST", deliveries, bad_rows) == (
        "rows[0].noOfItems is not a number: 'x'; rows[1].articleNo is required"
    )
    assert refused("POST", deliveries, {"deliveryDate": "27/11"}) == (
        "deliveryDate is not a date (YYYY-MM-DD): '27/11'"
    )
    assert refused("POST", deliveries, [1]) == "need a JSON object, not a list"
    assert refused("PUT", f"{base}/stock/A2", {}) == "onHand is required"
    assert refused("PUT", f"{base}/stock/A2", {"onHand": "NaN"}) == "onHand is not a number: 'NaN'"
    paid = f"{base}/invoices/1/paid"
    assert refused("POST", paid, {"paidDate": "x"}) == "paidDate is not a date (YYYY-MM-DD): 'x'"
    prices = f"{base}/pricelists/2/prices"
    assert refused("PUT", prices, {}) == "need a list of {articleNo, fromQuantity, priceExclVat}"
    assert refused("PUT", prices, [{"articleNo": "A2", "priceExclVat": None}]) == (
        "[0].priceExclVat is not a number: None"
    )
    assert refused("PATCH", f"{base}/articles/A2", "x") == "need a JSON object, not a string"
    new_article = {"articleNo": "N1", "priceExclVAT": "x", "vatPercent": 25}
    assert refused("POST", f"{base}/articles", new_article) == (
        "need articleNo, name, priceExclVAT, vatPercent: "
        "name is required; priceExclVAT is not a number: 'x'"
    )
    # Nothing changed.
    assert "N1" not in sp.state.articles
    assert sp.state.orders[order_no]["deliveries"] == []
    assert sp.state.available("A1") == 5
