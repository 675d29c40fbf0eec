"""MSI sources, source items, salable quantity and legacy stock items over raw HTTP (notes §5)."""

from __future__ import annotations

from typing import Any

from magspec_pipelines_tests.openapi import checked
from magspec_pipelines_tests.sandbox.conftest import MagentoHandle, MagentoServe

SALABLE = "/V1/inventory/get-product-salable-quantity/{sku}/{stockId}"


def _source_items(m: MagentoHandle, sku: str) -> dict[str, Any]:
    params = {"searchCriteria[filter_groups][0][filters][0][field]": "sku",
              "searchCriteria[filter_groups][0][filters][0][value]": sku}  # fmt: skip
    found = checked(m.rest, "GET", "/V1/inventory/source-items", "/V1/inventory/source-items",
                    params=params)  # fmt: skip
    return {i["source_code"]: i["quantity"] for i in found["items"]}


def _salable(m: MagentoHandle, sku: str, stock_id: int) -> float:
    return checked(m.rest, "GET", SALABLE, f"/V1/inventory/get-product-salable-quantity/{sku}/"
                   f"{stock_id}")  # fmt: skip


def test_sources_and_stocks_per_website(magento_shared: MagentoHandle) -> None:
    m = magento_shared
    sources = checked(m.rest, "GET", "/V1/inventory/sources", "/V1/inventory/sources",
                      params={"searchCriteria": ""})  # fmt: skip
    assert [s["source_code"] for s in sources["items"]] == [
        "default", "se_warehouse", "fi_warehouse"
    ]  # fmt: skip
    stocks = checked(m.rest, "GET", "/V1/inventory/stocks", "/V1/inventory/stocks",
                     params={"searchCriteria": ""})  # fmt: skip
    channels = {s["stock_id"]: s["extension_attributes"]["sales_channels"] for s in stocks["items"]}
    assert channels == {1: [{"type": "website", "code": "se"}],
                        2: [{"type": "website", "code": "fi"}]}  # fmt: skip


def test_salable_quantity_is_sources_minus_open_orders(magento_serve: MagentoServe) -> None:
    m = magento_serve(orders_per_day=0)
    sku = "24-MB01"
    body = {"sourceItems": [
        {"sku": sku, "source_code": "default", "quantity": 7, "status": 1},
        {"sku": sku, "source_code": "se_warehouse", "quantity": 5, "status": 1},
        {"sku": sku, "source_code": "fi_warehouse", "quantity": 100, "status": 1},
    ]}  # fmt: skip
    template = "/V1/inventory/source-items"
    assert checked(m.rest, "POST", template, template, body, status=200) == []
    assert _source_items(m, sku) == {"default": 7, "se_warehouse": 5, "fi_warehouse": 100}
    assert _salable(m, sku, 1) == 12  # §5: Σ of the stock's sources (default + se_warehouse)
    order = m.inst.place_order(store_code="se", status="processing")
    row = order["items"][0]
    line_sku, qty = row["sku"], row["qty_ordered"]
    before = sum(_source_items(m, line_sku).get(c, 0) for c in ("default", "se_warehouse"))
    # §5: a reservation for the open order until it ships (the first row is a top-level one).
    assert _salable(m, line_sku, 1) == before - sum(
        r["qty_ordered"]
        for r in order["items"]
        if r["sku"] == line_sku and r["product_type"] == "simple"
    )
    warehouse = _source_items(m, line_sku)["se_warehouse"]
    ship = {"items": [{"order_item_id": row["item_id"], "qty": qty}],
            "arguments": {"extension_attributes": {"source_code": "se_warehouse"}}}  # fmt: skip
    checked(m.rest, "POST", "/V1/order/{orderId}/ship", f"/V1/order/{order['entity_id']}/ship",
            ship)  # fmt: skip
    assert _salable(m, line_sku, 1) == before - qty  # the shipment took it from the source
    assert _source_items(m, line_sku)["se_warehouse"] == warehouse - qty


def test_source_items_delete_and_unknown_source(magento_serve: MagentoServe) -> None:
    m = magento_serve()
    template = "/V1/inventory/source-items"
    bad = {"sourceItems": [{"sku": "24-MB01", "source_code": "nowhere", "quantity": 1,
                            "status": 1}]}  # fmt: skip
    refused = checked(m.rest, "POST", template, template, bad, status=400)
    assert refused["errors"][0]["parameters"] == ["nowhere"]
    gone = {"sourceItems": [{"sku": "24-MB01", "source_code": "fi_warehouse"}]}
    delete = "/V1/inventory/source-items-delete"
    assert checked(m.rest, "POST", delete, delete, gone, status=200) == []
    assert "fi_warehouse" not in _source_items(m, "24-MB01")


def test_legacy_stock_item_merges_into_the_default_source(magento_serve: MagentoServe) -> None:
    m = magento_serve()
    sku = "24-MB01"
    before = _source_items(m, sku)
    item = checked(m.rest, "GET", "/V1/stockItems/{productSku}", f"/V1/stockItems/{sku}")
    template = "/V1/products/{productSku}/stockItems/{itemId}"
    body = {"stockItem": {"qty": 3}}
    answer = checked(m.rest, "PUT", template, f"/V1/products/{sku}/stockItems/{item['item_id']}",
                     body)  # fmt: skip
    assert answer == item["item_id"]
    after = checked(m.rest, "GET", "/V1/stockItems/{productSku}", f"/V1/stockItems/{sku}")
    # §5: merged (is_in_stock kept) and only the `default` source changes (§9.6).
    assert (after["qty"], after["is_in_stock"]) == (3, item["is_in_stock"])
    assert _source_items(m, sku) == {**before, "default": 3}


def test_without_msi_inventory_routes_are_unknown(magento_serve: MagentoServe) -> None:
    m = magento_serve(msi=False)
    response = m.rest("GET", "/V1/inventory/sources", params={"searchCriteria": ""})
    assert response.status_code == 404
    assert response.json() == {"message": "Request does not match any route."}
    # The legacy API always exists (§5).
    checked(m.rest, "GET", "/V1/stockItems/{productSku}", "/V1/stockItems/24-MB01")
