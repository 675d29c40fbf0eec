"""Catalog, stock and bulk calls against a fake Magento: SKU encoding in paths, store scopes,
attribute options, MSI detection, source-item batching, bulk mapping (reference §3, §5, §7).
Every exchange is checked against Adobe's schema."""

from __future__ import annotations

import threading
from decimal import Decimal

import httpx
import pytest

from magspec_pipelines.magento.bulk import OperationStatus
from magspec_pipelines.magento.models import BulkItem, BulkSubmission, SourceItem
from magspec_pipelines.magento.rest import NO_STORE_CODE, Limits
from magspec_pipelines.magento.search import SearchCriteria
from magspec_pipelines_tests.magento.schema_hooks import checked_client, json_body

# How long a request waits for another to be in flight beside it; only a failing test waits it out.
SIDE_BY_SIDE_WAIT = 5.0


def product_answer(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={"id": 5, "sku": "x", "name": "x"})


@pytest.mark.parametrize(
    ("sku", "segment"),
    [
        ("MH01/XS", "MH01%2FXS"),
        ("Gear Bag 24", "Gear%20Bag%2024"),
        ("Tröja-Blå", "Tr%C3%B6ja-Bl%C3%A5"),
        ("A+B?C#D%", "A%2BB%3FC%23D%25"),
    ],
)
def test_skus_are_one_encoded_path_segment(sku: str, segment: str) -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.raw_path.decode().split("?")[0])
        if request.method == "DELETE" or "/websites" in seen[-1]:
            return httpx.Response(200, json=True)
        if request.url.path.endswith("/children"):
            return httpx.Response(200, json=[])
        return product_answer(request)

    client, _ = checked_client(handler)
    with client:
        client.get_product(sku)
        client.delete_product(sku)
        client.unassign_website(sku, 2)
        client.configurable_children(sku)
    assert seen == [
        f"/acme/rest/V1/products/{segment}",
        f"/acme/rest/V1/products/{segment}",
        f"/acme/rest/V1/products/{segment}/websites/2",
        f"/acme/rest/V1/configurable-products/{segment}/children",
    ]


def test_writes_default_to_all_and_reads_follow_the_scope_asked_for() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(f"{request.method} {request.url.path}")
        return product_answer(request)

    client, _ = checked_client(handler, store_code="se")
    with client:
        client.save_product({"sku": "MH01", "name": "Hoodie"})
        client.save_product({"sku": "MH01", "name": "Huvtröja"}, scope="se")
        client.get_product("MH01")
        client.get_product("MH01", scope="all")
        client.get_product("MH01", scope=NO_STORE_CODE)
    assert seen == [
        "POST /acme/rest/all/V1/products",
        "POST /acme/rest/se/V1/products",
        "GET /acme/rest/se/V1/products/MH01",
        "GET /acme/rest/all/V1/products/MH01",
        "GET /acme/rest/V1/products/MH01",
    ]


class Attributes:
    """`size` options; creating one answers its id in one of the forms Magento versions use."""

    def __init__(self, answer_form: str) -> None:
        self.options = [{"label": " ", "value": ""}, {"label": "XS", "value": "166"}]
        self.answer_form = answer_form
        self.created: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            return httpx.Response(200, json=self.options)
        label = json_body(request)["option"]["label"]
        new_id = str(200 + len(self.created))
        self.created.append(label)
        self.options.append({"label": label, "value": new_id})
        answer = {"plain": new_id, "prefixed": f"id_{new_id}", "opaque": "id_new_option"}
        return httpx.Response(200, json=answer[self.answer_form])


@pytest.mark.parametrize("answer_form", ["plain", "prefixed", "opaque"])
def test_ensure_attribute_options_creates_only_missing_values(answer_form: str) -> None:
    fake = Attributes(answer_form)
    client, _ = checked_client(fake)
    with client:
        ids = client.ensure_attribute_options("size", ["XS", "xs", "5XL", "6XL", "5XL"])
    assert fake.created == ["5XL", "6XL"]
    assert ids == {"XS": 166, "xs": 166, "5XL": 200, "6XL": 201}


def test_product_search_pages_by_entity_id() -> None:
    seen: list[dict[str, str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        params = dict(request.url.params)
        seen.append(params)
        after = int(params.get("searchCriteria[filter_groups][1][filters][0][value]", 0))
        ids = [i for i in range(1, 8) if i > after][:3]
        items = [{"id": i, "sku": f"S{i}"} for i in ids]
        return httpx.Response(200, json={"items": items, "total_count": 7})

    client, _ = checked_client(handler)
    with client:
        skus = [
            p["sku"] for p in client.iter_products(SearchCriteria().where("status", "eq", 1), 3)
        ]
    assert skus == [f"S{i}" for i in range(1, 8)]
    keyed = [p for p in seen[1:] if "searchCriteria[filter_groups][1][filters][0][field]" in p]
    assert keyed
    assert {p["searchCriteria[filter_groups][1][filters][0][field]"] for p in keyed} == {
        "entity_id"
    }
    assert {p["searchCriteria[sortOrders][0][field]"] for p in keyed} == {"entity_id"}


def test_product_reads_of_many_pages_run_side_by_side_and_miss_nothing() -> None:
    """Past the first page the key range is read in slices at once; every product comes back
    once, in entity id order, and the slices never overlap."""
    ids = [*range(1, 40), *range(100, 161)]  # a gap, as deleted products leave
    changed = threading.Condition()
    in_flight = {"now": 0, "max": 0, "held": 0}

    def handler(request: httpx.Request) -> httpx.Response:
        params = dict(request.url.params)
        keyed = "gt" in params.values()  # a page past the first, read in a slice
        with changed:
            in_flight["now"] += 1
            in_flight["max"] = max(in_flight["max"], in_flight["now"])
            changed.notify_all()
            if keyed and not in_flight["held"]:
                # Hold the first slice's page until a second request is in flight: side by side
                # is then seen without depending on timing (a serial read fails after the wait).
                in_flight["held"] = 1
                changed.wait_for(lambda: in_flight["max"] > 1, timeout=SIDE_BY_SIDE_WAIT)
        try:
            rows = list(ids)
            for group in range(3):
                field = params.get(f"searchCriteria[filter_groups][{group}][filters][0][field]")
                value = params.get(f"searchCriteria[filter_groups][{group}][filters][0][value]")
                kind = params.get(
                    f"searchCriteria[filter_groups][{group}][filters][0][condition_type]"
                )
                if field == "entity_id":
                    limit = int(value)
                    rows = [i for i in rows if (i > limit if kind == "gt" else i <= limit)]
            if params.get("searchCriteria[sortOrders][0][direction]") == "DESC":
                rows.reverse()
            size = int(params["searchCriteria[pageSize]"])
            items = [{"id": i, "sku": f"S{i}"} for i in rows[:size]]
            return httpx.Response(200, json={"items": items, "total_count": len(rows)})
        finally:
            with changed:
                in_flight["now"] -= 1

    client, _ = checked_client(handler)
    with client:
        got = [p["id"] for p in client.iter_products(SearchCriteria(), 10)]
    assert got == ids
    assert in_flight["max"] > 1


# -- stock ----------------------------------------------------------------------------------------
def test_a_shop_without_msi_gets_legacy_stock_items() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(f"{request.method} {request.url.path.split('/rest')[1]}")
        if "/inventory/" in request.url.path:
            return httpx.Response(404, json={"message": "Request does not match any route."})
        if request.method == "GET":
            return httpx.Response(200, json={"item_id": 77, "qty": 1, "is_in_stock": True})
        return httpx.Response(200, json=77)

    client, _ = checked_client(handler)
    with client:
        result = client.push_stock([SourceItem("MH01/XS", "default", Decimal("4"))])
        client.push_stock([SourceItem("MH01/XS", "default", 5)])
    assert result.ok
    # MSI is probed once per client; the item id read is the one written.
    assert seen == [
        "GET /V1/inventory/sources",
        "GET /V1/stockItems/MH01/XS",
        "PUT /V1/products/MH01/XS/stockItems/77",
        "GET /V1/stockItems/MH01/XS",
        "PUT /V1/products/MH01/XS/stockItems/77",
    ]


def test_source_items_are_batched_and_refusals_become_rows() -> None:
    sizes: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            return httpx.Response(200, json={"items": [], "total_count": 0})
        rows = json_body(request)["sourceItems"]
        sizes.append(len(rows))
        if any(r["sku"] == "BAD" for r in rows):
            return httpx.Response(
                400, json={"message": 'Source item "%1" is invalid.', "parameters": ["BAD"]}
            )
        return httpx.Response(200, json=[])

    items = [SourceItem(f"S{i}", "se_warehouse", i) for i in range(44)] + [
        SourceItem("BAD", "se_warehouse", 1)
    ]
    client, _ = checked_client(handler)
    with client:
        result = client.push_stock(items)
    assert sorted(sizes) == [5, 20, 20]
    assert len(result.failed) == 5 and "BAD" in {r.sku for r in result.failed}
    assert 'Source item "BAD" is invalid.' in result.failed[0].message_rendered


def test_salable_quantity_is_a_decimal() -> None:
    client, _ = checked_client(lambda request: httpx.Response(200, json=12.5))
    with client:
        assert client.salable_quantity("MH01/XS", 2) == Decimal("12.5")


# -- bulk -----------------------------------------------------------------------------------------
def test_bulk_status_maps_failed_operations_to_their_skus() -> None:
    submission = BulkSubmission(
        "u-1",
        [
            BulkItem(0, "accepted", ("A", "B")),
            BulkItem(1, "accepted", ("C",)),
            BulkItem(2, "rejected", ("D",)),
            BulkItem(3, "accepted", ("E",)),
        ],
    )
    status = {
        "bulk_id": "u-1",
        "description": "Topic async.magento.catalog.api.productrepositoryinterface.save.post",
        "operation_count": 4,
        "operations_list": [
            {"id": 0, "status": OperationStatus.COMPLETE, "result_message": "ok"},
            {"id": 1, "status": OperationStatus.FAILED, "result_message": "The price is invalid."},
            {"id": 2, "status": OperationStatus.REJECTED, "result_message": None},
            {"id": 3, "status": OperationStatus.OPEN, "result_message": None},
        ],
    }
    polls: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if len(polls) >= 2:
            status["operations_list"][3]["status"] = OperationStatus.COMPLETE
        return httpx.Response(200, json=status)

    client, checked = checked_client(handler)
    with client:
        first = client.bulk_status("u-1")
        assert not first.done
        done = client.wait_for_bulk("u-1", interval=0.5, sleep=polls.append)
    assert done.done and polls == [0.5, 0.5]
    assert done.failures(submission) == {
        "C": "The price is invalid.",
        "D": "rejected when the bulk request was submitted",
    }
    assert set(checked.checked) == {"GET /V1/bulk/{bulkUuid}/status"}


def test_bulk_requests_respect_the_async_batch_size() -> None:
    uuids: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        body = json_body(request)
        uuids.append(f"u-{len(uuids)}")
        items = [{"id": i, "data_hash": "h", "status": "accepted"} for i in range(len(body))]
        return httpx.Response(202, json={"bulk_uuid": uuids[-1], "request_items": items})

    limits = Limits(batch_size=2, async_batch_size=3, bulk_threshold=0)
    client, _ = checked_client(handler, limits=limits)
    items = [SourceItem(f"S{i}", "default", i) for i in range(13)]
    with client:
        result = client.save_source_items(items)
    # 13 rows → 7 bodies of ≤ 2 → 3 bulk requests of ≤ 3 bodies.
    assert [len(s.items) for s in result.bulk] == [3, 3, 1]
    entities = [e for s in result.bulk for item in s.items for e in item.entities]
    assert entities == [f"S{i}" for i in range(13)]


def test_large_bulk_pushes_are_spread_over_the_allowed_concurrency() -> None:
    # One request of 450 operations would keep one Magento worker busy and leave three idle.
    sizes: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        body = json_body(request)
        sizes.append(len(body))
        items = [{"id": i, "data_hash": "h", "status": "accepted"} for i in range(len(body))]
        return httpx.Response(202, json={"bulk_uuid": f"u-{len(sizes)}", "request_items": items})

    limits = Limits(batch_size=1, bulk_threshold=0, concurrency=4)
    client, _ = checked_client(handler, limits=limits)
    with client:
        spread = client.save_source_items([SourceItem(f"S{i}", "default", i) for i in range(450)])
        small = client.save_source_items([SourceItem(f"T{i}", "default", i) for i in range(150)])
    assert sorted(sizes[:4]) == [111, 113, 113, 113] and sizes[4:] == [150]
    entities = [e for s in spread.bulk for item in s.items for e in item.entities]
    assert entities == [f"S{i}" for i in range(450)]
    assert len(small.bulk) == 1


def test_page_sizes_above_the_input_limit_are_refused_before_sending() -> None:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={"items": [], "total_count": 0})

    client, _ = checked_client(handler, limits=Limits(page_size=100))
    with client:
        with pytest.raises(ValueError, match="above the limit"):
            client.search_products(SearchCriteria().page(size=101))
        with pytest.raises(ValueError):
            client.search_orders(SearchCriteria().page(size=301))
        client.search_products(SearchCriteria().page(size=100))
    assert len(sent) == 1


def test_product_reads_can_ask_for_a_few_fields_only() -> None:
    seen: list[dict[str, str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(dict(request.url.params))
        return httpx.Response(200, json={"items": [{"id": 1, "sku": "S1"}], "total_count": 1})

    client, _ = checked_client(handler)
    with client:
        found = list(client.iter_products(SearchCriteria(), 300, fields=("sku",)))
    assert found == [{"id": 1, "sku": "S1"}]
    assert seen[0]["fields"] == "items[id,sku],total_count"
