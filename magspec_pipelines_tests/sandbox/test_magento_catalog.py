"""Products, configurables, attribute options and store scope over raw HTTP (notes §3)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from magspec_pipelines_tests.openapi import checked
from magspec_pipelines_tests.sandbox.conftest import MagentoHandle, MagentoServe
from magspec_sandbox.luma import load_catalog

PRODUCT = "/V1/products/{sku}"


def _path(sku: str) -> str:
    return f"/V1/products/{quote(sku, safe='')}"


def _get(m: MagentoHandle, sku: str, scope: str = "") -> dict[str, Any]:
    return checked(m.rest, "GET", PRODUCT, f"{scope}{_path(sku)}")


def _custom(product: dict[str, Any], code: str) -> Any:
    return next((a["value"] for a in product["custom_attributes"] if a["attribute_code"] == code),
                None)  # fmt: skip


def _simple(sku: str, **extra: Any) -> dict[str, Any]:
    return {"product": {"sku": sku, "name": f"Artikel {sku}", "attribute_set_id": 4,
                        "price": 199, "type_id": "simple", **extra}}  # fmt: skip


def test_luma_catalog_is_seeded_with_configurables_and_children(magento_shared: MagentoHandle):
    m = magento_shared
    luma = load_catalog()
    hoodie = _get(m, "MH01")
    assert hoodie["type_id"] == "configurable" and hoodie["visibility"] == 4
    ext = hoodie["extension_attributes"]
    assert {o["label"] for o in ext["configurable_product_options"]} == {"Color", "Size"}
    children = checked(
        m.rest, "GET", "/V1/configurable-products/{sku}/children",
        "/V1/configurable-products/MH01/children",
    )  # fmt: skip
    assert sorted(c["sku"] for c in children) == sorted(luma.products["MH01"].children)
    # §3.2: children come without extension_attributes but with their size and colour ids.
    assert all("extension_attributes" not in c and _custom(c, "size") for c in children)
    assert sorted(c["id"] for c in children) == sorted(ext["configurable_product_links"])
    gear = _get(m, "24-MB01")
    assert gear["type_id"] == "simple" and gear["price"] == float(luma.products["24-MB01"].price)


def test_product_search_filters_on_attributes(magento_shared: MagentoHandle) -> None:
    m = magento_shared
    params = {
        "searchCriteria[filter_groups][0][filters][0][field]": "sku",
        "searchCriteria[filter_groups][0][filters][0][value]": "MH01-%",
        "searchCriteria[filter_groups][0][filters][0][condition_type]": "like",
        "searchCriteria[pageSize]": "5",
    }
    found = checked(m.rest, "GET", "/V1/products", "/V1/products", params=params)
    expected = [s for s in load_catalog().products if s.startswith("MH01-")]
    assert found["total_count"] == len(expected) and len(found["items"]) == 5


def test_skus_with_slash_space_and_non_ascii_round_trip(magento_serve: MagentoServe) -> None:
    m = magento_serve()
    for sku in ("ABC/123", "Jacka blå 42", "Tröja/Öl ü"):
        created = checked(m.rest, "POST", "/V1/products", "/V1/products", _simple(sku))
        assert created["sku"] == sku
        # §3.1: the SKU is URL-encoded in the path (`/` → %2F).
        assert _get(m, sku)["sku"] == sku
        assert checked(m.rest, "PUT", PRODUCT, _path(sku), _simple(sku, price=249))["price"] == 249
    missing = checked(m.rest, "GET", PRODUCT, _path("ABC/999"), status=404)
    assert missing["message"].startswith("The product that was requested doesn't exist")


def test_store_scope_writes_follow_the_url_code(magento_serve: MagentoServe) -> None:
    m = magento_serve()
    sku = "24-MB01"
    original = _get(m, sku, "/all")["name"]
    # §3.3: a store code writes that store view's value only, never the global one.
    body = {"product": {"sku": sku, "name": "Ryggsäck Joust"}}
    checked(m.rest, "PUT", PRODUCT, f"/b2b_fi{_path(sku)}", body)
    assert _get(m, sku, "/b2b_fi")["name"] == "Ryggsäck Joust"
    assert _get(m, sku, "/all")["name"] == original
    assert _get(m, sku, "/se")["name"] == original
    # No code on update: the default store view (the first one, `se`) gets the value (§9.7).
    checked(m.rest, "PUT", PRODUCT, _path(sku), {"product": {"sku": sku, "name": "Standard"}})
    assert _get(m, sku, "/se")["name"] == "Standard" and _get(m, sku, "/all")["name"] == original
    # `all` writes the global value, which views without their own value inherit.
    checked(m.rest, "PUT", PRODUCT, f"/all{_path(sku)}", {"product": {"sku": sku, "name": "Ny"}})
    assert _get(m, sku, "/all")["name"] == "Ny"
    assert _get(m, sku, "/b2b_fi")["name"] == "Ryggsäck Joust"


def test_create_assigns_websites_by_scope(magento_serve: MagentoServe) -> None:
    m = magento_serve()
    everywhere = checked(m.rest, "POST", "/V1/products", "/all/V1/products", _simple("A-1"))
    assert everywhere["extension_attributes"]["website_ids"] == [1, 2]
    scoped = checked(m.rest, "POST", "/V1/products", "/b2b_fi/V1/products", _simple("A-2"))
    assert scoped["extension_attributes"]["website_ids"] == [2]
    explicit = _simple("A-3", extension_attributes={"website_ids": [2]})
    made = checked(m.rest, "POST", "/V1/products", "/all/V1/products", explicit)
    assert made["extension_attributes"]["website_ids"] == [2]
    link = {"productWebsiteLink": {"sku": "A-3", "website_id": 1}}
    assert checked(m.rest, "POST", "/V1/products/{sku}/websites", "/V1/products/A-3/websites",
                   link) is True  # fmt: skip
    assert _get(m, "A-3")["extension_attributes"]["website_ids"] == [1, 2]


def test_build_a_configurable_with_new_attribute_options(magento_serve: MagentoServe) -> None:
    m = magento_serve()
    options_path = "/V1/products/attributes/{attributeCode}/options"
    sizes = checked(m.rest, "GET", options_path, "/V1/products/attributes/size/options")
    assert "XXL" not in [o["label"] for o in sizes]
    new_id = checked(m.rest, "POST", options_path, "/V1/products/attributes/size/options",
                     {"option": {"label": "XXL"}})  # fmt: skip
    sizes = checked(m.rest, "GET", options_path, "/V1/products/attributes/size/options")
    assert {"label": "XXL", "value": new_id}.items() <= next(
        o for o in sizes if o["label"] == "XXL"
    ).items()
    size_attr = checked(m.rest, "GET", "/V1/products/attributes/{attributeCode}",
                        "/V1/products/attributes/size")  # fmt: skip

    parent = {"product": {"sku": "JK-1", "name": "Jacka", "attribute_set_id": 4,
                          "type_id": "configurable", "visibility": 4}}  # fmt: skip
    checked(m.rest, "POST", "/V1/products", "/all/V1/products", parent)
    child = _simple(
        "JK-1-XXL", visibility=1, custom_attributes=[{"attribute_code": "size", "value": new_id}]
    )
    checked(m.rest, "POST", "/V1/products", "/all/V1/products", child)
    child_path = "/V1/configurable-products/{sku}/child"
    # §3.2: linking before the parent has options is refused.
    refused = checked(m.rest, "POST", child_path, "/V1/configurable-products/JK-1/child",
                      {"childSku": "JK-1-XXL"}, 400)  # fmt: skip
    assert refused["message"] == "The parent product doesn't have configurable product options."
    option = {"option": {"attribute_id": str(size_attr["attribute_id"]), "label": "Size",
                         "position": 0, "values": [{"value_index": int(new_id)}]}}  # fmt: skip
    option_id = checked(m.rest, "POST", "/V1/configurable-products/{sku}/options",
                        "/V1/configurable-products/JK-1/options", option)  # fmt: skip
    assert isinstance(option_id, int)
    assert checked(m.rest, "POST", child_path, "/V1/configurable-products/JK-1/child",
                   {"childSku": "JK-1-XXL"}) is True  # fmt: skip
    again = checked(m.rest, "POST", child_path, "/V1/configurable-products/JK-1/child",
                    {"childSku": "JK-1-XXL"}, 400)  # fmt: skip
    assert again["message"] == "The product is already attached."
    checked(m.rest, "POST", "/V1/products", "/all/V1/products", _simple("JK-1-NOSIZE"))
    checked(m.rest, "POST", child_path, "/V1/configurable-products/JK-1/child",
            {"childSku": "JK-1-NOSIZE"}, 400)  # fmt: skip
    children = checked(m.rest, "GET", "/V1/configurable-products/{sku}/children",
                       "/V1/configurable-products/JK-1/children")  # fmt: skip
    assert [c["sku"] for c in children] == ["JK-1-XXL"]
    everything = checked(m.rest, "GET", "/V1/configurable-products/{sku}/options/all",
                         "/V1/configurable-products/JK-1/options/all")  # fmt: skip
    assert [o["id"] for o in everything] == [option_id]


def test_configurable_links_can_be_set_in_the_product_save(magento_serve: MagentoServe):
    m = magento_serve()
    kids = [checked(m.rest, "POST", "/V1/products", "/all/V1/products", _simple(f"K-{n}"))["id"]
            for n in range(2)]  # fmt: skip
    body = {"product": {"sku": "K", "name": "K", "type_id": "configurable",
                        "extension_attributes": {"configurable_product_links": kids}}}  # fmt: skip
    made = checked(m.rest, "POST", "/V1/products", "/all/V1/products", body)
    assert made["extension_attributes"]["configurable_product_links"] == kids


def test_key_paging_answers_as_a_full_search_does(magento_shared: MagentoHandle, monkeypatch):
    # Searches that only bound and sort by entity_id are answered from the ids; with one more
    # filter that matches everything they take the general path: the answers must agree.
    from magspec_pipelines_tests.sandbox.test_magento_sandbox import criteria
    from magspec_sandbox.magento import products

    answered = []
    original = products.key_page

    def spy(*args):
        result = original(*args)
        answered.append(result is not None)
        return result

    monkeypatch.setattr(products, "key_page", spy)
    m = magento_shared
    ids = sorted(m.inst.catalog.by_id)
    middle, late = ids[len(ids) // 3], ids[-5]
    cases = [
        ([[("entity_id", str(middle), "gt")]], [("entity_id", "ASC")], 300, None),
        ([[("entity_id", str(middle), "gt")], [("entity_id", str(late), "lteq")]], None, 7, 2),
        ([], [("entity_id", "DESC")], 1, None),
        ([[("entity_id", str(late), "gteq")]], [("entity_id", "ASC")], 3, 9),  # past the end
    ]
    for groups, sort, size, page in cases:
        fast = criteria(*groups, sort=sort, page_size=size, current_page=page)
        slow = criteria(
            *groups, [("sku", "%", "like")], sort=sort, page_size=size, current_page=page
        )
        answers = [m.rest("GET", "/V1/products", params=pairs).json() for pairs in (fast, slow)]
        assert [p["sku"] for p in answers[0]["items"]] == [p["sku"] for p in answers[1]["items"]]
        assert answers[0]["items"], groups
        assert answers[0]["total_count"] == answers[1]["total_count"]
        assert answers[0]["items"] == answers[1]["items"]
    assert answered == [True, False] * len(cases)


def test_fields_trims_the_answer(magento_shared: MagentoHandle) -> None:
    from magspec_pipelines_tests.sandbox.test_magento_sandbox import criteria

    m = magento_shared
    pairs = criteria(page_size=5) + [("fields", "items[sku,type_id],total_count")]
    body = m.rest("GET", "/V1/products", params=pairs).json()
    assert set(body) == {"items", "total_count"}
    assert body["total_count"] == len(m.inst.catalog.by_sku)
    assert [set(item) for item in body["items"]] == [{"sku", "type_id"}] * 5
