"""Price pushes against a fake Magento: batching to the input limit, partial failures per row,
async bulk above the threshold (reference §1.5, §4, §7). Every exchange is schema-checked."""

from __future__ import annotations

import httpx
import pytest

from magspec_pipelines.magento.errors import MagentoAuthError
from magspec_pipelines.magento.models import BasePrice, SpecialPrice, TierPrice
from magspec_pipelines.magento.prices import ALL_GROUPS, INFORMATION_SKUS
from magspec_pipelines.magento.rest import Limits
from magspec_pipelines_tests.magento.schema_hooks import checked_client, json_body

DUPLICATE = (
    "We found a duplicate website, tier price, customer group and quantity: Customer Group = "
    "%customerGroup, Website Id = %websiteId, Quantity = %qty. Row ID: SKU = %SKU, Website ID: "
    "%websiteId, Customer Group: %customerGroup, Quantity: %qty."
)


class PriceStorage:
    """Answers the price storage endpoints like Magento with input limits on: more than 20 rows
    is a 400; rows for SKUs in `refuse` come back as failed rows."""

    def __init__(self, refuse: frozenset[str] = frozenset(), per_occurrence: bool = False) -> None:
        self.refuse = refuse
        self.per_occurrence = per_occurrence
        self.calls: list[tuple[str, str, list[dict]]] = []

    def parameters(self, row: dict) -> list[str]:
        group, website, qty = row["customer_group"], str(row["website_id"]), str(row["quantity"])
        if self.per_occurrence:  # one value per placeholder as the phrase reads
            return [group, website, qty, row["sku"], website, group, qty]
        return [group, website, qty, row["sku"]]  # one value per name, first appearance first

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json_body(request)
        path = request.url.path.split("/V1", 1)[1]
        if "/async/bulk/" in request.url.path:
            self.calls.append((request.method, "bulk " + path, body))
            items = [
                {"id": i, "data_hash": f"h{i}", "status": "accepted" if i != 1 else "rejected"}
                for i in range(len(body))
            ]
            return httpx.Response(
                202, json={"bulk_uuid": "b-1", "request_items": items, "errors": True}
            )
        rows = body.get("prices") or body.get("skus")
        self.calls.append((request.method, path, rows))
        # Magento's input limit: arrays of entities (prices), not the `skus` string[]
        if "prices" in body and len(rows) > 20:
            return httpx.Response(
                400,
                json={
                    "message": "Maximum items of type %type is %max",
                    "parameters": {"type": "x", "max": 20},
                },
            )
        if path.endswith("-information"):
            return httpx.Response(200, json=[{"sku": s, "price": 10, "store_id": 0} for s in rows])
        failed = [
            {"message": DUPLICATE, "parameters": self.parameters(row)}
            for row in rows
            if row["sku"] in self.refuse
        ]
        return httpx.Response(200, json=failed)


def tiers(count: int, skus: int = 45) -> list[TierPrice]:
    return [
        TierPrice(
            sku=f"MH{i % skus:02d}",
            price=40 + i % 7,
            customer_group="Retailer",
            quantity=1 + i // skus,
        )
        for i in range(count)
    ]


def test_45_tier_prices_go_out_in_three_calls_of_at_most_20() -> None:
    fake = PriceStorage()
    client, checked = checked_client(fake)
    with client:
        result = client.add_tier_prices(tiers(45))
    assert result.ok and result.failed == []
    sizes = [len(rows) for _, _, rows in fake.calls]
    assert sorted(sizes) == [5, 20, 20]
    sent = sorted((r["sku"], r["quantity"]) for _, _, rows in fake.calls for r in rows)
    assert sent == sorted((t.sku, t.quantity) for t in tiers(45))
    assert set(checked.checked) == {"POST /V1/products/tier-prices"}


def test_a_batch_size_can_be_set() -> None:
    fake = PriceStorage()
    client, _ = checked_client(fake, limits=Limits(batch_size=7))
    with client:
        client.update_base_prices([BasePrice(f"S{i}", 10) for i in range(15)])
    assert sorted(len(rows) for _, _, rows in fake.calls) == [1, 7, 7]


@pytest.mark.parametrize("per_occurrence", [False, True])
def test_refused_rows_come_back_per_row_with_the_phrase_rendered(per_occurrence: bool) -> None:
    fake = PriceStorage(refuse=frozenset({"MH03", "MH17"}), per_occurrence=per_occurrence)
    client, _ = checked_client(fake)
    with client:
        result = client.add_tier_prices(tiers(45))
    assert not result.ok
    assert sorted(row.sku for row in result.failed) == ["MH03", "MH17"]
    row = next(r for r in result.failed if r.sku == "MH03")
    assert "Row ID: SKU = MH03, Website ID: 0, Customer Group: Retailer" in row.message_rendered
    assert "Customer Group = Retailer, Website Id = 0, Quantity = 1." in row.message_rendered
    assert "%" not in row.message_rendered
    assert "MH03" in row.parameters


def test_replacing_keeps_all_rows_of_a_sku_in_one_call() -> None:
    # 8 SKUs x 3 tiers: a plain cut at 20 would split one SKU's rows over two calls, and the
    # second call would replace what the first wrote.
    rows = [
        TierPrice(sku=f"WS{s}", price=30 - q, customer_group=ALL_GROUPS, quantity=q)
        for s in range(8)
        for q in (1, 5, 10)
    ]
    fake = PriceStorage()
    client, _ = checked_client(fake)
    with client:
        client.replace_tier_prices(rows)
    assert all(method == "PUT" for method, _, _ in fake.calls)
    homes: dict[str, set[int]] = {}
    for index, (_, _, batch) in enumerate(fake.calls):
        assert len(batch) <= 20
        for row in batch:
            homes.setdefault(row["sku"], set()).add(index)
    assert len(homes) == 8 and all(len(calls) == 1 for calls in homes.values())


def test_replacing_more_rows_of_one_sku_than_a_call_carries_is_refused() -> None:
    client, _ = checked_client(PriceStorage())
    rows = [
        TierPrice(sku="MH01", price=10, customer_group="General", quantity=q) for q in range(1, 22)
    ]
    with client, pytest.raises(ValueError, match="MH01"):
        client.replace_tier_prices(rows)


def test_reads_are_batched_and_deduplicated() -> None:
    fake = PriceStorage()
    client, checked = checked_client(fake)
    skus = [f"S{i}" for i in range(INFORMATION_SKUS + 25)] + ["S0", "S1"]
    with client:
        prices = client.base_prices(skus)
        client.tier_prices(["S1"])
        client.special_prices(["S1"])
    assert sorted(p["sku"] for p in prices) == sorted(set(skus))
    # `skus` is a string[], which Magento's 20-entity input limit does not cap
    sizes = sorted(len(rows) for _, path, rows in fake.calls if "base" in path)
    assert sizes == [25, INFORMATION_SKUS]
    assert "POST /V1/products/special-price-information" in checked.checked


def test_special_prices_and_deletes_use_their_endpoints() -> None:
    fake = PriceStorage()
    client, checked = checked_client(fake)
    with client:
        client.update_special_prices(
            [
                SpecialPrice(
                    "MH01", 39.9, price_from="2026-12-01 00:00:00", price_to="2026-12-31 23:59:59"
                )
            ]
        )
        client.delete_special_prices([SpecialPrice("MH01", 39.9)])
        client.delete_tier_prices([TierPrice("MH01", 10, "General")])
    assert checked.checked == [
        "POST /V1/products/special-price",
        "POST /V1/products/special-price-delete",
        "POST /V1/products/tier-prices-delete",
    ]
    assert fake.calls[0][2][0]["price_from"] == "2026-12-01 00:00:00"


def test_above_the_threshold_prices_go_through_async_bulk_and_map_back() -> None:
    fake = PriceStorage()
    client, checked = checked_client(fake, limits=Limits(bulk_threshold=30))
    with client:
        result = client.update_base_prices([BasePrice(f"B{i:02d}", 10 + i) for i in range(45)])
    assert checked.checked == ["async bulk POST /V1/products/base-prices"]
    assert [path for _, path, _ in fake.calls] == ["bulk /products/base-prices"]
    (submission,) = result.bulk
    assert submission.bulk_uuid == "b-1"
    # Each element carries one batch of 20; element 1 (B20..B39) was rejected.
    assert [len(item.entities) for item in submission.items] == [20, 20, 5]
    assert [item.index for item in submission.rejected] == [1]
    assert submission.rejected[0].entities == tuple(f"B{i:02d}" for i in range(20, 40))


def test_a_refused_call_marks_its_rows_but_auth_failures_raise() -> None:
    def refusing(request: httpx.Request) -> httpx.Response:
        skus = {r["sku"] for r in json_body(request)["prices"]}
        if "BAD" in skus:
            return httpx.Response(
                400, json={"message": "Invalid product data: %1", "parameters": ["price"]}
            )
        return httpx.Response(200, json=[])

    client, _ = checked_client(refusing)
    rows = [BasePrice(f"S{i}", 1) for i in range(19)] + [BasePrice("BAD", -1)] + [BasePrice("T", 1)]
    with client:
        result = client.update_base_prices(rows)
    assert len(result.failed) == 20 and {r.sku for r in result.failed} >= {"BAD", "S0"}
    assert "Invalid product data: price" in result.failed[0].message_rendered

    def denied(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            401,
            json={
                "message": "The consumer isn't authorized to access %resources.",
                "parameters": {"resources": "Magento_Catalog::products"},
            },
        )

    client, _ = checked_client(denied)
    with client, pytest.raises(MagentoAuthError):
        client.update_base_prices(rows)
