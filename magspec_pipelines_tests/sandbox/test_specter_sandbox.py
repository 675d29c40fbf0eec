"""Conformance of the Specter sandbox to the legacy action protocol, spoken as raw HTTP.

Keys and Latin-1 bodies are built here from the reference's formulas, with no helper shared with
the sandbox, so that the sandbox and these tests are two readings that must agree on the wire.
"""

from __future__ import annotations

import hashlib
import itertools
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from urllib.parse import urlencode

import httpx
import pytest

from magspec_sandbox.server import BackgroundServer
from magspec_sandbox.specter import AccountSpec, SpecterSandbox, WebshopSpec

ADMIN = "/__sandbox__"
SBM = "1001"
API_USER = "7"
API_USER_KEY = "apiuser-secret"
INTEGRATION_KEY = "integration-secret"
MD5_KEY1 = "legacy-one"
MD5_KEY2 = "legacy-two"
V2_ONLY_SBM = "2002"
MISSING_SKU = "24-MB04"  # a Luma SKU deliberately not seeded as an article
HOODIE = "MH01-XS-Black"
BAG = "24-MB01"


def md5(text: str) -> str:
    return hashlib.md5(text.encode("latin-1")).hexdigest()


def v2_key(subject: str, sbm: str = SBM) -> str:
    return md5(INTEGRATION_KEY + md5(API_USER_KEY + sbm + subject))


def v1_key(subject: str, sbm: str = SBM) -> str:
    return md5(MD5_KEY2 + md5(MD5_KEY1 + sbm + subject))


def latin1_form(fields: dict[str, str]) -> bytes:
    return urlencode(fields, encoding="latin-1").encode("ascii")


FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@dataclass
class Specter:
    sandbox: SpecterSandbox
    http: httpx.Client
    url: str
    _seq: Iterator[int]

    @property
    def state(self):
        return self.sandbox.account(SBM)

    def unique(self, prefix: str) -> str:
        return f"{prefix}{next(self._seq)}"

    def put(self, action: str, query: dict[str, str], body: dict[str, str] | None = None):
        params = {"action": action, "sbmId": SBM, "apiUserId": API_USER, "useXML": "1", **query}
        if body is None:
            return self.http.get("/putInfo.asp", params=params)
        return self.http.post(
            "/putInfo.asp?" + urlencode(params, encoding="latin-1"),
            content=latin1_form(body),
            headers=FORM,
        )

    def new_customer(self, **fields: str) -> str:
        fields.setdefault("customerOrganizationalForm", "P")
        fields.setdefault("firstName", "Anna")
        fields.setdefault("surName", self.unique("Svensson"))
        if fields["customerOrganizationalForm"] == "C":
            subject = fields["name"]
        else:
            subject = f"{fields['firstName']} {fields['surName']}"
        answer = self.put("newCustomerSubmit", {"key": v2_key(subject)}, fields)
        result, customer_id, _ = text(answer)
        assert result == "1", answer.text
        return customer_id

    def new_order(
        self,
        customer_id: str,
        rows: list[dict[str, str]],
        query: dict[str, str] | None = None,
        **header: str,
    ) -> httpx.Response:
        body = {"customerId": customer_id, **header}
        for n, row in enumerate(rows, start=1):
            body.update({f"{name}_{n}": value for name, value in row.items()})
        return self.put("newOrderSubmit", {"key": v2_key(customer_id), **(query or {})}, body)

    def get(self, action: str, subject: str, **query: str) -> httpx.Response:
        """A getInfo.asp read signed over `subject` with the v2 keys."""
        params = {"action": action, "sbmId": SBM, "apiUserId": API_USER, **query}
        params["key"] = v2_key(subject)
        return self.http.get("/getInfo.asp", params=params)

    def invoice(self, order_no: str, key: str | None = None, **query: str) -> httpx.Response:
        params = {"orderId": order_no, "typeInvoice": "S", "key": key or v2_key(order_no)}
        return self.put("newInvoiceSubmit", {**params, **query})


def today() -> str:
    return datetime.now(UTC).date().isoformat()


def text(response: httpx.Response) -> tuple[str, str, str]:
    """`result;id;message` of a text-mode answer, decoded as the Latin-1 it is declared to be."""
    assert response.status_code == 200
    assert response.headers["content-type"].lower() == "text/plain; charset=iso-8859-1"
    result, id_, message = response.content.decode("latin-1").split(";", 2)
    return result, id_, message


class SwappableApp:
    """One server for the module; each test gets a fresh sandbox behind it (fresh registers)."""

    def __init__(self) -> None:
        self.app = None

    async def __call__(self, scope, receive, send) -> None:
        await self.app(scope, receive, send)


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[SwappableApp, str]]:
    swappable = SwappableApp()
    with BackgroundServer(swappable) as server:
        yield swappable, server.url


def make_sandbox() -> SpecterSandbox:
    accounts = [
        AccountSpec(
            sbm_id=SBM,
            api_user_id=API_USER,
            api_user_key=API_USER_KEY,
            integration_key=INTEGRATION_KEY,
            md5_key1=MD5_KEY1,
            md5_key2=MD5_KEY2,
            webshops=[
                WebshopSpec(webshop_id="1", name="Svensk butik"),
                WebshopSpec(webshop_id="2", name="English store"),
            ],
            missing_articles=(MISSING_SKU,),
        ),
        AccountSpec(
            sbm_id=V2_ONLY_SBM,
            api_user_id="9",
            api_user_key="other-user",
            integration_key="other-integration",
            articles=[{"articleNo": "A1", "name": "Artikel", "priceExclVAT": 10, "vatPercent": 25}],
        ),
    ]
    return SpecterSandbox(accounts, admin_prefix=ADMIN)


@pytest.fixture
def specter(served: tuple[SwappableApp, str]) -> Iterator[Specter]:
    swappable, url = served
    sandbox = make_sandbox()
    swappable.app = sandbox.app
    with httpx.Client(base_url=url, timeout=5) as http:
        yield Specter(sandbox, http, url, itertools.count(1))


ROW = {"articleNo": HOODIE, "articleName": "Hoodie", "priceExclVAT": "41.6", "noOfItems": "1"}


# -- keys --------------------------------------------------------------------------------------
def test_v2_key_creates_customer_with_sequential_ids(specter: Specter) -> None:
    first = specter.new_customer(firstName="Anna", surName="Berg", emailAddress="anna@example.se")
    second = specter.new_customer(firstName="Per", surName="Lind", emailAddress="per@example.se")

    assert int(second) == int(first) + 1
    stored = specter.state.customers[first]
    assert stored["customerId"] == first
    assert (stored["firstName"], stored["surName"]) == ("Anna", "Berg")
    assert stored["emailAddress"] == "anna@example.se"


def test_v1_key_accepted_when_account_has_v1_keys(specter: Specter) -> None:
    body = {"customerOrganizationalForm": "C", "name": "Berg  & Son AB", "orgNo": "556000-0001"}
    # Double spaces in the name are collapsed before signing.
    answer = specter.http.post(
        "/putInfo.asp?"
        + urlencode(
            {
                "action": "newCustomerSubmit",
                "sbmId": SBM,
                "useXML": "1",
                "key": v1_key("Berg & Son AB"),
            }
        ),
        content=latin1_form(body),
        headers=FORM,
    )
    result, customer_id, _ = text(answer)
    assert result == "1"
    assert specter.state.customers[customer_id]["name"] == "Berg  & Son AB"


def test_wrong_key_unknown_account_or_user_refused_with_code_10(specter: Specter) -> None:
    body = {"firstName": "Eva", "surName": "Ek"}
    wrong_subject = specter.put("newCustomerSubmit", {"key": v2_key("Eva Eke")}, body)
    unknown_user = specter.put(
        "newCustomerSubmit", {"key": v2_key("Eva Ek"), "apiUserId": "8"}, body
    )
    unknown_sbm = specter.put(
        "newCustomerSubmit", {"key": v2_key("Eva Ek", "9999"), "sbmId": "9999"}, body
    )
    # The v2-only account does not take v1 keys.
    v1_on_v2_account = specter.put(
        "newCustomerSubmit",
        {"key": v1_key("Eva Ek", V2_ONLY_SBM), "sbmId": V2_ONLY_SBM, "apiUserId": "9"},
        body,
    )

    for answer in (wrong_subject, unknown_user, unknown_sbm, v1_on_v2_account):
        assert text(answer) == ("0", "10", "Invalid key")
    assert specter.state.customers == {}
    assert specter.sandbox.account(V2_ONLY_SBM).customers == {}


def test_key_is_md5_over_latin1_bytes(specter: Specter) -> None:
    body = {"firstName": "Åsa", "surName": "Öström"}
    utf8_key = hashlib.md5(
        (
            INTEGRATION_KEY + hashlib.md5(f"{API_USER_KEY}{SBM}Åsa Öström".encode()).hexdigest()
        ).encode()
    ).hexdigest()

    refused = specter.put("newCustomerSubmit", {"key": utf8_key}, body)
    accepted = specter.put("newCustomerSubmit", {"key": v2_key("Åsa Öström")}, body)

    assert text(refused)[:2] == ("0", "10")
    assert text(accepted)[0] == "1"


# -- paths, actions, encoding ------------------------------------------------------------------
def test_paths_and_action_names_are_case_insensitive(specter: Specter) -> None:
    customer_id = specter.new_customer()
    query = urlencode(
        {
            "Action": "NEWORDERSUBMIT",
            "SBMID": SBM,
            "apiUserId": API_USER,
            "Key": v2_key(customer_id),
        }
    )
    body = latin1_form({"customerId": customer_id, "articleNo_1": BAG, "noOfItems_1": "1"})

    answer = specter.http.post(f"/PUTINFO.ASP?{query}", content=body, headers=FORM)

    result, order_no, message = text(answer)
    assert (result, message) == ("1", "Order created")
    assert specter.state.orders[order_no]["rows"][0]["articleNo"] == BAG


def test_unknown_action_and_write_on_getinfo_answer_code_50(specter: Specter) -> None:
    unknown = specter.http.get("/putInfo.asp", params={"action": "frobnicate", "sbmId": SBM})
    on_getinfo = specter.http.get("/getinfo.asp", params={"action": "newOrderSubmit", "sbmId": SBM})
    elsewhere = specter.http.get("/index.asp")

    assert text(unknown) == ("0", "50", "Field 'action' unknown action 'frobnicate'")
    assert text(on_getinfo)[:2] == ("0", "50")
    assert elsewhere.status_code == 404


def test_latin1_body_decoded_and_answer_latin1(specter: Specter) -> None:
    customer_id = specter.new_customer(
        firstName="Åsa", surName="Öström", city="Malmö", address="Storgatan 1 ¤ä"
    )
    stored = specter.state.customers[customer_id]
    assert (stored["firstName"], stored["surName"]) == ("Åsa", "Öström")
    assert stored["city"] == "Malmö"
    assert stored["address"] == "Storgatan 1 ¤ä"

    unknown_article = "Åre-mössa"
    answer = specter.new_order(customer_id, [{"articleNo": unknown_article, "noOfItems": "1"}])
    # The article number comes back in the answer as Latin-1 bytes (å = 0xE5, ö = 0xF6).
    assert "Åre-mössa".encode("latin-1") in answer.content
    assert text(answer) == ("0", "30", "Article 'Åre-mössa' does not exist")


def test_raw_latin1_bytes_in_body_are_decoded(specter: Specter) -> None:
    # A body with %E4 escapes and a raw 0xF6 byte both mean Latin-1 characters.
    customer_id = specter.new_customer()
    body = b"customerId=" + customer_id.encode() + b"&articleNo_1=" + BAG.encode()
    body += b"&noOfItems_1=1&articleName_1=V%E4ska+f\xf6r+gym"
    query = urlencode(
        {
            "action": "newOrderSubmit",
            "sbmId": SBM,
            "apiUserId": API_USER,
            "key": v2_key(customer_id),
        }
    )
    result, order_no, _ = text(
        specter.http.post(f"/putInfo.asp?{query}", content=body, headers=FORM)
    )

    assert result == "1"
    assert specter.state.orders[order_no]["rows"][0]["articleName"] == "Väska för gym"


# -- customers ---------------------------------------------------------------------------------
def test_customer_matched_on_email_then_org_no(specter: Specter) -> None:
    company = specter.new_customer(
        customerOrganizationalForm="C",
        name="Acme AB",
        emailAddress="order@acme.se",
        orgNo="556677-8899",
    )

    by_email = specter.new_customer(emailAddress="ORDER@Acme.se", orgNo="000000-0000")
    by_org_no = specter.new_customer(emailAddress="someone@else.se", orgNo="556677-8899")
    stranger = specter.new_customer(emailAddress="someone@else.se", orgNo="111111-1111")

    assert by_email == company
    assert by_org_no == company
    assert stranger != company
    assert len(specter.state.customers) == 2


def test_ignore_flags_switch_matching_off(specter: Specter) -> None:
    original = specter.new_customer(emailAddress="kim@example.se", orgNo="19800101-1234")

    email_off_org_matches = specter.new_customer(
        emailAddress="kim@example.se", orgNo="19800101-1234", ignoreControlEmail="1"
    )
    email_off_org_differs = specter.new_customer(
        emailAddress="kim@example.se", orgNo="19900101-0000", ignoreControlEmail="1"
    )
    org_off_email_matches = specter.new_customer(
        emailAddress="kim@example.se", orgNo="19800101-1234", ignoreControlOrgNo="1"
    )
    both_off = specter.new_customer(
        emailAddress="kim@example.se",
        orgNo="19800101-1234",
        ignoreControlEmail="1",
        ignoreControlOrgNo="1",
    )

    assert email_off_org_matches == original
    assert email_off_org_differs != original
    assert org_off_email_matches == original
    assert both_off not in (original, email_off_org_differs)


def test_force_customer_update_replaces_fields_only_when_set(specter: Specter) -> None:
    customer_id = specter.new_customer(
        firstName="Lena", surName="Holm", emailAddress="lena@example.se", city="Lund"
    )

    kept = specter.new_customer(
        firstName="Lena", surName="Holm", emailAddress="lena@example.se", city="Umeå"
    )
    assert kept == customer_id
    assert specter.state.customers[customer_id]["city"] == "Lund"

    updated = specter.new_customer(
        firstName="Lena",
        surName="Holm",
        emailAddress="lena@example.se",
        city="Umeå",
        forceCustomerUpdate="1",
    )
    assert updated == customer_id
    assert specter.state.customers[customer_id]["city"] == "Umeå"


# -- orders ------------------------------------------------------------------------------------
def test_numbered_rows_with_decimal_comma_and_pseudo_articles(specter: Specter) -> None:
    customer_id = specter.new_customer()
    rows = [
        {"articleNo": HOODIE, "priceExclVAT": "41,6", "noOfItems": "2", "vatPercent": "25"},
        {"articleNo": BAG, "priceExclVAT": "27.2", "noOfItems": "1,5", "articleComment": "Gåva"},
        {"articleNo": "FRAKT", "articleName": "Frakt", "priceExclVAT": "39,2", "noOfItems": "1"},
        {"articleNo": "RABATT", "articleName": "Rabatt", "priceExclVAT": "-10", "noOfItems": "1"},
    ]

    result, order_no, message = text(
        specter.new_order(customer_id, rows, externalOrderNo="100000001", currency="SEK")
    )

    assert (result, message) == ("1", "Order created")
    order = specter.state.orders[order_no]
    assert order["customerId"] == customer_id
    assert order["externalOrderNo"] == "100000001"
    assert order["currency"] == "SEK"
    assert order["statusId"] == "1"
    assert order["invoiceNo"] is None
    stored = [(r["articleNo"], r["priceExclVAT"], r["noOfItems"]) for r in order["rows"]]
    assert stored == [
        (HOODIE, Decimal("41.6"), 2),
        (BAG, Decimal("27.2"), Decimal("1.5")),
        ("FRAKT", Decimal("39.2"), 1),
        ("RABATT", Decimal("-10"), 1),
    ]
    assert order["rows"][1]["articleComment"] == "Gåva"


def test_rows_stop_at_first_missing_number(specter: Specter) -> None:
    customer_id = specter.new_customer()
    body = {
        "customerId": customer_id,
        "articleNo_1": HOODIE,
        "noOfItems_1": "1",
        "articleNo_2": BAG,
        "noOfItems_2": "1",
        "articleNo_4": "FRAKT",
        "noOfItems_4": "1",
    }
    answer = specter.put("newOrderSubmit", {"key": v2_key(customer_id)}, body)

    order = specter.state.orders[text(answer)[1]]
    assert [row["articleNo"] for row in order["rows"]] == [HOODIE, BAG]


def test_order_draws_stock_down(specter: Specter) -> None:
    customer_id = specter.new_customer()
    before = specter.state.articles[HOODIE]["stock"]

    specter.new_order(
        customer_id, [{**ROW, "noOfItems": "3"}, {"articleNo": "FRAKT", "noOfItems": "1"}]
    )
    specter.new_order(customer_id, [{**ROW, "noOfItems": "2"}])

    assert specter.state.articles[HOODIE]["stock"] == before - 5


def test_order_validation_codes_and_nothing_written_on_refusal(specter: Specter) -> None:
    customer_id = specter.new_customer()
    stock_before = specter.state.articles[HOODIE]["stock"]

    unknown_customer = specter.put(
        "newOrderSubmit", {"key": v2_key("99999")}, {"customerId": "99999", "articleNo_1": HOODIE}
    )
    no_rows = specter.new_order(customer_id, [])
    not_numeric = specter.new_order(customer_id, [ROW, {"articleNo": BAG, "noOfItems": "two"}])
    unknown_article = specter.new_order(
        customer_id,
        [ROW, {"articleNo": MISSING_SKU, "noOfItems": "1"}, {"articleNo": "X", "noOfItems": "1"}],
    )

    assert text(unknown_customer) == ("0", "20", "Customer '99999' does not exist")
    assert text(no_rows)[:2] == ("0", "50")
    result, code, message = text(not_numeric)
    assert (result, code) == ("0", "50")
    assert "noOfItems_2" in message
    # The first unknown article is the one named.
    assert text(unknown_article) == ("0", "30", f"Article '{MISSING_SKU}' does not exist")
    assert specter.state.orders == {}
    assert specter.state.articles[HOODIE]["stock"] == stock_before


def test_discount_and_freight_rows_need_their_articles(
    served: tuple[SwappableApp, str],
) -> None:
    swappable, url = served
    sandbox = SpecterSandbox(
        [
            AccountSpec(
                sbm_id=SBM,
                api_user_id=API_USER,
                api_user_key=API_USER_KEY,
                integration_key=INTEGRATION_KEY,
                extra_articles=(("FRAKT", "Frakt", 25),),
            )
        ]
    )
    swappable.app = sandbox.app
    with httpx.Client(base_url=url) as http:
        other = Specter(sandbox, http, url, itertools.count(1))
        customer_id = other.new_customer()
        discount = {"articleNo": "RABATT", "priceExclVAT": "-5", "noOfItems": "1"}
        answer = other.new_order(customer_id, [ROW, discount])

    assert text(answer) == ("0", "30", "Article 'RABATT' does not exist")


def test_duplicate_external_order_no_names_existing_order(specter: Specter) -> None:
    customer_id = specter.new_customer()
    _, first, _ = text(specter.new_order(customer_id, [ROW], externalOrderNo="WEB-7"))

    duplicate = specter.new_order(customer_id, [ROW], externalOrderNo="WEB-7")
    forced = specter.new_order(
        customer_id, [ROW], externalOrderNo="WEB-7", ignoreExternalOrderNoControl="1"
    )
    no_external = [text(specter.new_order(customer_id, [ROW]))[0] for _ in range(2)]

    assert text(duplicate) == (
        "0",
        "40",
        f"Order with externalOrderNo 'WEB-7' already exists: orderNo {first}",
    )
    assert text(forced)[0] == "1"
    assert no_external == ["1", "1"]
    assert len(specter.state.orders_by_external_no("WEB-7")) == 2


def test_webshop_id_selects_shop_and_scopes_external_order_no(specter: Specter) -> None:
    customer_id = specter.new_customer()

    default_shop = text(specter.new_order(customer_id, [ROW], externalOrderNo="A-1"))
    english = text(specter.new_order(customer_id, [ROW], {"webshopId": "2"}, externalOrderNo="A-1"))
    unknown = text(specter.new_order(customer_id, [ROW], {"webshopId": "3"}, externalOrderNo="A-2"))
    swedish_again = text(
        specter.new_order(customer_id, [ROW], {"webshopId": "1"}, externalOrderNo="A-1")
    )

    assert specter.state.orders[default_shop[1]]["webshopId"] == "1"
    assert english[0] == "1"
    assert specter.state.orders[english[1]]["webshopId"] == "2"
    assert unknown[:2] == ("0", "50")
    assert "webshopId" in unknown[2]
    assert swedish_again[:2] == ("0", "40")


def test_order_accepted_as_get_query(specter: Specter) -> None:
    customer_id = specter.new_customer()
    params = {
        "action": "newOrderSubmit",
        "sbmId": SBM,
        "apiUserId": API_USER,
        "useXml": "1",
        "key": v2_key(customer_id),
        "customerId": customer_id,
        "articleNo_1": BAG,
        "noOfItems_1": "2",
    }
    result, order_no, _ = text(specter.http.get("/putInfo.asp", params=params))

    assert result == "1"
    assert specter.state.orders[order_no]["rows"][0]["noOfItems"] == 2


# -- invoices ----------------------------------------------------------------------------------
def test_invoice_once_then_41_and_unknown_order_42(specter: Specter) -> None:
    customer_id = specter.new_customer()
    _, order_no, _ = text(specter.new_order(customer_id, [ROW]))

    first = text(specter.invoice(order_no))
    again = text(specter.invoice(order_no))
    unknown = text(specter.invoice("49999"))
    wrong_subject = text(specter.invoice(order_no, key=v2_key(customer_id)))

    assert (first[0], first[2]) == ("1", "Invoice created")
    invoice_no = first[1]
    assert specter.state.orders[order_no]["invoiceNo"] == invoice_no
    stored = specter.state.invoices[invoice_no]
    assert (stored["invoiceNo"], stored["orderNo"], stored["typeInvoice"]) == (
        invoice_no,
        order_no,
        "S",
    )
    # An invoice the web shop asked for: its source is the web shop, not yet paid.
    assert (stored["source"], stored["paid"], stored["paidDate"]) == ("webshop", False, None)
    assert again == (
        "0",
        "41",
        f"Order {order_no} has nothing left to invoice: invoiceNo {invoice_no}",
    )
    assert unknown == ("0", "42", "Order '49999' does not exist")
    assert wrong_subject[:2] == ("0", "10")


# -- XML mode ----------------------------------------------------------------------------------
def test_xml_mode_answers(specter: Specter) -> None:
    customer_id = specter.new_customer()

    ok = specter.new_order(customer_id, [ROW], {"useXML": "2"}, externalOrderNo="X-1")
    duplicate = specter.new_order(customer_id, [ROW], {"useXML": "2"}, externalOrderNo="X-1")

    assert ok.status_code == duplicate.status_code == 200
    assert "iso-8859-1" in ok.headers["content-type"].lower()
    success = ET.fromstring(ok.content)
    assert success.tag == "APIresponse"
    assert success.findtext("result") == "1"
    assert success.findtext("id") in specter.state.orders
    failure = ET.fromstring(duplicate.content)
    assert failure.findtext("code") == "40"
    assert success.findtext("id") in failure.findtext("message")
    assert failure.find("result") is None


# -- faults ------------------------------------------------------------------------------------
def test_lost_answer_commits_order_caller_times_out(specter: Specter) -> None:
    added = specter.http.post(
        f"{ADMIN}/faults",
        json={"kind": "lost_answer", "match": "newOrderSubmit", "seconds": 1.0, "count": 1},
    )
    assert added.status_code == 201
    customer_id = specter.new_customer()

    with pytest.raises(httpx.TimeoutException):
        specter.http.post(
            "/putInfo.asp?"
            + urlencode(
                {
                    "action": "newOrderSubmit",
                    "sbmId": SBM,
                    "apiUserId": API_USER,
                    "key": v2_key(customer_id),
                }
            ),
            content=latin1_form(
                {
                    "customerId": customer_id,
                    "externalOrderNo": "LOST-1",
                    "articleNo_1": HOODIE,
                    "noOfItems_1": "1",
                }
            ),
            headers=FORM,
            timeout=0.3,
        )

    committed = specter.http.get(
        f"{ADMIN}/specter/{SBM}/orders", params={"externalOrderNo": "LOST-1"}
    )
    assert [order["externalOrderNo"] for order in committed.json()] == ["LOST-1"]
    retry = text(specter.new_order(customer_id, [ROW], externalOrderNo="LOST-1"))
    assert retry[:2] == ("0", "40")
    assert retry[2].endswith(f"orderNo {committed.json()[0]['orderNo']}")


# -- seeding, admin, write log -----------------------------------------------------------------
def test_register_seeded_from_luma_with_pseudo_articles(specter: Specter) -> None:
    articles = specter.state.articles
    assert articles[HOODIE]["name"] == "Chaz Kangeroo Hoodie-XS-Black"
    assert MISSING_SKU not in articles
    assert "MH01" not in articles  # a configurable parent is no article; its variants are
    assert {"FRAKT", "RABATT"} <= set(articles)
    # and the order flow's pseudo articles: freight, discount, gift card, store credit, reward
    # points, gift wrapping, fee
    assert specter.sandbox.account(V2_ONLY_SBM).articles.keys() == {
        "A1",
        "FRAKT",
        "RABATT",
        "PRESENTKORT",
        "TILLGODO",
        "BONUS",
        "INSLAGNING",
        "AVGIFT",
    }


def test_admin_routes_inspect_and_change_the_register(specter: Specter) -> None:
    base = f"{ADMIN}/specter/{SBM}"
    customer_id = specter.new_customer(emailAddress="admin@example.se")

    added = specter.http.post(
        f"{base}/articles",
        json={
            "articleNo": MISSING_SKU,
            "name": "Strive Shoulder Pack",
            "priceExclVAT": "25.6",
            "vatPercent": 25,
        },
    )
    assert added.status_code == 201
    order = text(specter.new_order(customer_id, [{"articleNo": MISSING_SKU, "noOfItems": "1"}]))
    assert order[0] == "1"
    _, invoice_no, _ = text(specter.invoice(order[1]))

    customers = specter.http.get(f"{base}/customers").json()
    orders = specter.http.get(f"{base}/orders").json()
    invoices = specter.http.get(f"{base}/invoices").json()
    articles = {a["articleNo"]: a for a in specter.http.get(f"{base}/articles").json()}
    assert [c["emailAddress"] for c in customers] == ["admin@example.se"]
    assert orders[0]["rows"][0]["articleNo"] == MISSING_SKU
    # Rows without a price take the register's price.
    assert Decimal(orders[0]["rows"][0]["priceExclVAT"]) == Decimal("25.6")
    assert [(i["invoiceNo"], i["orderNo"], i["typeInvoice"]) for i in invoices] == [
        (invoice_no, order[1], "S")
    ]
    assert Decimal(articles[HOODIE]["stock"]) == specter.state.articles[HOODIE]["stock"]

    assert specter.http.delete(f"{base}/articles/{BAG}").status_code == 200
    refused = text(specter.new_order(customer_id, [{"articleNo": BAG, "noOfItems": "1"}]))
    assert refused[:2] == ("0", "30")
    assert specter.http.get(f"{ADMIN}/specter/9999/orders").status_code == 404
    assert specter.http.delete(f"{base}/articles/NOPE").status_code == 404


def test_write_log_holds_accepted_writes_only(specter: Specter) -> None:
    customer_id = specter.new_customer()
    _, order_no, _ = text(specter.new_order(customer_id, [ROW], externalOrderNo="LOG-1"))
    specter.new_order(customer_id, [ROW], externalOrderNo="LOG-1")  # refused: duplicate
    specter.invoice(order_no)
    specter.new_customer(emailAddress="", firstName="X")  # another customer

    actions = [action for action, _ in specter.state.write_log]
    assert actions == [
        "newCustomerSubmit",
        "newOrderSubmit",
        "newInvoiceSubmit",
        "newCustomerSubmit",
    ]
    assert specter.state.write_log[1][1]["externalOrderNo"] == "LOG-1"
