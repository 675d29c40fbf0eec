"""Base, tier and special prices and customer groups over raw HTTP (notes §4, §9.5)."""

from __future__ import annotations

from typing import Any

from magspec_pipelines_tests.openapi import checked
from magspec_pipelines_tests.sandbox.conftest import MagentoHandle, MagentoServe

SKU = "24-MB01"


def _tier(price: float, website: int, group: str = "Wholesale", qty: int = 5) -> dict[str, Any]:
    return {"sku": SKU, "price": price, "price_type": "fixed", "website_id": website,
            "customer_group": group, "quantity": qty}  # fmt: skip


def _post(m: MagentoHandle, template: str, body: dict, method: str = "POST") -> Any:
    return checked(m.rest, method, template, template, body)


def _tiers(m: MagentoHandle) -> list[dict[str, Any]]:
    return _post(m, "/V1/products/tier-prices-information", {"skus": [SKU]})


def test_customer_groups_include_retailer(magento_shared: MagentoHandle) -> None:
    m = magento_shared
    found = checked(m.rest, "GET", "/V1/customerGroups/search",
                    "/V1/customerGroups/search", params={"searchCriteria": ""})  # fmt: skip
    assert [(g["id"], g["code"]) for g in found["items"]] == [
        (0, "NOT LOGGED IN"), (1, "General"), (2, "Wholesale"), (3, "Retailer")
    ]  # fmt: skip
    assert m.inst.spec.customer_groups[3].code == "Retailer"


def test_base_prices_partial_failure_saves_the_valid_rows(magento_serve: MagentoServe) -> None:
    m = magento_serve()
    body = {"prices": [{"sku": SKU, "price": 449, "store_id": 0},
                       {"sku": "NOPE", "price": 1, "store_id": 0},
                       {"sku": SKU, "price": 10, "store_id": 99}]}  # fmt: skip
    failed = _post(m, "/V1/products/base-prices", body)
    # §4: HTTP 200 with the failed rows; the valid row is saved.
    assert len(failed) == 2
    assert failed[1]["message"].startswith("Requested store is not found")
    assert failed[1]["parameters"] == [SKU, "99"]
    info = _post(m, "/V1/products/base-prices-information", {"skus": [SKU]})
    assert info == [{"sku": SKU, "price": 449, "store_id": 0}]
    # With website price scope a store's price holds for its website (§3.3).
    assert _post(m, "/V1/products/base-prices",
                 {"prices": [{"sku": SKU, "price": 4990, "store_id": 1}]}) == []  # fmt: skip
    se = checked(m.rest, "GET", "/V1/products/{sku}", f"/se/V1/products/{SKU}")
    fi = checked(m.rest, "GET", "/V1/products/{sku}", f"/b2b_fi/V1/products/{SKU}")
    assert (se["price"], fi["price"]) == (4990, 449)


def test_tier_price_website_zero_conflicts_with_a_website(magento_serve: MagentoServe) -> None:
    m = magento_serve()
    assert _post(m, "/V1/products/tier-prices", {"prices": [_tier(30, 0)]}) == []
    # §4 / §9.5: website 0 and website 1 with the same group and qty conflict.
    failed = _post(m, "/V1/products/tier-prices", {"prices": [_tier(28, 1), _tier(25, 1, qty=10)]})
    assert len(failed) == 1 and failed[0]["message"].startswith("We found a duplicate website")
    assert sorted((t["website_id"], t["quantity"], t["price"]) for t in _tiers(m)) == [
        (0, 5, 30), (1, 10, 25)
    ]  # fmt: skip
    # The same website, group and qty again is an update, not a conflict.
    assert _post(m, "/V1/products/tier-prices", {"prices": [_tier(29, 0)]}) == []
    assert sorted(t["price"] for t in _tiers(m)) == [25, 29]


def test_tier_prices_replace_delete_and_group_codes(magento_serve: MagentoServe) -> None:
    m = magento_serve()
    _post(m, "/V1/products/tier-prices", {"prices": [_tier(30, 0), _tier(20, 0, qty=20)]})
    rows = [_tier(27, 1, "retailer"), _tier(26, 2, "ALL GROUPS"), _tier(1, 1, "Nobody")]
    failed = _post(m, "/V1/products/tier-prices", {"prices": rows}, method="PUT")
    # §4: groups are codes, case-insensitive, or ALL GROUPS; an unknown one fails its row only.
    assert [f["parameters"][1] for f in failed] == ["Nobody"]
    assert sorted((t["customer_group"], t["website_id"]) for t in _tiers(m)) == [
        ("ALL GROUPS", 2), ("Retailer", 1)
    ]  # fmt: skip
    assert _post(m, "/V1/products/tier-prices-delete", {"prices": [_tier(27, 1, "Retailer")]}) == []
    assert [t["customer_group"] for t in _tiers(m)] == ["ALL GROUPS"]


def test_special_prices_are_added_listed_and_deleted(magento_serve: MagentoServe) -> None:
    m = magento_serve()
    row = {"sku": SKU, "price": 19.5, "store_id": 0, "price_from": "2025-03-01 00:00:00",
           "price_to": "2025-03-31 23:59:59"}  # fmt: skip
    failed = _post(m, "/V1/products/special-price", {"prices": [row, {**row, "price": -1}]})
    assert len(failed) == 1
    info = _post(m, "/V1/products/special-price-information", {"skus": [SKU]})
    assert [(r["price"], r["price_from"]) for r in info] == [(19.5, "2025-03-01 00:00:00")]
    assert _post(m, "/V1/products/special-price-delete", {"prices": [row]}) == []
    assert _post(m, "/V1/products/special-price-information", {"skus": [SKU]}) == []
    unknown = checked(m.rest, "POST", "/V1/products/special-price-information",
                      "/V1/products/special-price-information", {"skus": ["NOPE"]}, 404)  # fmt: skip
    assert unknown["parameters"] == {"sku": "NOPE"}


def test_input_limits_cap_price_arrays_at_twenty(magento_serve: MagentoServe) -> None:
    m = magento_serve(input_limits=True)
    rows = [{"sku": SKU, "price": 10 + n, "store_id": 0} for n in range(21)]
    refused = checked(m.rest, "POST", "/V1/products/base-prices", "/V1/products/base-prices",
                      {"prices": rows}, 400)  # fmt: skip
    assert refused["parameters"]["max"] == 20  # §1.5
    assert _post(m, "/V1/products/base-prices", {"prices": rows[:20]}) == []


def test_input_limits_leave_lists_of_skus_alone(magento_serve: MagentoServe) -> None:
    # `skus` is a string[]: Magento applies the 20-item cap to arrays of entities only.
    m = magento_serve(input_limits=True)
    skus = sorted(m.inst.catalog.by_sku)[:25]
    info = _post(m, "/V1/products/base-prices-information", {"skus": skus})
    assert {row["sku"] for row in info} == set(skus)
