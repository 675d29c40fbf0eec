"""Change queues against a scripted Specter queue: the feeds' formats, error-99 recovery, lost
answers on gets and acks, and drain() acknowledging only what was staged."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from urllib.parse import parse_qsl

import httpx
import pytest

from magspec_pipelines.specter.client import SpecterClient
from magspec_pipelines.specter.errors import SpecterError, SpecterOpenBatch, SpecterUnreadable
from magspec_pipelines.specter.queues import Batch, QueueKind
from magspec_pipelines_tests.specter.test_wire import CREDS, Recorder, key, no_wait, params

STOCK_XML = (
    '<?xml version="1.0" encoding="ISO-8859-1"?><stockChanges>'
    "<responseMaxLimit>100</responseMaxLimit>"
    '<stock stockSiteId="1"><articles>'
    "<article><articleNo>MH01-XS-Black</articleNo><noItemsAv>5</noItemsAv><onHand>7</onHand></article>"
    "<article><articleNo>24-MB01</articleNo><noItemsAv>noItemsAvailable</noItemsAv></article>"
    "</articles></stock>"
    '<stock stockSiteId="2"><articles>'
    "<article><articleNo>MH01-XS-Black</articleNo><noItemsAv>2,5</noItemsAv></article>"
    "</articles></stock></stockChanges>"
)
ARTICLES_XML = (
    '<?xml version="1.0" encoding="ISO-8859-1"?><articles><responseMaxLimit>2</responseMaxLimit>'
    '<article buyPrice="12,50" priceExclVat="1 099,00" barCode="7350000000017" '
    'productWeight="0,500" vatPercent="25" parentArticleNo="MH01" '
    'variantAttributes="size=XS;color=Black"><articleNo>MH01-XS-Black</articleNo>'
    "<name>Luvtröja \x96 Svart ½ \x80</name></article>"
    '<article priceExclVat="99"><articleNo>24-MB01</articleNo><name>Väska</name></article>'
    "</articles>"
)
ORDERS_XML = (
    "<response><orders>"
    '<order orderNo="50001" externalOrderNo="100000041" invoiceNo="70001">'
    '<orderstatus deliveryStatus="D" statusId="1" paid="0"/><deliveries updated="1">'
    '<delivery deliveryNo="90001" trackingNo="JJD0001,JJD0002" deliveryDate="2026-11-27" '
    'deliveryMethod="PN"><row articleNo="MH01-XS-Black" noOfItems="2"/></delivery>'
    '<delivery deliveryNo="90002" trackingNo="JJD0003"><row articleNo="24-MB01" '
    'noOfItems="1,0"/></delivery></deliveries></order>'
    '<order orderNo="50002"><orderstatus deliveryStatus="P" statusId="1"/></order>'
    '<order orderNo="50003"><orderstatus deliveryStatus="" statusId="5" paid="1"/>'
    '<deliveries updated="0"/></order>'
    "</orders><moreInfoToFetch>1</moreInfoToFetch></response>"
)


def test_multi_site_stock_is_typed_per_site_with_decimal_commas() -> None:
    recorder = Recorder(STOCK_XML)
    with recorder.client() as client:
        batch = client.stock_changes(batch_no="abc123")
    assert [(c.article_no, c.stock_site_id, c.available, c.on_hand) for c in batch.items] == [
        ("MH01-XS-Black", "1", Decimal(5), Decimal(7)),
        ("24-MB01", "1", Decimal(0), None),
        ("MH01-XS-Black", "2", Decimal("2.5"), None),
    ]
    assert batch.kind is QueueKind.STOCK and batch.batch_no == "abc123"
    assert batch.response_max_limit == 100 and not batch.more and not batch.recovered
    query = params(recorder.last)
    assert query["Action"] == "getArticleExternalNeedUpdate" and query["batchNo"] == "abc123"
    assert query["getMultipleStocksites"] == "1" and query["useXML"] == "2"
    assert query["key"] == key("abc123")


def test_single_site_stock_is_the_plain_cr_separated_feed() -> None:
    recorder = Recorder("11;MH01-XS-Black;5;abc\r12;24-MB01;noItemsAvailable;abc\r13;Å-1;3,5;abc\r")
    with recorder.client() as client:
        batch = client.stock_changes(batch_no="abc", multiple_stock_sites=False)
    assert [(c.article_no, c.stock_site_id, c.available) for c in batch.items] == [
        ("MH01-XS-Black", None, Decimal(5)),
        ("24-MB01", None, Decimal(0)),
        ("Å-1", None, Decimal("3.5")),
    ]
    query = params(recorder.last)
    assert "useXML" not in query and "getMultipleStocksites" not in query


def test_article_changes_carry_prices_with_decimal_commas_and_variants() -> None:
    # Latin-1 bytes, with the Windows-1252 dash and euro an ASP page on Windows writes.
    recorder = Recorder(ARTICLES_XML.encode("latin-1"))
    with recorder.client() as client:
        batch = client.article_changes(batch_no="b1")
    first, second = batch.items
    assert first.name == "Luvtröja – Svart ½ €"
    assert (first.price_excl_vat, first.buy_price, first.weight) == (
        Decimal("1099.00"),
        Decimal("12.50"),
        Decimal("0.500"),
    )
    assert first.vat_percent == 25 and first.bar_code == "7350000000017"
    assert first.parent_article_no == "MH01"
    assert first.variant_attributes == {"size": "XS", "color": "Black"}
    assert second.name == "Väska" and second.buy_price is None and second.parent_article_no is None
    assert second.variant_attributes == {}
    assert batch.more  # full batch (2 of responseMaxLimit 2): more may be waiting
    assert params(recorder.last)["Action"] == "getArticleInfoExternalNeedUpdate"


def test_order_changes_carry_status_deliveries_and_tracking_numbers() -> None:
    recorder = Recorder(ORDERS_XML)
    with recorder.client() as client:
        batch = client.order_changes(batch_no="c1")
    delivered, partly, cancelled = batch.items
    assert delivered.is_delivered and not delivered.is_partly_delivered
    assert delivered.external_order_no == "100000041" and delivered.invoice_no == "70001"
    assert delivered.paid is False and delivered.deliveries_updated
    assert delivered.tracking_numbers == ("JJD0001", "JJD0002", "JJD0003")
    first = delivered.deliveries[0]
    assert first.delivery_no == "90001" and first.date == date(2026, 11, 27)
    assert first.method == "PN" and first.rows == (("MH01-XS-Black", Decimal(2)),)
    assert delivered.deliveries[1].rows == (("24-MB01", Decimal(1)),)
    assert partly.is_partly_delivered and partly.paid is None and partly.deliveries == ()
    assert cancelled.is_cancelled and not cancelled.is_delivered and cancelled.paid is True
    assert batch.more  # moreInfoToFetch=1
    assert params(recorder.last)["Action"] == "getOrdersExternalNeedUpdate"


@pytest.mark.parametrize(
    "answer",
    [
        "<stockChanges><stock><articles><article><articleNo>A</articleNo>"
        "<noItemsAv>many</noItemsAv></article></articles></stock></stockChanges>",
        "<somethingElse/>",
        "<stockChanges><stock>",
    ],
)
def test_unreadable_feeds_are_errors_not_empty_batches(answer: str) -> None:
    recorder = Recorder(answer)
    with recorder.client() as client, pytest.raises(SpecterUnreadable):
        client.stock_changes()


def test_a_batch_number_is_a_fresh_uuid_hex_per_fetch() -> None:
    recorder = Recorder("<stockChanges/>")
    with recorder.client() as client:
        client.stock_changes()
        client.stock_changes()
    numbers = [params(r)["batchNo"] for r in recorder.requests]
    assert numbers[0] != numbers[1] and all(len(n) == 32 for n in numbers)
    int(numbers[0], 16)


# -- a scripted queue ----------------------------------------------------------------------------
@dataclass
class FakeOrderQueue:
    """Orders waiting in Specter, handed out `limit` at a time under the client's batch numbers,
    with Specter's rules: one open batch, 99 naming it, the same number gets it again."""

    waiting: list[str]
    limit: int = 2
    open_no: str | None = None
    open_items: list[str] = field(default_factory=list)
    lose_next: set[str] = field(default_factory=set)  # actions whose next answer is lost
    acks: list[str] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        query = dict(parse_qsl(request.url.query.decode("ascii")))
        action, batch_no = query["Action"], query["batchNo"]
        if action == "getOrdersExternalNeedUpdate":
            answer = self._get(batch_no)
        else:
            if self.open_no == batch_no:
                self.waiting = [o for o in self.waiting if o not in self.open_items]
                self.open_no, self.open_items = None, []
            self.acks.append(batch_no)
            answer = f"1;{batch_no};Batch updated"
        if action in self.lose_next:  # committed, but the answer never arrives
            self.lose_next.discard(action)
            raise httpx.ReadTimeout("answer lost", request=request)
        return httpx.Response(200, content=answer.encode("latin-1"))

    def _get(self, batch_no: str) -> str:
        if self.open_no is not None and self.open_no != batch_no:
            return (
                "<APIresponse><code>99</code>"
                f"<message>Batch '{self.open_no}' has not been updated</message></APIresponse>"
            )
        if self.open_no is None:
            self.open_items = self.waiting[: self.limit]
            if self.open_items:
                self.open_no = batch_no
        orders = "".join(
            f'<order orderNo="{o}"><orderstatus deliveryStatus="D" statusId="1"/></order>'
            for o in self.open_items
        )
        more = int(len(self.waiting) > len(self.open_items))
        return f"<response><orders>{orders}</orders><moreInfoToFetch>{more}</moreInfoToFetch></response>"

    def client(self) -> SpecterClient:
        return SpecterClient(
            "http://specter.test",
            CREDS,
            transport=httpx.MockTransport(self),
            retry=no_wait(max_attempts=3),
        )


def order_nos(batch: Batch) -> list[str]:
    return [change.order_no for change in batch.items]


def test_a_crash_before_the_ack_is_recovered_by_the_next_run_nothing_lost_or_doubled() -> None:
    queue = FakeOrderQueue(waiting=["50001", "50002", "50003"])
    with queue.client() as client:
        first = client.order_changes()
        # ...the run dies here: staged or not, never acknowledged.
        again = client.order_changes()  # the next run asks with a new number
    assert again.recovered and again.batch_no == first.batch_no
    assert order_nos(again) == order_nos(first) == ["50001", "50002"]
    staged: list[str] = []
    with queue.client() as client:
        staged += order_nos(again)
        client.ack(again)
        result = client.drain(QueueKind.ORDERS, lambda b: staged.extend(order_nos(b)))
    assert staged == ["50001", "50002", "50003"]
    assert result.batches == 1 and not result.more
    assert queue.waiting == [] and queue.open_no is None


def test_text_mode_error_99_recovers_the_plain_stock_batch() -> None:
    recorder = Recorder("0;99;Batch 'abc123' has not been updated", "11;MH01-XS-Black;4;abc123\r")
    with recorder.client() as client:
        batch = client.stock_changes(multiple_stock_sites=False)
    assert batch.recovered and batch.batch_no == "abc123"
    assert [c.article_no for c in batch.items] == ["MH01-XS-Black"]
    assert [params(r)["batchNo"] for r in recorder.requests][1] == "abc123"
    assert params(recorder.requests[0])["batchNo"] != "abc123"


def test_open_batch_without_a_number_in_the_message_stays_an_error() -> None:
    recorder = Recorder("0;99;Batch has not been updated")
    with recorder.client() as client, pytest.raises(SpecterOpenBatch):
        client.order_changes()


def test_a_lost_answer_on_a_get_is_retried_with_the_same_batch_number() -> None:
    queue = FakeOrderQueue(waiting=["50001"], lose_next={"getOrdersExternalNeedUpdate"})
    with queue.client() as client:
        batch = client.order_changes()
        assert order_nos(batch) == ["50001"] and not batch.recovered
        assert client.stats.retries == 1
        client.ack(batch)
    assert queue.waiting == []


def test_a_lost_ack_is_repeated_harmlessly() -> None:
    queue = FakeOrderQueue(waiting=["50001", "50002", "50003"], lose_next={"updateOrdersFromBatch"})
    with queue.client() as client:
        batch = client.order_changes()
        client.ack(batch)  # first ack committed, its answer lost, repeated: fine
        client.ack(batch)  # a caller repeating it itself is fine too
        following = client.order_changes()
    assert queue.acks == [batch.batch_no] * 3
    assert order_nos(following) == ["50003"] and not following.recovered


def test_drain_stages_then_acks_every_batch_until_the_queue_is_empty() -> None:
    queue = FakeOrderQueue(waiting=[str(50001 + n) for n in range(5)])
    seen: list[tuple[str, bool]] = []

    def stage(batch: Batch) -> None:
        assert batch.batch_no not in queue.acks  # staged before its ack
        seen.extend((o, batch.batch_no in queue.acks) for o in order_nos(batch))

    with queue.client() as client:
        result = client.drain(QueueKind.ORDERS, stage)
    assert [o for o, _ in seen] == [str(50001 + n) for n in range(5)]
    assert (result.batches, result.items, result.more) == (3, 5, False)
    assert len(queue.acks) == 3 and queue.waiting == []


def test_drain_acks_nothing_when_staging_fails_and_the_next_run_gets_the_batch_back() -> None:
    queue = FakeOrderQueue(waiting=["50001", "50002", "50003"])

    def failing(batch: Batch) -> None:
        raise OSError("disk full")

    with queue.client() as client, pytest.raises(OSError):
        client.drain(QueueKind.ORDERS, failing)
    assert queue.acks == [] and queue.waiting == ["50001", "50002", "50003"]
    staged: list[tuple[str, bool]] = []
    with queue.client() as client:
        result = client.drain(
            QueueKind.ORDERS, lambda b: staged.extend((o, b.recovered) for o in order_nos(b))
        )
    assert staged == [("50001", True), ("50002", True), ("50003", False)]
    assert result.recovered == 1 and result.items == 3


def test_drain_stops_at_max_batches_and_says_more_is_waiting() -> None:
    queue = FakeOrderQueue(waiting=[str(50001 + n) for n in range(5)], limit=1)
    with queue.client() as client:
        result = client.drain(QueueKind.ORDERS, lambda b: None, max_batches=2)
    assert (result.batches, result.more) == (2, True)
    assert queue.waiting == ["50003", "50004", "50005"]


def test_an_empty_queue_drains_without_any_ack() -> None:
    queue = FakeOrderQueue(waiting=[])
    with queue.client() as client:
        result = client.drain(QueueKind.ORDERS, lambda b: pytest.fail("nothing to stage"))
    assert (result.batches, result.items, result.more) == (0, 0, False)
    assert queue.acks == []


def test_a_caller_batch_number_must_be_hex() -> None:
    recorder = Recorder()
    with recorder.client() as client, pytest.raises(ValueError):
        client.order_changes(batch_no="not hex!")
    assert recorder.requests == []


# -- pinned by mutation testing (`./dev mutate queues`) ------------------------------------------
def test_stock_is_asked_per_stock_site_by_default_also_when_recovering() -> None:
    open_batch = "<APIresponse><code>99</code><message>Batch 'abc123' open</message></APIresponse>"
    recorder = Recorder(open_batch, STOCK_XML, STOCK_XML, "1;abc;Batch updated")
    with recorder.client() as client:
        batch = client.queues.fetch(QueueKind.STOCK)
        drained = client.queues.drain(QueueKind.STOCK, lambda b: None, max_batches=1)
    assert batch.recovered and {c.stock_site_id for c in batch.items} == {"1", "2"}
    asks = [params(r) for r in recorder.requests if "NeedUpdate" in params(r)["Action"]]
    assert all(q.get("getMultipleStocksites") == "1" and q["useXML"] == "2" for q in asks)
    assert drained.items == 3 and drained.recovered == 0


def test_an_ack_is_a_text_call_and_its_failure_names_the_action() -> None:
    recorder = Recorder("0;50;Field 'batchNo' unknown")
    with recorder.client() as client, pytest.raises(SpecterError) as caught:
        client.queues.ack_batch_no(QueueKind.ORDERS, "abc123")
    query = params(recorder.last)
    assert query["Action"] == "updateOrdersFromBatch" and query["batchNo"] == "abc123"
    assert "useXML" not in query
    assert str(caught.value).startswith("updateOrdersFromBatch: ")


@pytest.mark.parametrize(
    ("kind", "action", "multiple"),
    [
        (QueueKind.STOCK, "getArticleExternalNeedUpdate", True),
        (QueueKind.STOCK, "getArticleExternalNeedUpdate", False),
        (QueueKind.ARTICLES, "getArticleInfoExternalNeedUpdate", True),
        (QueueKind.ORDERS, "getOrdersExternalNeedUpdate", True),
    ],
)
def test_an_unreadable_feed_names_its_action(kind, action, multiple) -> None:
    recorder = Recorder("<html><body>maintenance</body></html>" if multiple else "garbage")
    with recorder.client() as client, pytest.raises(SpecterError) as caught:
        client.queues.fetch(kind, multiple_stock_sites=multiple)
    assert action in str(caught.value)


def test_drain_counts_what_it_did_and_refuses_zero_batches() -> None:
    queue = FakeOrderQueue(waiting=[str(50001 + n) for n in range(60)], limit=1)
    with queue.client() as client:
        result = client.drain(QueueKind.ORDERS, lambda b: None)
        one = client.drain(QueueKind.ORDERS, lambda b: None, max_batches=1)
        with pytest.raises(ValueError, match="^max_batches must be at least 1$"):
            client.drain(QueueKind.ORDERS, lambda b: None, max_batches=0)
    assert (result.batches, result.items, result.recovered, result.more) == (50, 50, 0, True)
    assert (one.batches, one.items, one.more) == (1, 1, True)
    crashed = FakeOrderQueue(waiting=["50001", "50002", "50003"], limit=3)
    with crashed.client() as client:
        client.order_changes()  # fetched, never acknowledged
        recovered = client.drain(QueueKind.ORDERS, lambda b: None, max_batches=1)
    assert (recovered.batches, recovered.items, recovered.recovered) == (1, 3, 1)


def test_a_bad_batch_number_says_what_is_allowed() -> None:
    with Recorder().client() as client, pytest.raises(ValueError) as caught:
        client.order_changes(batch_no="not hex!")
    assert str(caught.value) == "batch number 'not hex!' is not 1-32 characters of [0-9a-f]"
