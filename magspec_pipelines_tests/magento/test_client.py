"""The Magento client: searchCriteria syntax, keyset paging, typed errors, the sandbox round trip."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from urllib.parse import parse_qsl

import httpx
import pytest

from magspec_pipelines.http import RetryPolicy
from magspec_pipelines.magento.client import MagentoClient
from magspec_pipelines.magento.errors import (
    MagentoAuthError,
    MagentoNotFound,
    MagentoRequestError,
    MagentoTransientError,
)
from magspec_pipelines.magento.search import SearchCriteria
from magspec_pipelines_tests.magento.schema_hooks import SchemaCheckingTransport
from magspec_sandbox.magento import InstanceSpec, MagentoSandbox, StoreViewSpec
from magspec_sandbox.server import BackgroundServer

TOKEN = "s3cr3t-integration-token-4711"


def no_wait(**kwargs: object) -> RetryPolicy:
    return RetryPolicy(sleep=lambda _: None, **kwargs)  # type: ignore[arg-type]


def client_for(
    handler: Callable[[httpx.Request], httpx.Response], **kwargs: object
) -> MagentoClient:
    options: dict = {"retry": no_wait(max_attempts=3)} | kwargs
    return MagentoClient(
        base_url="http://shop.test/acme",
        token=TOKEN,
        transport=SchemaCheckingTransport(httpx.MockTransport(handler)),
        **options,
    )


# -- searchCriteria ------------------------------------------------------------------------------
def test_search_criteria_renders_magentos_bracket_syntax() -> None:
    criteria = (
        SearchCriteria()
        .where("status", "in", ["processing", "complete"])
        .where_any([("a", "eq", 1), ("b", "eq", 2)])
        .sort("updated_at", "ASC")
        .page(size=100, current=1)
    )
    assert criteria.to_params() == [
        ("searchCriteria[filter_groups][0][filters][0][field]", "status"),
        ("searchCriteria[filter_groups][0][filters][0][value]", "processing,complete"),
        ("searchCriteria[filter_groups][0][filters][0][condition_type]", "in"),
        ("searchCriteria[filter_groups][1][filters][0][field]", "a"),
        ("searchCriteria[filter_groups][1][filters][0][value]", "1"),
        ("searchCriteria[filter_groups][1][filters][0][condition_type]", "eq"),
        ("searchCriteria[filter_groups][1][filters][1][field]", "b"),
        ("searchCriteria[filter_groups][1][filters][1][value]", "2"),
        ("searchCriteria[filter_groups][1][filters][1][condition_type]", "eq"),
        ("searchCriteria[sortOrders][0][field]", "updated_at"),
        ("searchCriteria[sortOrders][0][direction]", "ASC"),
        ("searchCriteria[pageSize]", "100"),
        ("searchCriteria[currentPage]", "1"),
    ]


def test_empty_criteria_still_sends_search_criteria() -> None:
    # Without any searchCriteria key Magento answers 400 '"searchCriteria" is required'.
    assert SearchCriteria().to_params() == [("searchCriteria", "")]


def test_criteria_are_immutable_and_validated() -> None:
    base = SearchCriteria().where("state", "eq", "processing")
    extended = base.where("entity_id", "gt", 5)
    assert len(base.filter_groups) == 1 and len(extended.filter_groups) == 2
    with pytest.raises(ValueError):
        base.where("state", "equals", "x")
    with pytest.raises(ValueError):
        base.sort("entity_id", "UP")


def test_like_values_travel_percent_encoded() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, json={"items": [], "total_count": 0})

    with client_for(handler) as client:
        client.search_orders(SearchCriteria().where("customer_email", "like", "%@example.com"))
    assert "value%5D=%25%40example.com" in seen[0]


# -- a fake order store for paging ---------------------------------------------------------------
class OrderStore:
    """Answers GET /V1/orders like Magento for `entity_id gt` / `status eq`, sorted and paged;
    `between_pages` runs after each answer (to add or change orders mid-export)."""

    def __init__(self, ids: list[int]) -> None:
        self.orders = {i: {"entity_id": i, "status": "processing"} for i in ids}
        self.between_pages: Callable[[OrderStore], None] = lambda store: None
        self.requests: list[dict[str, str]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        params = dict(parse_qsl(request.url.query.decode()))
        self.requests.append(params)
        rows = sorted(self.orders.values(), key=lambda o: o["entity_id"])
        g = 0
        while f"searchCriteria[filter_groups][{g}][filters][0][field]" in params:
            prefix = f"searchCriteria[filter_groups][{g}][filters][0]"
            name, value = params[prefix + "[field]"], params[prefix + "[value]"]
            op = params[prefix + "[condition_type]"]
            if op == "gt":
                rows = [o for o in rows if o[name] > int(value)]
            elif op == "eq":
                rows = [o for o in rows if str(o[name]) == value]
            g += 1
        size = int(params.get("searchCriteria[pageSize]", 10_000))
        current = int(params.get("searchCriteria[currentPage]", 1))
        page = rows[(current - 1) * size : current * size]
        body = {"items": [dict(o) for o in page], "total_count": len(rows)}
        self.known_at_last_answer = set(self.orders)
        self.between_pages(self)
        return httpx.Response(200, json=body)


def test_keyset_paging_returns_every_order_once_while_orders_arrive() -> None:
    store = OrderStore(list(range(1, 24)))
    added = iter(range(100, 106))

    def place_order(s: OrderStore) -> None:
        new = next(added, None)
        if new is not None:
            s.orders[new] = {"entity_id": new, "status": "processing"}

    store.between_pages = place_order
    with client_for(store) as client:
        ids = [o["entity_id"] for o in client.iter_orders(SearchCriteria(), page_size=5)]
    assert len(ids) == len(set(ids))
    # Orders placed mid-export are not lost either (only one placed after the last page is).
    assert set(ids) == store.known_at_last_answer
    assert {100, 101, 102, 103} <= set(ids)
    assert ids == sorted(ids)
    first = store.requests[0]
    assert first["searchCriteria[sortOrders][0][field]"] == "entity_id"
    assert first["searchCriteria[sortOrders][0][direction]"] == "ASC"
    assert all(r["searchCriteria[currentPage]"] == "1" for r in store.requests)


def test_keyset_paging_keeps_the_callers_filters() -> None:
    store = OrderStore(list(range(1, 12)))
    for i in (2, 5, 9):
        store.orders[i]["status"] = "pending"
    criteria = SearchCriteria().where("status", "eq", "processing").sort("updated_at", "DESC")
    with client_for(store) as client:
        ids = [o["entity_id"] for o in client.iter_orders(criteria, page_size=3)]
    assert ids == [1, 3, 4, 6, 7, 8, 10, 11]


def test_paging_stops_when_the_server_ignores_the_key() -> None:
    def same_page(request: httpx.Request) -> httpx.Response:
        items = [{"entity_id": i} for i in (1, 2, 3)]
        return httpx.Response(200, json={"items": items, "total_count": 3})

    with client_for(same_page) as client:
        ids = [o["entity_id"] for o in client.iter_orders(SearchCriteria(), page_size=3)]
    assert ids == [1, 2, 3]


# -- errors ------------------------------------------------------------------------------------
def answer(status: int, body: object) -> Callable[[httpx.Request], httpx.Response]:
    return lambda request: httpx.Response(status, json=body)


def test_positional_placeholders_are_rendered() -> None:
    body = {
        "message": 'Invalid value of "%1" provided for the %2 field.',
        "parameters": ["x", "qty"],
    }
    with client_for(answer(400, body)) as client, pytest.raises(MagentoRequestError) as caught:
        client.get_order(7)
    assert 'Invalid value of "x" provided for the qty field.' in str(caught.value)
    assert caught.value.status == 400


def test_named_placeholders_are_rendered() -> None:
    body = {
        "message": '"%fieldName" is required. Enter and try again.',
        "parameters": {"fieldName": "searchCriteria"},
    }
    with client_for(answer(400, body)) as client, pytest.raises(MagentoRequestError) as caught:
        client.search_orders(SearchCriteria())
    assert '"searchCriteria" is required.' in str(caught.value)


def test_not_found_is_typed() -> None:
    body = {
        "message": "The entity that was requested doesn't exist. Verify the entity and try again."
    }
    with client_for(answer(404, body)) as client, pytest.raises(MagentoNotFound):
        client.get_order(999)


def test_unauthorized_consumer_explains_the_bearer_setting() -> None:
    body = {
        "message": "The consumer isn't authorized to access %resources.",
        "parameters": {"resources": "Magento_Sales::actions_view"},
    }
    with client_for(answer(401, body)) as client, pytest.raises(MagentoAuthError) as caught:
        client.get_order(1)
    text = str(caught.value)
    assert "Magento_Sales::actions_view" in text
    assert "standalone Bearer" in text and "enable_integration_as_bearer" in text


def test_other_auth_failures_carry_no_bearer_hint() -> None:
    body = {"message": "Invalid token"}
    with client_for(answer(403, body)) as client, pytest.raises(MagentoAuthError) as caught:
        client.get_order(1)
    assert "Bearer" not in str(caught.value)


def test_server_errors_after_retries_are_transient() -> None:
    calls = []

    def failing(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(503, text="Service Unavailable")

    with client_for(failing) as client, pytest.raises(MagentoTransientError):
        client.get_order(1)
    assert len(calls) == 3
    assert client.stats.retries == 2


def test_the_token_never_appears_in_error_text() -> None:
    def echo(request: httpx.Request) -> httpx.Response:
        # A badly behaved proxy echoing the request headers into its error page.
        return httpx.Response(400, json={"message": f"bad request {dict(request.headers)}"})

    def unreachable(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"cannot connect with {request.headers['authorization']}")

    for handler, error in ((echo, MagentoRequestError), (unreachable, MagentoTransientError)):
        with client_for(handler) as client, pytest.raises(error) as caught:
            client.get_order(1)
        assert TOKEN not in str(caught.value)
        assert TOKEN not in repr(caught.value)
        assert TOKEN not in repr(client)


def test_the_token_is_sent_as_bearer_and_the_store_scope_is_in_the_path() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"entity_id": 5})

    with client_for(handler, store_code="se") as client:
        assert client.get_order(5)["entity_id"] == 5
    assert seen[0].headers["authorization"] == f"Bearer {TOKEN}"
    assert seen[0].url.path == "/acme/rest/se/V1/orders/5"


def test_store_listings_leave_out_the_admin_scope() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        rows = [{"id": 0, "code": "admin"}, {"id": 1, "code": "default"}, {"id": 2, "code": "se"}]
        return httpx.Response(200, content=json.dumps(rows))

    with client_for(handler) as client:
        assert [v["code"] for v in client.store_views()] == ["default", "se"]
        assert [w["id"] for w in client.websites()] == [1, 2]


# -- round trips against the sandbox ---------------------------------------------------------------
@pytest.fixture(scope="module")
def magento() -> Iterator[tuple[MagentoSandbox, str]]:
    views = [
        StoreViewSpec(code="se", name="Svenska", website_code="se", website_name="Sverige"),
        StoreViewSpec(
            code="no",
            name="Norsk",
            website_code="no",
            website_name="Norge",
            currency="NOK",
            locale="nb_NO",
            timezone="Europe/Oslo",
        ),
    ]
    sb = MagentoSandbox(
        [
            InstanceSpec(name="acme", integration_token=TOKEN, store_views=views, days=3, seed=4),
            InstanceSpec(name="legacy", integration_token=TOKEN, integration_as_bearer=False),
        ],
        admin_prefix="/__sandbox__",
    )
    with BackgroundServer(sb.app) as server:
        yield sb, server.url


def sandbox_client(url: str, instance: str = "acme", token: str = TOKEN) -> MagentoClient:
    return MagentoClient(
        base_url=f"{url}/{instance}",
        token=token,
        retry=no_wait(),
        timeout=5.0,
        transport=SchemaCheckingTransport(httpx.HTTPTransport()),
    )


def test_every_sandbox_order_is_read_once_while_new_ones_arrive(
    magento: tuple[MagentoSandbox, str],
) -> None:
    sb, url = magento
    acme = sb.instance("acme")
    placed: list[int] = []
    with sandbox_client(url) as client:
        ids = []
        for order in client.iter_orders(SearchCriteria(), page_size=7):
            ids.append(order["entity_id"])
            if len(ids) <= 3:  # placed while the first page is being read
                placed.append(acme.place_order("se")["entity_id"])
    assert len(ids) == len(set(ids))
    assert set(ids) == set(acme.orders)
    assert set(placed) <= set(ids)


def test_search_and_get_agree_with_the_sandbox(magento: tuple[MagentoSandbox, str]) -> None:
    sb, url = magento
    acme = sb.instance("acme")
    processing = {i for i, o in acme.orders.items() if o["status"] == "processing"}
    with sandbox_client(url) as client:
        result = client.search_orders(
            SearchCriteria().where("status", "in", ["processing"]).page(size=300)
        )
        assert {o["entity_id"] for o in result.items} == processing
        assert result.total_count == len(processing)
        some_id = next(iter(acme.orders))
        assert client.get_order(some_id)["increment_id"] == acme.orders[some_id]["increment_id"]
        with pytest.raises(MagentoNotFound):
            client.get_order(10**9)


def test_store_structure_without_the_admin_scope(magento: tuple[MagentoSandbox, str]) -> None:
    _, url = magento
    with sandbox_client(url) as client:
        views = client.store_views()
        assert sorted(v["code"] for v in views) == ["no", "se"]
        assert all(v["id"] != 0 for v in views)
        assert sorted(w["code"] for w in client.websites()) == ["no", "se"]
        assert all(g["id"] != 0 for g in client.store_groups())
        configs = {c["code"]: c for c in client.store_configs()}
        assert configs["no"]["base_currency_code"] == "NOK"


def test_integration_token_refused_as_bearer_explains_the_setting(
    magento: tuple[MagentoSandbox, str],
) -> None:
    _, url = magento
    with sandbox_client(url, "legacy") as client, pytest.raises(MagentoAuthError) as caught:
        client.search_orders(SearchCriteria().page(size=1))
    assert "enable_integration_as_bearer" in str(caught.value)
    assert TOKEN not in str(caught.value)
    with sandbox_client(url, "acme", token="wrong") as client, pytest.raises(MagentoAuthError):
        client.get_order(1)


def test_sandbox_throttling_is_waited_out(magento: tuple[MagentoSandbox, str]) -> None:
    sb, url = magento
    sb.faults.add(kind="throttle", match="/V1/orders", count=2, retry_after=1)
    with sandbox_client(url) as client:
        assert client.search_orders(SearchCriteria().page(size=1)).total_count > 0
        assert client.stats.throttled == 2 and client.stats.requests == 3
