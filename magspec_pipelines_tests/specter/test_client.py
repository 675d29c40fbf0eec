"""The Specter client: wire format, answer parsing, lost answers, and the sandbox round trip."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from decimal import Decimal
from urllib.parse import parse_qsl

import httpx
import pytest

from magspec_pipelines.http import OutcomeUnknown, RetryPolicy
from magspec_pipelines.specter.answers import parse_answer
from magspec_pipelines.specter.client import SpecterClient, SpecterCredentials
from magspec_pipelines.specter.errors import (
    SpecterAlreadyInvoiced,
    SpecterAuthError,
    SpecterCustomerNotFound,
    SpecterDuplicateOrder,
    SpecterError,
    SpecterOpenBatch,
    SpecterOrderNotFound,
    SpecterTransientError,
    SpecterUnknownArticle,
    SpecterValidationError,
)
from magspec_pipelines.specter.models import SpecterCustomer, SpecterOrder, SpecterOrderRow
from magspec_sandbox.server import BackgroundServer
from magspec_sandbox.specter import AccountSpec, SpecterSandbox, WebshopSpec

CREDS = SpecterCredentials(
    sbm_id="1001", api_user_id="7", api_user_key="k1", integration_key="k2", api_version=2
)


def md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def no_wait(**kwargs: object) -> RetryPolicy:
    return RetryPolicy(sleep=lambda _: None, **kwargs)  # type: ignore[arg-type]


def order(customer_id: str = "10001", external: str = "WEB-1", **row: object) -> SpecterOrder:
    fields: dict = {"articleNo": "24-MB01", "priceExclVAT": Decimal("272"), "noOfItems": 1} | row
    return SpecterOrder(
        customerId=customer_id,
        externalOrderNo=external,
        currency="SEK",
        rows=[SpecterOrderRow(vatPercent=25, **fields)],
    )


class Recorder:
    """MockTransport handler that records requests and answers with `reply`."""

    def __init__(self, reply: str | Callable[[httpx.Request], httpx.Response] = "1;10023;ok"):
        self.reply = reply
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if callable(self.reply):
            return self.reply(request)
        return httpx.Response(
            200,
            content=self.reply.encode("latin-1"),
            headers={"content-type": "text/plain; charset=iso-8859-1"},
        )

    def client(self, creds: SpecterCredentials = CREDS, **kwargs: object) -> SpecterClient:
        options: dict = {"retry": no_wait(max_attempts=3)} | kwargs
        return SpecterClient(
            "http://specter.test", creds, transport=httpx.MockTransport(self), **options
        )


def query(request: httpx.Request) -> list[tuple[str, str]]:
    return parse_qsl(request.url.query.decode("ascii"), encoding="latin-1")


def body(request: httpx.Request) -> list[tuple[str, str]]:
    return parse_qsl(request.content.decode("ascii"), encoding="latin-1")


# -- wire format ---------------------------------------------------------------------------------
def test_an_order_posts_fixed_params_in_the_query_and_numbered_rows_in_the_body() -> None:
    recorder = Recorder("1;50001;Order created")
    two_rows = order().model_copy(
        update={
            "rows": [
                SpecterOrderRow(
                    articleNo="24-MB01",
                    articleName="Joust Duffle Bag",
                    priceExclVAT=Decimal("1234.5"),
                    noOfItems=Decimal("2.0000"),
                    vatPercent=25,
                ),
                SpecterOrderRow(
                    articleNo="FRAKT", priceExclVAT=Decimal("49"), noOfItems=1, vatPercent=25
                ),
            ]
        }
    )
    with recorder.client() as client:
        assert client.submit_order(two_rows, webshop_id="1") == "50001"
    request = recorder.requests[0]
    assert request.method == "POST" and request.url.path == "/putInfo.asp"
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    key = md5(b"k2" + md5(b"k1" + b"1001" + b"10001").encode())
    assert query(request) == [
        ("action", "newOrderSubmit"),
        ("sbmId", "1001"),
        ("apiUserId", "7"),
        ("useXML", "1"),
        ("webshopId", "1"),
        ("key", key),
    ]
    assert body(request) == [
        ("customerId", "10001"),
        ("externalOrderNo", "WEB-1"),
        ("currency", "SEK"),
        ("articleNo_1", "24-MB01"),
        ("articleName_1", "Joust Duffle Bag"),
        ("priceExclVAT_1", "1234.500"),
        ("noOfItems_1", "2"),
        ("vatPercent_1", "25"),
        ("articleNo_2", "FRAKT"),
        ("priceExclVAT_2", "49.000"),
        ("noOfItems_2", "1"),
        ("vatPercent_2", "25"),
    ]


def test_a_customer_is_keyed_on_its_name_and_sent_in_latin1_only() -> None:
    recorder = Recorder("1;10001;Customer created")
    customer = SpecterCustomer(
        customerOrganizationalForm="P",
        firstName="Åsa",
        surName="Öberg  😀",
        address="Storgatan 1 – 3",
        city="Malmö",
    )
    with recorder.client() as client:
        assert client.submit_customer(customer) == "10001"
    request = recorder.requests[0]
    raw = request.content.decode("ascii")  # percent-encoded: the body itself is pure ASCII
    assert "%C3" not in raw  # no UTF-8 lead bytes anywhere
    fields = dict(body(request))
    assert fields["firstName"] == "Åsa" and fields["city"] == "Malmö"
    assert fields["surName"] == "Öberg  ?" and fields["address"] == "Storgatan 1 - 3"
    params = dict(query(request))
    assert params["forceCustomerUpdate"] == "1"
    subject = "Åsa Öberg ?".encode("latin-1")  # "first last", spaces collapsed
    assert params["key"] == md5(b"k2" + md5(b"k11001" + subject).encode())


def test_api_v1_signs_with_md5_key1_and_key2() -> None:
    recorder = Recorder("1;70001;Invoice created")
    v1 = SpecterCredentials(sbm_id="1001", md5_key1="a", md5_key2="b", api_version=1)
    with recorder.client(v1) as client:
        assert client.submit_invoice("50001") == "70001"
    request = recorder.requests[0]
    assert request.method == "GET" and request.content == b""
    params = dict(query(request))
    assert "apiUserId" not in params
    assert params["key"] == md5(b"b" + md5(b"a100150001").encode())
    assert params["action"] == "newInvoiceSubmit"
    assert params["orderId"] == "50001" and params["typeInvoice"] == "S"


def test_credentials_keep_their_secrets_out_of_repr() -> None:
    assert "k1" not in repr(CREDS).replace("sbm_id", "") and "k2" not in repr(CREDS)
    with pytest.raises(ValueError):
        SpecterCredentials(sbm_id="1", api_version=2, api_user_key="x")


# -- answers ---------------------------------------------------------------------------------------
ERROR_ANSWERS = [
    ("0;10;Invalid key", SpecterAuthError, {}),
    ("0;20;Customer '10099' does not exist", SpecterCustomerNotFound, {"customer_id": "10099"}),
    ("0;30;Article '24-XX99' does not exist", SpecterUnknownArticle, {"article_no": "24-XX99"}),
    (
        "0;40;Order with externalOrderNo 'WEB-1' already exists: orderNo 50007",
        SpecterDuplicateOrder,
        {"existing_order_no": "50007"},
    ),
    (
        "0;41;Order 50007 has nothing left to invoice: invoiceNo 70002",
        SpecterAlreadyInvoiced,
        {"existing_invoice_no": "70002"},
    ),
    ("0;42;Order '50099' does not exist", SpecterOrderNotFound, {}),
    (
        "0;50;Field 'noOfItems_1' is not a number: 'x'",
        SpecterValidationError,
        {"field": "noOfItems_1"},
    ),
    ("0;99;Batch 'abc123' is still open", SpecterOpenBatch, {"batch_no": "abc123"}),
    ("0;77;Something new", SpecterError, {}),
]


@pytest.mark.parametrize(("text", "error", "attrs"), ERROR_ANSWERS)
def test_text_failures_become_typed_errors(text: str, error: type, attrs: dict) -> None:
    recorder = Recorder(text)
    with recorder.client() as client, pytest.raises(error) as caught:
        client.submit_order(order(), webshop_id="1")
    code = int(text.split(";")[1])
    assert caught.value.code == code
    assert caught.value.message == text.split(";", 2)[2]
    for name, value in attrs.items():
        assert getattr(caught.value, name) == value
    assert len(recorder.requests) == 1  # a Specter answer is final, never retried


def test_a_duplicate_whose_message_names_no_order_leaves_the_number_unknown() -> None:
    answer = parse_answer("0;40;Duplicate")
    with pytest.raises(SpecterDuplicateOrder) as caught:
        answer.raise_for_failure("newOrderSubmit")
    assert caught.value.existing_order_no is None


def test_messages_may_contain_semicolons() -> None:
    answer = parse_answer("1;10023;Order created; mail sent")
    assert (answer.ok, answer.id, answer.message) == (True, "10023", "Order created; mail sent")


def test_xml_answers_are_read_too() -> None:
    ok = parse_answer(
        '<?xml version="1.0" encoding="ISO-8859-1"?>'
        "<APIresponse><result>1</result><id>50003</id><message>Order created</message></APIresponse>"
    )
    assert ok.ok and ok.id == "50003"
    failed = parse_answer(
        "<response><APIresponse><code>30</code>"
        "<message>Article 'Å-1' does not exist</message></APIresponse></response>"
    )
    with pytest.raises(SpecterUnknownArticle) as caught:
        failed.raise_for_failure()
    assert caught.value.article_no == "Å-1"


def test_an_unreadable_answer_is_an_error_not_a_success() -> None:
    recorder = Recorder("<html>Internal error</html>")
    with recorder.client() as client, pytest.raises(SpecterError):
        client.submit_order(order(), webshop_id="1")


# -- lost answers and transient failures -----------------------------------------------------------
def raising(exc: type[Exception]) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc("scripted", request=request)

    return handler


@pytest.mark.parametrize(
    "reply",
    [
        raising(httpx.ReadTimeout),
        lambda request: httpx.Response(504, text="Gateway Timeout"),
        lambda request: httpx.Response(500, text="Internal Server Error"),
    ],
)
def test_a_lost_write_answer_raises_outcome_unknown_without_retrying(reply: Callable) -> None:
    recorder = Recorder(reply)
    with recorder.client() as client, pytest.raises(OutcomeUnknown):
        client.submit_order(order(), webshop_id="1")
    assert len(recorder.requests) == 1


def test_refused_requests_are_retried_and_counted() -> None:
    replies = iter(
        [
            httpx.Response(429, headers={"Retry-After": "1"}),
            httpx.Response(503),
            httpx.Response(200, content=b"1;50001;Order created"),
        ]
    )
    recorder = Recorder(lambda request: next(replies))
    with recorder.client() as client:
        assert client.submit_order(order(), webshop_id="1") == "50001"
        assert client.stats.throttled == 1 and client.stats.retries == 2
        assert client.stats.by_endpoint()["newOrderSubmit"].requests == 3


def test_an_unreachable_specter_is_transient() -> None:
    recorder = Recorder(raising(httpx.ConnectError))
    with recorder.client() as client, pytest.raises(SpecterTransientError):
        client.submit_invoice("50001")
    assert len(recorder.requests) == 3


# -- round trips against the sandbox ---------------------------------------------------------------
@pytest.fixture(scope="module")
def sandbox() -> Iterator[tuple[SpecterSandbox, str]]:
    spec = AccountSpec(
        sbm_id="1001",
        api_user_id="7",
        api_user_key="k1",
        integration_key="k2",
        md5_key1="v1a",
        md5_key2="v1b",
        webshops=[WebshopSpec(webshop_id="1", name="SE"), WebshopSpec(webshop_id="2", name="NO")],
    )
    sp = SpecterSandbox([spec], admin_prefix="/__sandbox__")
    with BackgroundServer(sp.app) as server:
        yield sp, server.url


@pytest.fixture
def client(sandbox: tuple[SpecterSandbox, str]) -> Iterator[SpecterClient]:
    sp, url = sandbox
    sp.faults.clear()
    with SpecterClient(url, CREDS, timeout=5.0, retry=no_wait()) as c:
        yield c


def customer(email: str, first: str = "Åsa", last: str = "Öberg") -> SpecterCustomer:
    return SpecterCustomer(
        customerOrganizationalForm="P",
        firstName=first,
        surName=last,
        emailAddress=email,
        city="Malmö",
        countryCode="SE",
        currency="SEK",
    )


def test_customer_order_and_invoice_round_trip(
    client: SpecterClient, sandbox: tuple[SpecterSandbox, str]
) -> None:
    sp, _ = sandbox
    customer_id = client.submit_customer(customer("asa@example.se", last="Öberg “Ö” 😀"))
    assert sp.account("1001").customers[customer_id]["surName"] == 'Öberg "Ö" ?'
    order_no = client.submit_order(
        order(customer_id, external="RT-1", articleName="Väska €"), webshop_id="2"
    )
    stored = sp.account("1001").orders[order_no]
    assert stored["webshopId"] == "2" and stored["externalOrderNo"] == "RT-1"
    assert stored["rows"][0]["articleName"] == "Väska EUR"
    assert stored["rows"][0]["priceExclVAT"] == Decimal("272")
    invoice_no = client.submit_invoice(order_no)
    assert sp.account("1001").orders[order_no]["invoiceNo"] == invoice_no
    with pytest.raises(SpecterAlreadyInvoiced) as caught:
        client.submit_invoice(order_no)
    assert caught.value.existing_invoice_no == invoice_no


def test_sandbox_refusals_arrive_typed(client: SpecterClient) -> None:
    customer_id = client.submit_customer(customer("refusals@example.se"))
    with pytest.raises(SpecterUnknownArticle) as unknown:
        client.submit_order(order(customer_id, external="RF-1", articleNo="NO-SUCH"), "1")
    assert unknown.value.article_no == "NO-SUCH"
    with pytest.raises(SpecterCustomerNotFound):
        client.submit_order(order("99999", external="RF-2"), "1")
    with pytest.raises(SpecterValidationError):
        client.submit_order(order(customer_id, external="RF-3"), "42")
    with pytest.raises(SpecterOrderNotFound):
        client.submit_invoice("99999")


def test_a_wrong_key_is_an_auth_error(sandbox: tuple[SpecterSandbox, str]) -> None:
    _, url = sandbox
    wrong = SpecterCredentials(
        sbm_id="1001", api_user_id="7", api_user_key="k1", integration_key="x"
    )
    with SpecterClient(url, wrong, retry=no_wait()) as c, pytest.raises(SpecterAuthError):
        c.submit_customer(customer("wrong@example.se"))


def test_api_v1_keys_are_accepted(sandbox: tuple[SpecterSandbox, str]) -> None:
    _, url = sandbox
    v1 = SpecterCredentials(sbm_id="1001", md5_key1="v1a", md5_key2="v1b", api_version=1)
    with SpecterClient(url, v1, retry=no_wait()) as c:
        assert c.submit_customer(customer("v1@example.se", first="Öjvind"))


def test_a_lost_answer_is_not_repeated_and_the_duplicate_control_names_the_order(
    client: SpecterClient, sandbox: tuple[SpecterSandbox, str]
) -> None:
    sp, url = sandbox
    customer_id = client.submit_customer(customer("lost@example.se"))
    sp.faults.add(kind="lost_answer", match="newOrderSubmit", count=1, seconds=1.0)
    with (
        SpecterClient(url, CREDS, timeout=0.3, retry=no_wait()) as impatient,
        pytest.raises(OutcomeUnknown),
    ):
        impatient.submit_order(order(customer_id, external="LOST-1"), webshop_id="1")
    committed = sp.account("1001").orders_by_external_no("LOST-1")
    assert len(committed) == 1  # the write went through once and was not sent again
    with pytest.raises(SpecterDuplicateOrder) as caught:
        client.submit_order(order(customer_id, external="LOST-1"), webshop_id="1")
    assert caught.value.existing_order_no == committed[0]["orderNo"]


def test_throttling_by_the_sandbox_is_waited_out(
    client: SpecterClient, sandbox: tuple[SpecterSandbox, str]
) -> None:
    sp, _ = sandbox
    sp.faults.add(kind="throttle", match="newCustomerSubmit", count=2, retry_after=1)
    assert client.submit_customer(customer("throttled@example.se"))
    assert client.stats.throttled == 2 and client.stats.retries == 2
