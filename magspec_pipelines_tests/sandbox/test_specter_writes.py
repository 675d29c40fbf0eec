# ruff: noqa: F811  (the shared fixtures are imported by name, then requested as arguments)
"""Conformance of the Specter sandbox's newArticleSubmit, newDeliverySubmit and getPDFLink,
spoken as raw HTTP with keys and Latin-1 bodies built here."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

import httpx

from .test_specter_queues import account, fetch, place, serve  # noqa: F401
from .test_specter_sandbox import (
    ADMIN,
    SBM,
    Specter,
    served,  # noqa: F401
    text,
    v2_key,
)


def articles_call(sp: Specter, articles: list[dict[str, str]], **flags: str) -> httpx.Response:
    body = dict(flags)
    for n, fields in enumerate(articles, start=1):
        body.update({f"{name}_{n}": value for name, value in fields.items()})
    subject = articles[0]["articleNo"] if articles else ""
    return sp.put("newArticleSubmit", {"key": v2_key(subject)}, body)


def delivery_call(
    sp: Specter, order_no: str, rows: list[tuple[str, str]], **fields: str
) -> httpx.Response:
    body = {"orderId": order_no, "useArticleNoRowMapping": "1", **fields}
    for n, (article_no, quantity) in enumerate(rows, start=1):
        body.update({f"articleNo_{n}": article_no, f"noOfItems_{n}": quantity})
    return sp.put("newDeliverySubmit", {"key": v2_key(order_no)}, body)


# -- articles ----------------------------------------------------------------------------------
def test_article_batch_creates_with_initial_stock_and_decimal_commas(serve) -> None:
    sp = serve()
    answer = articles_call(
        sp,
        [
            {
                "articleNo": "NY-1",
                "name": "Väska grön",
                "priceExclVAT": "149,00",
                "vatPercent": "25",
                "buyPrice": "60.5",
                "productWeight": "1,250",
                "barCode": "7350000000028",
                "createArticleStock": "1",
                "noItemsInStock": "12",
                "supplierName": "Leverantör AB",
            },
            {"articleNo": "NY-2", "name": "Väska blå", "priceExclVAT": "149"},
        ],
        addSupplier="1",
    )

    assert text(answer) == ("1", "2", "Articles saved")
    created = sp.state.articles["NY-1"]
    assert created["name"] == "Väska grön"
    assert (created["priceExclVAT"], created["buyPrice"]) == (Decimal("149"), Decimal("60.5"))
    assert created["productWeight"] == Decimal("1.25")
    assert created["supplierName"] == "Leverantör AB"
    assert sp.state.available("NY-1") == 12
    assert sp.state.available("NY-2") == 0


def test_existing_article_unchanged_without_force_updated_with_it(serve) -> None:
    sp = serve()
    unforced = articles_call(sp, [{"articleNo": "A1", "name": "Nytt namn", "noItemsInStock": "99"}])
    assert text(unforced) == ("1", "0", "Articles saved")
    assert sp.state.articles["A1"]["name"] == "Tröja röd"

    forced = articles_call(
        sp,
        [{"articleNo": "A1", "name": "Nytt namn", "priceExclVAT": "89", "noItemsInStock": "99"}],
        forceArticleUpdate="1",
    )
    assert text(forced) == ("1", "1", "Articles saved")
    assert sp.state.articles["A1"]["name"] == "Nytt namn"
    assert sp.state.articles["A1"]["priceExclVAT"] == Decimal("89")
    # Specter owns stock: the shop's figure only counts on creation.
    assert sp.state.available("A1") == 7
    # Fields not sent keep their value.
    assert sp.state.articles["A1"]["barCode"] == "7350000000011"


def test_at_most_100_articles_per_call(serve) -> None:
    sp = serve()
    hundred = [{"articleNo": f"B{n}", "name": f"Artikel {n}"} for n in range(1, 101)]

    too_many = articles_call(sp, [*hundred, {"articleNo": "B101", "name": "En för mycket"}])
    assert text(too_many)[:2] == ("0", "50")
    assert "articleNo_101" in text(too_many)[2]
    assert "B1" not in sp.state.articles

    assert text(articles_call(sp, hundred)) == ("1", "100", "Articles saved")


def test_article_number_rules_refuse_the_whole_batch(serve) -> None:
    sp = serve()
    bad_numbers = ["Blå-1", "B 1", "B,1", "B&1", "B%1", "B#1", "B¤1", "X" * 26, "", "OK-1"]
    for bad in bad_numbers[:-1]:
        answer = articles_call(
            sp,
            [{"articleNo": "OK-1", "name": "Fin"}, {"articleNo": bad, "name": "Trasig"}],
        )
        result, code, message = text(answer)
        assert (result, code) == ("0", "50"), bad
        assert message.startswith(f"Field 'articleNo_2' '{bad}'")
    duplicate = articles_call(
        sp, [{"articleNo": "OK-1", "name": "Fin"}, {"articleNo": "OK-1", "name": "Igen"}]
    )
    assert text(duplicate)[:2] == ("0", "50")
    no_name = articles_call(sp, [{"articleNo": "OK-2"}])
    assert text(no_name)[:2] == ("0", "50")
    assert "OK-1" not in sp.state.articles
    assert "OK-2" not in sp.state.articles


def test_article_key_signs_first_article_no(serve) -> None:
    sp = serve()
    body = {"articleNo_1": "K1", "name_1": "K", "articleNo_2": "K2", "name_2": "K"}
    wrong = sp.put("newArticleSubmit", {"key": v2_key("K2")}, body)
    right = sp.put("newArticleSubmit", {"key": v2_key("K1")}, body)
    assert text(wrong)[:2] == ("0", "10")
    assert text(right)[:2] == ("1", "2")


# -- deliveries --------------------------------------------------------------------------------
def test_partial_then_full_delivery_moves_stock_and_status(serve) -> None:
    sp = serve()
    order_no = place(sp, [("A1", "3"), ("A3", "2"), ("FRAKT", "1")])
    assert sp.state.orders[order_no]["status"] == "registered"

    first = delivery_call(
        sp, order_no, [("A1", "2")], deliveryDate="2026-11-27", trackingNo="JJD1,JJD2"
    )
    result, delivery_no, message = text(first)
    assert (result, message) == ("1", "Delivery created")
    assert delivery_no == "90001"
    level = sp.state.stock["A1"]["1"]
    assert (level["onHand"], level["reserved"]) == (5, 1)
    order = sp.state.orders[order_no]
    assert (order["deliveryStatus"], order["status"]) == ("P", "partly delivered")

    second = delivery_call(sp, order_no, [("A1", "1"), ("A3", "2")], deliveryMethod="PN")
    assert text(second)[1] == "90002"
    order = sp.state.orders[order_no]
    assert (order["deliveryStatus"], order["status"]) == ("D", "delivered")
    assert sp.state.stock["A3"]["1"] == {"onHand": 1, "reserved": 0}

    doc = ET.fromstring(fetch(sp, "getOrdersExternalNeedUpdate", "d1", useXML="2").content)
    [xml_order] = list(doc.iter("order"))
    assert xml_order.find("orderstatus").get("deliveryStatus") == "D"
    assert xml_order.find("deliveries").get("updated") == "1"
    deliveries = list(xml_order.iter("delivery"))
    assert [d.get("trackingNo") for d in deliveries] == ["JJD1,JJD2", ""]
    assert deliveries[0].get("deliveryDate") == "2026-11-27"
    assert [(r.get("articleNo"), r.get("noOfItems")) for r in deliveries[1].iter("row")] == [
        ("A1", "1"),
        ("A3", "2"),
    ]


def test_over_delivery_unknown_order_and_foreign_article_refused(serve) -> None:
    sp = serve()
    order_no = place(sp, [("A1", "2")])

    over = text(delivery_call(sp, order_no, [("A1", "3")]))
    unknown = text(delivery_call(sp, "49999", [("A1", "1")]))
    foreign = text(delivery_call(sp, order_no, [("A1", "1"), ("A3", "1")]))

    assert over[:2] == ("0", "50")
    assert "noOfItems_1" in over[2]
    assert unknown == ("0", "42", "Order '49999' does not exist")
    assert foreign[:2] == ("0", "50")
    assert "articleNo_2" in foreign[2]
    assert sp.state.orders[order_no]["deliveries"] == []
    assert sp.state.stock["A1"]["1"] == {"onHand": 7, "reserved": 2}


# -- getPDFLink --------------------------------------------------------------------------------
def test_pdf_link_of_an_invoice(serve) -> None:
    sp = serve()
    order_no = place(sp, [("A1", "1")])
    _, invoice_no, _ = text(sp.invoice(order_no))

    def link(document_id: str, subject: str | None = None) -> httpx.Response:
        return sp.get(
            "getPDFLink",
            subject or f"getPDFLink{document_id}",
            typeDocument="invoice",
            documentId=document_id,
        )

    result, url = link(invoice_no).content.decode("latin-1").split(";", 1)
    assert result == "1"
    pdf = sp.http.get(url.removeprefix(sp.url))
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert text(link("79999")) == ("0", "42", "Invoice '79999' does not exist")
    assert text(link(invoice_no, subject=invoice_no))[:2] == ("0", "10")


def test_admin_order_shows_raw_fields_and_derived_status(serve) -> None:
    sp = serve()
    order_no = place(sp, [("A1", "1")])
    shown = sp.http.get(f"{ADMIN}/specter/{SBM}/orders/{order_no}").json()
    assert (shown["statusId"], shown["deliveryStatus"], shown["status"]) == (
        "1",
        "",
        "registered",
    )
    assert shown["rows"][0]["deliveredItems"] == "0"
    assert sp.http.get(f"{ADMIN}/specter/{SBM}/orders/1").status_code == 404
