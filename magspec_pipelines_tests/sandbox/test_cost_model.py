"""The sandboxes' cost model over real HTTP: latency per request, cost per written item, a limit
on requests served at once, and the counters that show what a client made the server do."""

from __future__ import annotations

import asyncio
import hashlib
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from magspec_pipelines_tests.sandbox.conftest import MAGENTO_NOW, MAGENTO_TOKEN, magento_spec
from magspec_sandbox.cost import CostModel, magento_classify, specter_classify
from magspec_sandbox.faults import FaultInjector
from magspec_sandbox.luma import load_catalog
from magspec_sandbox.magento import MagentoSandbox
from magspec_sandbox.server import BackgroundServer
from magspec_sandbox.specter import AccountSpec, SpecterSandbox

ADMIN = "/__sandbox__"
AUTH = {"Authorization": f"Bearer {MAGENTO_TOKEN}"}
SBM, API_USER, API_USER_KEY, INTEGRATION_KEY = "4711", "5", "user-key", "integration-key"


@pytest.fixture
def magento() -> Iterator[tuple[MagentoSandbox, httpx.Client]]:
    sandbox = MagentoSandbox([magento_spec(days=1, orders_per_day=2)], now=MAGENTO_NOW)
    with BackgroundServer(sandbox.app) as server, httpx.Client(base_url=server.url) as http:
        yield sandbox, http


def _md5(text: str) -> str:
    return hashlib.md5(text.encode("latin-1")).hexdigest()


def _key(subject: str) -> str:
    return _md5(INTEGRATION_KEY + _md5(API_USER_KEY + SBM + subject))


def _simple_skus(count: int) -> list[str]:
    return [p.sku for p in load_catalog().sellable if p.parent_sku is None][:count]


# -- limits and service time -----------------------------------------------------------------
# Asserted on what the injector counted and on the order things happened in, never on how long
# the test took: a loaded machine makes requests slower, not the model's promises different.
PATIENCE = 20.0  # seconds; only reached when something is broken


class FakeTime:
    """The injector's clock and sleep: time moves only when the app works or the model waits."""

    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def _served(faults: FaultInjector, endpoint) -> BackgroundServer:
    return BackgroundServer(faults.middleware(Starlette(routes=[Route("/work", endpoint)]), ADMIN))


def test_requests_beyond_the_concurrency_wait_for_a_free_slot() -> None:
    gate, lock, entered = threading.Event(), threading.Lock(), []

    async def held(request: Request) -> Response:
        with lock:
            entered.append(request.query_params["n"])
        await asyncio.to_thread(gate.wait, PATIENCE)
        return PlainTextResponse("done")

    faults = FaultInjector(cost=CostModel(latency_seconds=0.05, concurrency=2))
    with _served(faults, held) as server, ThreadPoolExecutor(max_workers=4) as pool:
        answers = [
            pool.submit(httpx.get, f"{server.url}/work?n={n}", timeout=PATIENCE) for n in range(4)
        ]
        _wait_for(lambda: faults.stats()["total_requests"] == 4 and len(entered) >= 2)
        # All four reached the server; the two holding the slots keep the others out. (The
        # pause only gives a broken limit time to let a third in; a working one never does.)
        time.sleep(0.05)
        with lock:
            inside_while_held = list(entered)
        gate.set()
        statuses = [answer.result(PATIENCE).status_code for answer in answers]

    assert statuses == [200] * 4
    assert len(inside_while_held) == 2 and sorted(entered) == ["0", "1", "2", "3"]
    stats = faults.stats()
    assert (stats["max_in_flight"], stats["total_requests"]) == (2, 4)
    assert stats["modelled_seconds"] == pytest.approx(4 * 0.05)
    # No request was answered sooner than its modelled time (load only adds to it).
    assert stats["busy_seconds"] >= stats["modelled_seconds"] - 1e-6


def _wait_for(condition) -> None:
    deadline = time.monotonic() + PATIENCE
    while not condition():
        assert time.monotonic() < deadline, "the condition never came true"
        time.sleep(0.01)


def test_real_handling_time_is_hidden_inside_the_modelled_time() -> None:
    fake = FakeTime()

    async def slow(request: Request) -> Response:
        fake.now += 0.2  # the server's own work, as the injector's clock sees it
        return PlainTextResponse("done")

    faults = FaultInjector(cost=CostModel(latency_seconds=0.3), clock=fake.clock, sleep=fake.sleep)
    with _served(faults, slow) as server:
        answer = httpx.get(f"{server.url}/work")

    assert answer.text == "done"
    # The model waits only for what the work left of 0.3: max(0.2, 0.3), not 0.2 + 0.3.
    assert fake.slept == [pytest.approx(0.1)]
    stats = faults.stats()
    assert stats["busy_seconds"] == pytest.approx(0.3)
    assert stats["modelled_seconds"] == pytest.approx(0.3)


def test_latency_rules_add_on_top_of_the_model() -> None:
    fake = FakeTime()

    async def quick(request: Request) -> Response:
        return PlainTextResponse("done")

    faults = FaultInjector(cost=CostModel(latency_seconds=0.1), clock=fake.clock, sleep=fake.sleep)
    faults.add(kind="latency", match="/work", seconds=0.2)
    with _served(faults, quick) as server:
        assert httpx.get(f"{server.url}/work").text == "done"

    # The rule's 0.2 first, then the model's whole 0.1: 0.3 in all.
    assert fake.slept == [pytest.approx(0.2), pytest.approx(0.1)]
    assert faults.stats()["faults"] == {"latency": 1}
    assert faults.stats()["modelled_seconds"] == pytest.approx(0.1)


# -- what counts as a write ------------------------------------------------------------------
def test_async_bulk_counts_every_price_row_of_every_operation(magento) -> None:
    sandbox, http = magento
    skus = _simple_skus(20)
    bodies = [
        {"prices": [{"sku": sku, "price": 100 + n, "store_id": 0} for sku in skus]}
        for n in range(3)
    ]

    answer = http.post(
        "/acme/rest/all/async/bulk/V1/products/base-prices", json=bodies, headers=AUTH
    )

    assert answer.status_code == 202
    stats = sandbox.faults.stats()
    assert stats["write_requests"] == 1
    assert stats["items"] == 60
    assert stats["writes"] == {"POST /acme/rest/all/async/bulk/V1/products/base-prices": 1}


def test_reads_write_nothing_even_when_they_post(magento) -> None:
    sandbox, http = magento
    skus = _simple_skus(5)

    assert http.get("/acme/rest/V1/orders", params={"searchCriteria[pageSize]": 2}, headers=AUTH)
    info = http.post(
        "/acme/rest/V1/products/base-prices-information", json={"skus": skus}, headers=AUTH
    )
    token = http.post(
        "/acme/rest/V1/integration/admin/token", json={"username": "admin", "password": "x"}
    )

    assert info.status_code == 200
    assert token.status_code == 401
    stats = sandbox.faults.stats()
    assert stats["total_requests"] == 3
    assert (stats["write_requests"], stats["items"], stats["writes"]) == (0, 0, {})


def test_a_write_without_a_list_is_one_item(magento) -> None:
    sandbox, http = magento
    order = next(iter(sandbox.instance("acme").orders))

    answer = http.post(
        f"/acme/rest/V1/orders/{order}/comments",
        json={"statusHistory": {"comment": "Packed", "is_customer_notified": 0}},
        headers=AUTH,
    )

    assert answer.status_code == 200
    assert (sandbox.faults.stats()["write_requests"], sandbox.faults.stats()["items"]) == (1, 1)


def test_specter_order_submit_is_a_write_and_a_queue_read_is_not() -> None:
    account = AccountSpec(
        sbm_id=SBM,
        api_user_id=API_USER,
        api_user_key=API_USER_KEY,
        integration_key=INTEGRATION_KEY,
        articles=[{"articleNo": "A1", "name": "Artikel", "priceExclVAT": 10, "vatPercent": 25}],
    )
    sandbox = SpecterSandbox([account], admin_prefix=ADMIN)
    common = {"sbmId": SBM, "apiUserId": API_USER}
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    with BackgroundServer(sandbox.app) as server, httpx.Client(base_url=server.url) as http:
        customer = http.post(
            "/putInfo.asp",
            content=urlencode(
                {
                    **common,
                    "action": "newCustomerSubmit",
                    "key": _key("Anna Berg"),
                    "firstName": "Anna",
                    "surName": "Berg",
                }
            ),
            headers=form,
        ).text.split(";")
        assert customer[0] == "1"
        order = http.post(
            "/putInfo.asp",
            content=urlencode(
                {
                    **common,
                    "action": "newOrderSubmit",
                    "key": _key(customer[1]),
                    "customerId": customer[1],
                    "externalOrderNo": "W-1",
                    "articleNo_1": "A1",
                    "noOfItems_1": "2",
                }
            ),
            headers=form,
        )
        assert order.text.startswith("1;")
        queue = http.get(
            "/getInfo.asp",
            params={**common, "action": "getOrdersExternalNeedUpdate", "key": _key("")},
        )
        assert queue.status_code == 200
        orders = http.get(f"{ADMIN}/specter/{SBM}/orders").json()

    assert [o["externalOrderNo"] for o in orders] == ["W-1"]
    stats = sandbox.faults.stats()
    assert stats["total_requests"] == 3
    assert stats["writes"] == {"POST /putInfo.asp": 2}
    assert stats["items"] == 2


def test_specter_article_batch_counts_its_articles() -> None:
    body = urlencode(
        {
            "action": "newArticleSubmit",
            **{f"articleNo_{n}": f"A{n}" for n in range(1, 4)},
            **{f"name_{n}": f"Artikel {n}" for n in range(1, 4)},
        }
    ).encode()

    assert specter_classify("POST", "/putInfo.asp", "", body) == (True, 3)
    assert specter_classify("GET", "/getInfo.asp", "action=updateOrdersFromBatch", b"") == (
        False,
        0,
    )
    # A write action sent to the read script is refused there, so it writes nothing.
    assert specter_classify("GET", "/getInfo.asp", "action=newOrderSubmit", b"") == (False, 0)


def test_magento_deletes_and_source_item_saves_are_writes() -> None:
    items = b'{"sourceItems": [{"sku": "a"}, {"sku": "b"}]}'
    assert magento_classify("POST", "/x/rest/V1/inventory/source-items", "", items) == (True, 2)
    assert magento_classify("DELETE", "/x/rest/V1/products/a%2Fb", "", b"") == (True, 1)
    assert magento_classify("GET", "/x/rest/V1/products", "searchCriteria=", b"") == (False, 0)


# -- configuration ---------------------------------------------------------------------------
def test_cost_model_is_read_and_replaced_through_the_admin_route(magento) -> None:
    sandbox, http = magento

    assert http.get(f"{ADMIN}/cost").json() == {
        "latency_seconds": 0.0,
        "item_seconds": 0.0,
        "concurrency": None,
    }
    replaced = http.put(
        f"{ADMIN}/cost", json={"latency_seconds": 0.025, "item_seconds": 0.001, "concurrency": 4}
    )
    refused = http.put(f"{ADMIN}/cost", json={"latency_seconds": -1})
    unknown = http.put(f"{ADMIN}/cost", json={"latency": 1})

    assert replaced.json() == {"latency_seconds": 0.025, "item_seconds": 0.001, "concurrency": 4}
    assert sandbox.faults.cost == CostModel(0.025, 0.001, 4)
    assert refused.status_code == 400 and unknown.status_code == 400
    assert "latency" in unknown.json()["error"]
    assert http.get(f"{ADMIN}/cost").json()["concurrency"] == 4
    # Admin requests are neither costed nor counted.
    assert sandbox.faults.stats()["total_requests"] == 0


def test_without_a_model_the_counters_still_see_every_write(magento) -> None:
    sandbox, http = magento
    skus = _simple_skus(2)

    answer = http.post(
        "/acme/rest/V1/products/base-prices",
        json={"prices": [{"sku": sku, "price": 10, "store_id": 0} for sku in skus]},
        headers=AUTH,
    )
    before_reset = sandbox.faults.stats()
    http.delete(f"{ADMIN}/requests")
    after_reset = sandbox.faults.stats()

    assert answer.status_code == 200
    assert before_reset["writes"] == {"POST /acme/rest/V1/products/base-prices": 1}
    assert before_reset["items"] == 2
    assert after_reset["items"] == 0 and after_reset["writes"] == {}
    assert sandbox.faults.cost == CostModel()
