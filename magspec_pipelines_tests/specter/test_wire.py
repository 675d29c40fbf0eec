"""The Specter client on the wire, against scripted answers: every action's method, script,
parameters and key subject; the feeds' formats with decimal commas; lost answers."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from urllib.parse import parse_qsl

import httpx
import pytest

from magspec_pipelines.http import OutcomeUnknown, RetryPolicy
from magspec_pipelines.specter.client import SpecterClient, SpecterCredentials
from magspec_pipelines.specter.errors import (
    SpecterError,
    SpecterInvoiceNotFound,
    SpecterOrderNotFound,
    SpecterTransientError,
    SpecterUnreadable,
    SpecterUnsupported,
    SpecterValidationError,
)
from magspec_pipelines.specter.models import SpecterArticle

CREDS = SpecterCredentials(
    sbm_id="1001", api_user_id="7", api_user_key="k1", integration_key="k2", api_version=2
)
TODAY = date(2026, 11, 27)
Reply = str | bytes | Callable[[httpx.Request], httpx.Response]


def md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def key(subject: str, inner: bytes = b"k1", outer: bytes = b"k2") -> str:
    return md5(outer + md5(inner + b"1001" + subject.encode("latin-1")).encode())


def no_wait(**kwargs: object) -> RetryPolicy:
    return RetryPolicy(sleep=lambda _: None, **kwargs)  # type: ignore[arg-type]


class Recorder:
    """MockTransport handler that records requests and answers with the next reply."""

    def __init__(self, *replies: Reply) -> None:
        self.replies = list(replies) or ["1;1;ok"]
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        reply = self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]
        if callable(reply):
            return reply(request)
        content = reply if isinstance(reply, bytes) else reply.encode("latin-1")
        return httpx.Response(
            200, content=content, headers={"content-type": "text/plain; charset=iso-8859-1"}
        )

    def client(self, creds: SpecterCredentials = CREDS, **kwargs: object) -> SpecterClient:
        options: dict = {"retry": no_wait(max_attempts=3), "today": lambda: TODAY} | kwargs
        return SpecterClient(
            "http://specter.test", creds, transport=httpx.MockTransport(self), **options
        )

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]


def params(request: httpx.Request) -> dict[str, str]:
    return dict(
        parse_qsl(request.url.query.decode("ascii"), keep_blank_values=True, encoding="latin-1")
    )


def body(request: httpx.Request) -> list[tuple[str, str]]:
    return parse_qsl(request.content.decode("ascii"), encoding="latin-1")


def is_read(request: httpx.Request) -> bool:
    return request.method == "GET" and request.url.path == "/getInfo.asp" and not request.content


# -- writes ------------------------------------------------------------------------------------
def test_articles_are_posted_numbered_and_keyed_on_the_first_article_number() -> None:
    recorder = Recorder("1;2;Articles saved")
    articles = [
        SpecterArticle(
            articleNo="MH01-XS-Black",
            name="Chaz Kangeroo Hoodie – Svart €",
            priceExclVAT=Decimal("52"),
            vatPercent=25,
            productWeight=Decimal("0.5"),
            noItemsInStock=Decimal(12),
            parentArticleNo="MH01",
            variantAttributes={"size": "XS", "color": "Black"},
        ),
        SpecterArticle(articleNo="24-MB01", name="Åsas väska", buyPrice=Decimal("12.5")),
    ]
    with recorder.client() as client:
        assert client.submit_articles(articles) == 2
    request = recorder.last
    assert request.method == "POST" and request.url.path == "/putInfo.asp"
    query = params(request)
    assert query["action"] == "newArticleSubmit" and query["useXML"] == "1"
    assert query["key"] == key("MH01-XS-Black")
    fields = dict(body(request))
    assert fields["forceArticleUpdate"] == "1" and fields["addSupplier"] == "0"
    assert fields["name_1"] == "Chaz Kangeroo Hoodie - Svart EUR"
    assert fields["priceExclVAT_1"] == "52.000" and fields["productWeight_1"] == "0.500"
    assert fields["noItemsInStock_1"] == "12" and fields["createArticleStock_1"] == "1"
    assert fields["parentArticleNo_1"] == "MH01"
    assert fields["variantAttributes_1"] == "size=XS;color=Black"
    assert fields["articleNo_2"] == "24-MB01" and fields["name_2"] == "Åsas väska"
    assert fields["buyPrice_2"] == "12.500" and "priceExclVAT_2" not in fields
    assert "%C3" not in request.content.decode("ascii")  # Latin-1, not UTF-8


def test_without_force_update_the_flag_is_zero() -> None:
    recorder = Recorder("1;0;Articles saved")
    with recorder.client() as client:
        assert client.submit_articles([SpecterArticle(articleNo="A1", name="x")], False) == 0
    assert dict(body(recorder.last))["forceArticleUpdate"] == "0"


def test_a_delivery_posts_rows_tracking_numbers_and_method_keyed_on_the_order() -> None:
    recorder = Recorder("1;90001;Delivery created")
    with recorder.client() as client:
        delivery_no = client.submit_delivery(
            "50001",
            rows=[("MH01-XS-Black", 2), ("24-MB01", Decimal("1.0"))],
            tracking_numbers=("JJD0001", "JJD0002"),
            method="PN",
        )
    assert delivery_no == "90001"
    request = recorder.last
    assert request.method == "POST" and request.url.path == "/putInfo.asp"
    query = params(request)
    assert query["action"] == "newDeliverySubmit" and query["key"] == key("50001")
    assert body(request) == [
        ("deliveryDate", "2026-11-27"),
        ("orderId", "50001"),
        ("useArticleNoRowMapping", "1"),
        ("articleNo_1", "MH01-XS-Black"),
        ("noOfItems_1", "2"),
        ("articleNo_2", "24-MB01"),
        ("noOfItems_2", "1"),
        ("trackingNo", "JJD0001,JJD0002"),
        ("deliveryMethod", "PN"),
    ]


def test_a_delivery_is_dated_as_given_and_needs_rows() -> None:
    recorder = Recorder("1;90002;Delivery created")
    with recorder.client() as client:
        client.submit_delivery("50001", rows=[("A1", 1)], delivery_date=date(2026, 11, 30))
        with pytest.raises(ValueError, match="at least one row"):
            client.submit_delivery("50001", rows=[])
    assert len(recorder.requests) == 1
    fields = dict(body(recorder.last))
    assert fields["deliveryDate"] == "2026-11-30"
    assert "trackingNo" not in fields and "deliveryMethod" not in fields


def test_a_tracking_number_with_a_comma_is_refused_before_sending() -> None:
    recorder = Recorder()
    with recorder.client() as client, pytest.raises(ValueError):
        client.submit_delivery("50001", rows=[("A1", 1)], tracking_numbers=("A,B",))
    assert recorder.requests == []


def test_a_delivery_of_an_unknown_order_is_order_not_found() -> None:
    recorder = Recorder("0;42;Order '59999' does not exist")
    with recorder.client() as client, pytest.raises(SpecterOrderNotFound):
        client.submit_delivery("59999", rows=[("A", 1)])


@pytest.mark.parametrize(
    "reply",
    [
        lambda request: (_ for _ in ()).throw(httpx.ReadTimeout("lost", request=request)),
        lambda request: httpx.Response(504),
    ],
)
def test_lost_answers_to_article_and_delivery_writes_are_outcome_unknown(reply: Reply) -> None:
    for write in (
        lambda c: c.submit_articles([SpecterArticle(articleNo="A1", name="x")]),
        lambda c: c.submit_delivery("50001", rows=[("A1", 1)]),
    ):
        recorder = Recorder(reply)
        with recorder.client() as client, pytest.raises(OutcomeUnknown):
            write(client)
        assert len(recorder.requests) == 1  # never repeated


# -- settings and documents ------------------------------------------------------------------------
def test_pdf_link_is_signed_over_the_action_and_document_id() -> None:
    recorder = Recorder("1;https://sbm.specter.test/pdf?doc=70001;x=1")
    with recorder.client() as client:
        assert client.invoice_pdf_link("70001") == "https://sbm.specter.test/pdf?doc=70001;x=1"
    request = recorder.last
    assert is_read(request)
    query = params(request)
    assert query["action"] == "getPDFLink" and query["key"] == key("getPDFLink70001")
    assert query["typeDocument"] == "invoice" and query["documentId"] == "70001"


def test_pdf_link_of_an_unknown_invoice_is_invoice_not_found() -> None:
    recorder = Recorder("0;42;Invoice '79999' does not exist")
    with recorder.client() as client, pytest.raises(SpecterInvoiceNotFound) as caught:
        client.invoice_pdf_link("79999")
    assert caught.value.invoice_no == "79999" and caught.value.code == 42


def test_callbacks_are_registered_with_the_date_as_subject_and_only_those_given() -> None:
    recorder = Recorder("1;0;Settings saved")
    template = "https://shop.test/cb?kind=inv&pskey=s3&orderId=$orderId&invoiceId=$invoiceId"
    with recorder.client() as client:
        client.register_callbacks(new_invoice=template, remove_order="")
    request = recorder.last
    assert is_read(request)
    query = params(request)
    assert query["action"] == "checkAccountSettings" and query["useXML"] == "1"
    assert query["date"] == "2026-11-27" and query["key"] == key("2026-11-27")
    assert query["actionNewInvoice"] == template  # url-encoded on the wire, intact after
    assert query["actionRemoveOrder"] == ""  # sent empty: removes it
    assert "actionStockChange" not in query  # not sent: left as it was


def test_a_callback_url_latin1_cannot_carry_is_refused() -> None:
    recorder = Recorder()
    with recorder.client() as client, pytest.raises(ValueError):
        client.register_callbacks(stock_change="https://shop.test/cb?x=€")
    assert recorder.requests == []


def test_clear_stock_batch_is_dated_and_asks_to_clear_self() -> None:
    recorder = Recorder("1;0;Done")
    with recorder.client() as client:
        client.clear_stock_batch()
    query = params(recorder.last)
    assert query["action"] == "clearArticleBatch" and query["clearSelf"] == "1"
    assert query["key"] == key("2026-11-27") and query["date"] == "2026-11-27"


def test_api_v1_signs_reads_with_md5_key1_and_key2() -> None:
    recorder = Recorder("1;0;Done")
    v1 = SpecterCredentials(sbm_id="1001", md5_key1="a", md5_key2="b", api_version=1)
    with recorder.client(v1) as client:
        client.clear_stock_batch()
    query = params(recorder.last)
    assert query["key"] == key("2026-11-27", inner=b"a", outer=b"b")
    assert "apiUserId" not in query


# -- assumed reads ---------------------------------------------------------------------------------
READS = [
    (
        "stock_sites",
        (),
        "getStockSites",
        '<stockSites><stockSite stockSiteId="1" name="Huvudlager" isDefault="1"/>'
        '<stockSite stockSiteId="2" name="Lager Malmö" isDefault="0"/></stockSites>',
    ),
    (
        "webshops",
        (),
        "getWebshops",
        '<webshops><webshop webshopId="1" name="Butik SE" stockSiteId="1" priceListId="1" '
        'currency="SEK"/><webshop webshopId="2" name="Butik NO"/></webshops>',
    ),
    (
        "price_lists",
        (),
        "getPriceLists",
        '<priceLists><priceList priceListId="1" name="Grundprislista" currency="SEK" '
        'customerGroupIds=""/><priceList priceListId="2" name="Återförsäljare" currency="SEK" '
        'customerGroupIds="2,3"/></priceLists>',
    ),
    (
        "price_list_prices",
        ("2",),
        "getPriceListPrices",
        '<prices priceListId="2"><price articleNo="MH01-XS-Black" fromQuantity="1" '
        'priceExclVat="41,60"/><price articleNo="MH01-XS-Black" fromQuantity="10" '
        'priceExclVat="39,00"/></prices>',
    ),
    (
        "account_modules",
        (),
        "getAccountModules",
        '<modules><module code="ORDER" name="Order/Faktura" active="1"/>'
        '<module code="BOOKKEEPING" name="Bokföring" active="0"/></modules>',
    ),
    (
        "invoice_status",
        ("70001",),
        "getInvoiceStatus",
        '<invoice invoiceNo="70001" orderNo="50001" paid="1" paidDate="2026-11-27" '
        'amountDue="1 234,50"/>',
    ),
]


def xml(text: str) -> bytes:
    return ('<?xml version="1.0" encoding="ISO-8859-1"?>' + text).encode("latin-1")


@pytest.mark.parametrize(("method", "args", "action", "answer"), READS)
def test_assumed_reads_are_dated_xml_gets(
    method: str, args: tuple[str, ...], action: str, answer: str
) -> None:
    recorder = Recorder(xml(answer))
    with recorder.client() as client:
        result = getattr(client, method)(*args)
    request = recorder.last
    assert is_read(request)
    query = params(request)
    assert query["action"] == action and query["useXML"] == "2"
    assert query["date"] == "2026-11-27" and query["key"] == key("2026-11-27")
    assert result  # parsed into something


def test_assumed_reads_are_typed_with_decimal_commas_and_latin1_names() -> None:
    recorder = Recorder(*(xml(answer) for _, _, _, answer in READS))
    with recorder.client() as client:
        sites = client.stock_sites()
        shops = client.webshops()
        lists = client.price_lists()
        prices = client.price_list_prices("2")
        modules = client.account_modules()
        status = client.invoice_status("70001")
    assert [(s.stock_site_id, s.is_default) for s in sites] == [("1", True), ("2", False)]
    assert sites[1].name == "Lager Malmö"
    assert shops[0].price_list_id == "1" and shops[1].stock_site_id is None
    assert lists[1].name == "Återförsäljare" and lists[1].customer_group_ids == ("2", "3")
    assert lists[0].customer_group_ids == ()
    assert [(p.from_quantity, p.price_excl_vat) for p in prices] == [
        (Decimal(1), Decimal("41.60")),
        (Decimal(10), Decimal("39.00")),
    ]
    assert {m.code: m.active for m in modules} == {"ORDER": True, "BOOKKEEPING": False}
    assert status.paid and status.paid_date == TODAY and status.amount_due == Decimal("1234.50")
    assert params(recorder.requests[3])["priceListId"] == "2"
    assert params(recorder.requests[5])["invoiceNo"] == "70001"


@pytest.mark.parametrize(("method", "args", "action", "answer"), READS)
def test_an_account_without_the_assumed_reads_raises_unsupported(
    method: str, args: tuple[str, ...], action: str, answer: str
) -> None:
    recorder = Recorder(f"0;50;Field 'action' unknown action '{action}'")
    with recorder.client() as client, pytest.raises(SpecterUnsupported) as caught:
        getattr(client, method)(*args)
    assert isinstance(caught.value, SpecterValidationError) and caught.value.code == 50


def test_the_unsupported_answer_in_xml_is_recognised_too() -> None:
    recorder = Recorder(
        xml(
            "<APIresponse><code>50</code><message>Field 'action' unknown action "
            "'getStockSites'</message></APIresponse>"
        )
    )
    with recorder.client() as client, pytest.raises(SpecterUnsupported):
        client.stock_sites()


def test_other_validation_failures_are_not_unsupported() -> None:
    recorder = Recorder("0;50;Field 'priceListId' is required")
    with recorder.client() as client, pytest.raises(SpecterValidationError) as caught:
        client.price_list_prices("")
    assert not isinstance(caught.value, SpecterUnsupported)


def test_a_price_list_answer_for_another_list_is_refused() -> None:
    recorder = Recorder(xml('<prices priceListId="1"></prices>'))
    with recorder.client() as client, pytest.raises(SpecterUnreadable):
        client.price_list_prices("2")


def test_invoice_status_of_an_unknown_invoice() -> None:
    recorder = Recorder(
        xml(
            "<APIresponse><code>42</code><message>Invoice '1' does not exist</message></APIresponse>"
        )
    )
    with recorder.client() as client, pytest.raises(SpecterInvoiceNotFound):
        client.invoice_status("1")


def test_reads_are_retried_when_their_answer_is_lost() -> None:
    def lost(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("lost", request=request)

    recorder = Recorder(lost, lambda request: httpx.Response(502), xml(READS[0][3]))
    with recorder.client() as client:
        assert len(client.stock_sites()) == 2
        assert client.stats.retries == 2
    assert len(recorder.requests) == 3
    assert len({str(r.url) for r in recorder.requests}) == 1  # the very same request


def test_a_read_that_keeps_failing_is_transient() -> None:
    recorder = Recorder(lambda request: httpx.Response(500, text="boom"))
    with recorder.client() as client, pytest.raises(SpecterTransientError):
        client.webshops()


def test_an_html_page_instead_of_xml_is_unreadable() -> None:
    recorder = Recorder("<html><body>Server Error in '/' Application.</body></html>")
    with recorder.client() as client, pytest.raises(SpecterError):
        client.account_modules()
