"""Callbacks from Specter: templates to register and incoming parameters as typed events."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from magspec_pipelines.specter.callbacks import (
    CALLBACK_OK,
    ArticleChanged,
    CallbackKind,
    InvoiceCreated,
    OrderChanged,
    OrderRemoved,
    StockChanged,
    callback_form,
    callback_query,
    callback_template,
    parse_callback,
    secret_matches,
)
from magspec_pipelines.specter.errors import SpecterCallbackError


def test_the_answer_specter_expects() -> None:
    assert CALLBACK_OK.startswith("1;Done")


def test_templates_carry_the_secret_and_the_placeholders_specter_fills_in() -> None:
    template = callback_template("https://shop.test/specter?tenant=acme", "new_invoice", pskey="sä")
    parts = urlsplit(template)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "shop.test", "/specter")
    assert "orderId=$orderId" in parts.query and "invoiceSource=$invoiceSource" in parts.query
    assert "pskey=s%E4" in parts.query  # Latin-1 percent-encoding, as Specter reads and sends
    fixed = callback_query(parts.query)
    assert fixed["tenant"] == "acme" and fixed["pskey"] == "sä"
    assert "orderNo=$orderNo" in callback_template("https://shop.test/x", "remove_order")
    assert "$" not in callback_template("https://shop.test/x", CallbackKind.STOCK_CHANGE)


def test_a_template_parameter_latin1_cannot_carry_is_refused() -> None:
    with pytest.raises(ValueError):
        callback_template("https://shop.test/x", "stock_change", pskey="s€c")


def test_a_template_needs_an_http_url() -> None:
    with pytest.raises(ValueError):
        callback_template("shop.test/x", "stock_change")


def test_an_invoice_callback_becomes_an_invoice_created_event() -> None:
    event = parse_callback(
        "new_invoice", {"orderId": "50001", "invoiceId": "70001", "invoiceSource": "webshop"}
    )
    assert event == InvoiceCreated(invoice_id="70001", invoice_source="webshop", order_id="50001")
    staff = parse_callback("new_invoice", {"invoiceid": " 70002 ", "INVOICESOURCE": "SBM"})
    assert staff == InvoiceCreated(invoice_id="70002", invoice_source="sbm", order_id=None)


def test_nudges_and_removals() -> None:
    assert parse_callback("stock_change", {}) == StockChanged()
    assert parse_callback("article_change", {"whatever": "x"}) == ArticleChanged()
    assert parse_callback("order_change", {"orderId": "50001"}) == OrderChanged("50001")
    assert parse_callback("order_change", {}) == OrderChanged(None)
    assert parse_callback("remove_order", {"orderNo": "50003"}) == OrderRemoved("50003")


@pytest.mark.parametrize(
    ("kind", "query", "says"),
    [
        ("new_invoice", {"orderId": "50001", "invoiceSource": "webshop"}, "invoiceId is missing"),
        ("new_invoice", {"invoiceId": "$invoiceId", "invoiceSource": "sbm"}, "not filled in"),
        ("new_invoice", {"invoiceId": "70001", "invoiceSource": "pos"}, "invoiceSource"),
        ("new_invoice", {"invoiceId": "7OOO1", "invoiceSource": "sbm"}, "not a Specter number"),
        ("new_invoice", {"invoiceId": "７００", "invoiceSource": "sbm"}, "not a Specter number"),
        ("remove_order", {}, "orderNo is missing"),
        ("remove_order", {"orderNo": "5000å"}, "not a Specter number"),
        ("order_change", {"orderId": "x1"}, "not a Specter number"),
        ("payment", {}, "unknown callback kind"),
    ],
)
def test_malformed_callbacks_are_refused_with_a_reason(
    kind: str, query: dict[str, str], says: str
) -> None:
    with pytest.raises(SpecterCallbackError) as caught:
        parse_callback(kind, query)
    assert says in str(caught.value)


def test_the_secret_is_checked_when_given() -> None:
    query = {"orderNo": "50003", "pskey": "hemlig-å"}
    assert parse_callback("remove_order", query, secret="hemlig-å") == OrderRemoved("50003")
    with pytest.raises(SpecterCallbackError):
        parse_callback("remove_order", query, secret="other")
    with pytest.raises(SpecterCallbackError):
        parse_callback("remove_order", {"orderNo": "50003"}, secret="hemlig-å")


def test_a_latin1_query_string_is_decoded_as_specter_sent_it() -> None:
    # Specter percent-encodes Latin-1: %E5 is "å", which a UTF-8 reading would garble.
    raw = b"kind=remove_order&pskey=hemlig-%E5&orderNo=50003&note=%80+%C5"
    query = callback_query(raw)
    assert query["pskey"] == "hemlig-å" and query["note"] == "\x80 Å"
    assert parse_callback("remove_order", query, secret="hemlig-å") == OrderRemoved("50003")
    assert callback_query("?orderNo=1") == {"orderNo": "1"}


def test_a_posted_form_body_is_read_like_the_query_string() -> None:
    body = b"orderNo=50003&pskey=hemlig-%E5&note=%80+%C5"
    form_types = (
        None,
        "",
        "application/x-www-form-urlencoded",
        "Application/X-WWW-Form-Urlencoded; charset=ISO-8859-1",
    )
    for content_type in form_types:
        form = callback_form(body, content_type)
        assert form["pskey"] == "hemlig-å" and form["note"] == "\x80 Å"
    utf8 = "application/x-www-form-urlencoded; charset=utf-8"
    declared = callback_form(b"pskey=hemlig-%C3%A5", utf8)
    assert declared["pskey"] == "hemlig-å"
    assert parse_callback("remove_order", callback_form(body, None), secret="hemlig-å") == (
        OrderRemoved("50003")
    )


@pytest.mark.parametrize(
    ("content_type", "says"),
    [
        ("multipart/form-data; boundary=x", "is not application/x-www-form-urlencoded"),
        ("application/json", "is not application/x-www-form-urlencoded"),
        ("application/x-www-form-urlencoded; charset=klingon", "charset"),
    ],
)
def test_other_bodies_are_refused(content_type: str, says: str) -> None:
    with pytest.raises(SpecterCallbackError, match=says):
        callback_form(b"orderNo=1", content_type)


def test_the_secret_is_compared_whatever_the_parameter_case() -> None:
    assert secret_matches({"PSKEY": "s3"}, "s3") and secret_matches({"pskey": "s3"}, "s3")
    assert not secret_matches({"pskey": "s3x"}, "s3") and not secret_matches({}, "s3")
