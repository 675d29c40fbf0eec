"""The whole Specter protocol against the Specter sandbox: articles, deliveries, PDF links,
callbacks, the change queues with error-99 recovery and lost answers, and the assumed reads."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from magspec_pipelines.specter.callbacks import (
    CALLBACK_OK,
    InvoiceCreated,
    OrderRemoved,
    callback_query,
    callback_template,
    parse_callback,
)
from magspec_pipelines.specter.client import SpecterClient, SpecterCredentials
from magspec_pipelines.specter.errors import (
    SpecterInvalidArticleNo,
    SpecterInvoiceNotFound,
    SpecterOrderNotFound,
    SpecterUnsupported,
    SpecterValidationError,
)
from magspec_pipelines.specter.models import (
    SpecterArticle,
    SpecterCustomer,
    SpecterOrder,
    SpecterOrderRow,
)
from magspec_pipelines.specter.pricelist_file import parse_price_list_export
from magspec_pipelines.specter.queues import Batch, QueueKind
from magspec_pipelines_tests.specter.test_wire import CREDS, no_wait
from magspec_sandbox.server import BackgroundServer
from magspec_sandbox.specter import AccountSpec, SpecterSandbox, StockSiteSpec

ARTICLES = [
    {"articleNo": "MH01-XS-Black", "name": "Luvtröja Svart XS", "priceExclVAT": "52", "vatPercent": 25, "stock": 10},
    {"articleNo": "MH01-S-Black", "name": "Luvtröja Svart S", "priceExclVAT": "52", "vatPercent": 25, "stock": 4},
    {"articleNo": "24-MB01", "name": "Väska", "priceExclVAT": "272.50", "vatPercent": 25, "stock": 3},
]  # fmt: skip


@dataclass
class World:
    sandbox: SpecterSandbox
    url: str

    @property
    def account(self) -> Any:
        return self.sandbox.account("1001")

    def client(self, creds: SpecterCredentials = CREDS, **kwargs: Any) -> SpecterClient:
        options: dict[str, Any] = {"timeout": 5.0, "retry": no_wait()} | kwargs
        return SpecterClient(self.url, creds, **options)


def spec(**overrides: Any) -> AccountSpec:
    fields: dict[str, Any] = {
        "sbm_id": "1001",
        "api_user_id": "7",
        "api_user_key": "k1",
        "integration_key": "k2",
        "md5_key1": "v1a",
        "md5_key2": "v1b",
        "articles": ARTICLES,
        "initial_changes": False,
        "stock_sites": (StockSiteSpec("1", "Huvudlager", True), StockSiteSpec("2", "Lager Malmö")),
        "callback_first_wait_seconds": 0.01,
    } | overrides
    return AccountSpec(**fields)


@pytest.fixture
def world() -> Iterator[World]:
    sandbox = SpecterSandbox(
        [spec(), spec(sbm_id="1002", assumed_reads=False, response_max_limit=2)]
    )
    with BackgroundServer(sandbox.app) as server:
        yield World(sandbox, server.url)


def place_order(client: SpecterClient, external: str = "WEB-1") -> str:
    customer_id = client.submit_customer(
        SpecterCustomer(
            customerOrganizationalForm="P",
            firstName="Åsa",
            surName="Öberg",
            emailAddress=f"{external}@example.se",
        )
    )
    rows = [
        SpecterOrderRow(articleNo="MH01-XS-Black", priceExclVAT=Decimal(52), noOfItems=3, vatPercent=25),
        SpecterOrderRow(articleNo="24-MB01", priceExclVAT=Decimal(272), noOfItems=1, vatPercent=25),
    ]  # fmt: skip
    order = SpecterOrder(customerId=customer_id, externalOrderNo=external, rows=rows)
    return client.submit_order(order, webshop_id="1")


def drained(client: SpecterClient, kind: QueueKind) -> list[Any]:
    items: list[Any] = []
    client.drain(kind, lambda batch: items.extend(batch.items))
    return items


# -- articles ------------------------------------------------------------------------------------
def test_250_articles_are_saved_in_three_calls_with_their_latin1_names(world: World) -> None:
    articles = [
        SpecterArticle(
            articleNo=f"NY-{n:03d}",
            name=f"Tröja {n} – 10 € 😀",
            priceExclVAT=Decimal("99.5"),
            vatPercent=25,
            noItemsInStock=Decimal(5),
        )
        for n in range(250)
    ]
    with world.client() as client:
        assert client.submit_articles(articles) == 250
        assert client.stats.by_endpoint()["newArticleSubmit"].requests == 3
        changes = {c.article_no: c for c in drained(client, QueueKind.ARTICLES)}
    stored = world.account.articles["NY-007"]
    assert stored["name"] == "Tröja 7 - 10 EUR ?"
    assert changes["NY-249"].name == "Tröja 249 - 10 EUR ?"
    assert changes["NY-007"].price_excl_vat == Decimal("99.5")


def test_a_variant_keeps_its_parent_and_attributes_through_the_round_trip(world: World) -> None:
    variant = SpecterArticle(
        articleNo="MH02-M-Rod",
        name="Tröja Röd M",
        priceExclVAT=Decimal("1099.5"),
        buyPrice=Decimal("12.5"),
        productWeight=Decimal("0.5"),
        vatPercent=12,
        parentArticleNo="MH02",
        variantAttributes={"size": "M", "color": "Röd"},
    )
    with world.client() as client:
        assert client.submit_articles([variant]) == 1
        (change,) = drained(client, QueueKind.ARTICLES)
    assert change.article_no == "MH02-M-Rod" and change.name == "Tröja Röd M"
    assert change.parent_article_no == "MH02"
    assert change.variant_attributes == {"size": "M", "color": "Röd"}
    assert (change.price_excl_vat, change.buy_price, change.weight, change.vat_percent) == (
        Decimal("1099.5"),
        Decimal("12.5"),
        Decimal("0.5"),
        Decimal(12),
    )


def test_forced_updates_change_data_but_never_stock(world: World) -> None:
    with world.client() as client:
        update = SpecterArticle(articleNo="24-MB01", name="Väska Ny", noItemsInStock=Decimal(99))
        assert client.submit_articles([update], force_update=False) == 0
        assert world.account.articles["24-MB01"]["name"] == "Väska"
        assert client.submit_articles([update]) == 1
        (change,) = drained(client, QueueKind.ARTICLES)
        stock = drained(client, QueueKind.STOCK)
    assert world.account.articles["24-MB01"]["name"] == "Väska Ny"
    assert change.article_no == "24-MB01" and change.name == "Väska Ny"
    assert all(s.article_no != "24-MB01" or s.available == 3 for s in stock)


@pytest.mark.parametrize(
    "bad", ["Väska-1", "A&B", "100%", "¤1", "#1", "MH 01", "MH,01", "A" * 26, "ÅÄÖ"]
)
def test_the_sandbox_refuses_what_the_client_refuses_and_saves_nothing(
    world: World, bad: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = SpecterArticle(articleNo="OK-1", name="ok")
    with world.client() as client:
        with pytest.raises(SpecterInvalidArticleNo) as early:
            client.submit_articles([good, SpecterArticle(articleNo=bad, name="x")])
        assert early.value.code is None and bad in early.value.invalid
        # Without the client's check, Specter's own refusal arrives typed the same way.
        monkeypatch.setattr("magspec_pipelines.specter.client.check_articles", lambda a: None)
        with pytest.raises(SpecterInvalidArticleNo) as late:
            client.submit_articles([good, SpecterArticle(articleNo=bad, name="x")])
    assert late.value.code == 50 and list(late.value.invalid) == [bad]
    assert "OK-1" not in world.account.articles


# -- deliveries, invoices, PDF ----------------------------------------------------------------------
def test_partial_then_full_delivery_travels_back_as_order_and_stock_changes(world: World) -> None:
    with world.client() as client:
        order_no = place_order(client)
        drained(client, QueueKind.ORDERS)
        drained(client, QueueKind.STOCK)
        first = client.submit_delivery(
            order_no,
            rows=[("MH01-XS-Black", 1)],
            tracking_numbers=("JJD0001", "JJD0002"),
            delivery_date=date(2026, 11, 20),
            method="PN",
        )
        (partly,) = drained(client, QueueKind.ORDERS)
        with pytest.raises(SpecterValidationError):
            client.submit_delivery(order_no, rows=[("MH01-XS-Black", 3)])  # only 2 remain
        second = client.submit_delivery(
            order_no, rows=[("MH01-XS-Black", 2), ("24-MB01", 1)], tracking_numbers=("JJD0003",)
        )
        (done,) = drained(client, QueueKind.ORDERS)
        stock = {(s.article_no, s.stock_site_id): s for s in drained(client, QueueKind.STOCK)}
        with pytest.raises(SpecterOrderNotFound):
            client.submit_delivery("59999", rows=[("24-MB01", 1)])
    assert int(second) == int(first) + 1
    assert partly.order_no == order_no and partly.is_partly_delivered and not partly.is_delivered
    assert partly.external_order_no == "WEB-1" and partly.deliveries_updated
    (delivery,) = partly.deliveries
    assert delivery.delivery_no == first and delivery.tracking_numbers == ("JJD0001", "JJD0002")
    assert delivery.date == date(2026, 11, 20) and delivery.method == "PN"
    assert delivery.rows == (("MH01-XS-Black", Decimal(1)),)
    assert done.is_delivered and done.tracking_numbers == ("JJD0001", "JJD0002", "JJD0003")
    assert stock[("MH01-XS-Black", "1")].on_hand == 7  # 10 - 3 delivered
    assert stock[("MH01-XS-Black", "1")].available == 7  # nothing reserved any more
    assert stock[("24-MB01", "1")].available == 2


def test_invoice_pdf_link_leads_to_the_pdf(world: World) -> None:
    with world.client() as client:
        invoice_no = client.submit_invoice(place_order(client))
        link = client.invoice_pdf_link(invoice_no)
        with pytest.raises(SpecterInvoiceNotFound) as unknown:
            client.invoice_pdf_link("79999")
    assert unknown.value.invoice_no == "79999"
    assert httpx.get(link).content.startswith(b"%PDF")


def test_cancel_and_payment_arrive_as_order_changes(world: World) -> None:
    with world.client() as client:
        paid_no, cancelled_no = place_order(client, "P-1"), place_order(client, "C-1")
        invoice_no = client.submit_invoice(paid_no)
        world.account.mark_paid(invoice_no, date(2026, 11, 26))
        world.account.cancel(cancelled_no)
        changes = {c.order_no: c for c in drained(client, QueueKind.ORDERS)}
        status = client.invoice_status(invoice_no)
    assert changes[paid_no].paid is True and changes[paid_no].invoice_no == invoice_no
    assert changes[cancelled_no].is_cancelled and not changes[paid_no].is_cancelled
    assert status.paid and status.order_no == paid_no and status.paid_date == date(2026, 11, 26)


# -- callbacks ------------------------------------------------------------------------------------
class Receiver:
    """The shop's callback endpoint: records each call's parsed event, answers `1;Done`."""

    def __init__(self) -> None:
        self.events: list[Any] = []
        self.arrived = threading.Event()
        self.app = Starlette(routes=[Route("/cb/{kind}", self.handle, methods=["GET", "POST"])])

    async def handle(self, request: Request) -> PlainTextResponse:
        query = callback_query(request.scope["query_string"])
        event = parse_callback(request.path_params["kind"], query, secret="hemlig-å")
        self.events.append(event)
        self.arrived.set()
        return PlainTextResponse(CALLBACK_OK)


def test_registered_callbacks_are_called_and_parse_into_events(world: World) -> None:
    receiver = Receiver()
    with BackgroundServer(receiver.app) as shop, world.client() as client:
        client.register_callbacks(
            new_invoice=callback_template(f"{shop.url}/cb/new_invoice", "new_invoice", pskey="hemlig-å"),
            remove_order=callback_template(f"{shop.url}/cb/remove_order", "remove_order", pskey="hemlig-å"),
        )  # fmt: skip
        order_no = place_order(client)
        invoice_no = client.submit_invoice(order_no)
        other = place_order(client, "WEB-2")
        world.account.cancel(other)
        assert world.account.callbacks.wait_idle(5.0)
    assert InvoiceCreated(invoice_no, "webshop", order_no) in receiver.events
    assert OrderRemoved(other) in receiver.events


# -- change queues --------------------------------------------------------------------------------
def test_error_99_recovery_returns_the_open_batch_nothing_lost_or_doubled(world: World) -> None:
    account = world.account
    account.set_stock("MH01-XS-Black", Decimal(20))
    account.set_stock("24-MB01", Decimal(8), "2")
    with world.client() as client:
        first = client.stock_changes()
    # ...the run crashed before staging. A change made after the fetch must not be lost.
    account.set_stock("MH01-S-Black", Decimal(1))
    staged: list[tuple[str, str | None, Decimal]] = []

    def stage(batch: Batch[Any]) -> None:
        staged.extend((s.article_no, s.stock_site_id, s.available) for s in batch.items)

    with world.client() as client:
        again = client.stock_changes()
        assert again.recovered and again.batch_no == first.batch_no
        assert again.items == first.items
        stage(again)
        client.ack(again)
        result = client.drain(QueueKind.STOCK, stage)
    assert result.batches == 1 and not result.more
    assert sorted(staged) == [
        ("24-MB01", "2", Decimal(8)),
        ("MH01-S-Black", "1", Decimal(1)),
        ("MH01-XS-Black", "1", Decimal(20)),
    ]


def test_a_lost_get_answer_is_retried_with_the_same_batch_and_a_lost_ack_repeated(
    world: World,
) -> None:
    world.account.set_stock("24-MB01", Decimal(6))
    faults = world.sandbox.faults
    faults.add(kind="lost_answer", match="getArticleExternalNeedUpdate", count=1, seconds=1.0)
    with world.client(timeout=0.3) as client:
        batch = client.stock_changes()
        assert not batch.recovered and [s.article_no for s in batch.items] == ["24-MB01"]
        assert client.stats.retries == 1
        faults.add(kind="lost_answer", match="updateArticlesFromBatch", count=1, seconds=1.0)
        client.ack(batch)
        client.ack(batch)  # once more by the caller: still harmless
        assert client.stock_changes().items == ()


def test_drain_acks_nothing_when_staging_fails(world: World) -> None:
    world.account.patch_article("24-MB01", {"name": "Väska röd ÅÄÖ ½"})
    with world.client() as client:
        with pytest.raises(RuntimeError):
            client.drain(QueueKind.ARTICLES, lambda batch: (_ for _ in ()).throw(RuntimeError()))
        items = drained(client, QueueKind.ARTICLES)
    assert [(a.article_no, a.name) for a in items] == [("24-MB01", "Väska röd ÅÄÖ ½")]


def test_small_batches_drain_in_several_rounds(world: World) -> None:
    with world.client(SpecterCredentials(sbm_id="1002", api_user_id="7", api_user_key="k1", integration_key="k2")) as client:  # fmt: skip
        for article in ARTICLES:
            world.sandbox.account("1002").set_stock(article["articleNo"], Decimal(1))
        sizes: list[int] = []
        result = client.drain(QueueKind.STOCK, lambda b: sizes.append(len(b.items)))
    assert sizes == [2, 1] and result.items == 3


def test_plain_stock_feed_and_resync(world: World) -> None:
    with world.client() as client:
        assert client.stock_changes(multiple_stock_sites=False).items == ()
        client.clear_stock_batch()
        open_batch = client.stock_changes(multiple_stock_sites=False)
        recovered = client.stock_changes(multiple_stock_sites=False)  # 99 in text mode
        assert recovered.recovered and recovered.batch_no == open_batch.batch_no
        assert recovered.items == open_batch.items
        client.clear_stock_batch()  # drops the open batch: no 99 for a new number
        batch = client.stock_changes(multiple_stock_sites=False)
        assert not batch.recovered and batch.batch_no != open_batch.batch_no
        client.ack(batch)
    by_article = {s.article_no: s.available for s in batch.items}
    assert by_article["MH01-XS-Black"] == 10 and by_article["24-MB01"] == 3
    assert all(s.stock_site_id is None for s in batch.items)


# -- assumed reads ----------------------------------------------------------------------------------
def test_assumed_reads_and_the_price_list_file_agree(world: World) -> None:
    with world.client() as client:
        sites = client.stock_sites()
        shops = client.webshops()
        lists = client.price_lists()
        modules = {m.code: m.active for m in client.account_modules()}
        prices = {
            list_.price_list_id: client.price_list_prices(list_.price_list_id) for list_ in lists
        }
    assert [(s.stock_site_id, s.name, s.is_default) for s in sites] == [
        ("1", "Huvudlager", True),
        ("2", "Lager Malmö", False),
    ]
    assert shops[0].webshop_id == "1" and shops[0].price_list_id == "1"
    assert any(pl.name == "Återförsäljare" and pl.customer_group_ids for pl in lists)
    assert modules["ORDER"] and modules["WEBSHOP"] and not modules["BOOKKEEPING"]
    tiers = [p for p in prices["2"] if p.article_no == "24-MB01"]
    assert len(tiers) == 2 and tiers[0].from_quantity < tiers[1].from_quantity
    assert tiers[1].price_excl_vat < tiers[0].price_excl_vat
    for list_id, read in prices.items():
        exported = parse_price_list_export(world.account.export_price_list(list_id))
        assert [(p.article_no, p.from_quantity, p.price_excl_vat) for p in exported] == [
            (p.article_no, p.from_quantity, p.price_excl_vat) for p in read
        ]
        assert {p.price_list_id for p in exported} == {list_id}


def test_an_account_without_the_assumed_reads_raises_unsupported(world: World) -> None:
    creds = SpecterCredentials(
        sbm_id="1002", api_user_id="7", api_user_key="k1", integration_key="k2"
    )
    with world.client(creds) as client:
        for read in (
            client.stock_sites,
            client.webshops,
            client.price_lists,
            client.account_modules,
            lambda: client.price_list_prices("1"),
            lambda: client.invoice_status("70001"),
        ):
            with pytest.raises(SpecterUnsupported):
                read()


def test_api_v1_keys_sign_reads_and_queues(world: World) -> None:
    v1 = SpecterCredentials(sbm_id="1001", md5_key1="v1a", md5_key2="v1b", api_version=1)
    with world.client(v1) as client:
        assert client.stock_sites()
        client.clear_stock_batch()
        assert client.drain(QueueKind.STOCK, lambda batch: None).items >= len(ARTICLES)
