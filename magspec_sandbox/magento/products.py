"""Product routes: search, get, create/update (upsert), delete, websites, configurables (§3).

SKUs arrive URL-decoded (`%2F` → `/`, UTF-8 escapes → non-ASCII): `rest.py` matches routes on
the raw path and decodes each parameter, so a `/` inside a SKU never splits the path.
"""

from __future__ import annotations

from typing import Any

from magspec_sandbox.magento import errors
from magspec_sandbox.magento.catalog import Product
from magspec_sandbox.magento.criteria import Limits, SearchResult, parse_search_criteria
from magspec_sandbox.magento.routing import Call, int_value, route
from magspec_sandbox.magento.search import compile_filter, exact_values, key_page, search

PRODUCTS = "Magento_Catalog::products"


def _search(call: Call) -> Any:
    catalog = call.inst.catalog
    criteria = parse_search_criteria(call.query)
    store_id = catalog.read_store_id(call.store_code)
    limits = Limits(
        input_limits=call.inst.settings.input_limits,
        clamp_past_end_page=call.inst.settings.clamp_past_end_page,
    )
    with catalog.lock:
        by_key = key_page(sorted(catalog.by_id), criteria, limits)
        found = None if by_key is None else [catalog.by_id[i] for i in by_key[0]]
    if by_key is not None and found is not None:
        body = SearchResult([], criteria, by_key[1]).body()
        body["items"] = [catalog.json(p, store_id) for p in found]
        return body
    skus = exact_values(criteria, "sku")
    with catalog.lock:
        if skus is not None and len(skus) * 4 < len(catalog.by_sku):
            # A filter group asks for given SKUs only: look those up instead of reading every
            # product (SKUs compare case-insensitively, as in MySQL's collation).
            folded = {sku.casefold() for sku in skus}
            chosen = [p for sku, p in catalog.by_sku.items() if sku.casefold() in folded]
            products = sorted(chosen, key=lambda p: p.id)
        else:
            products = [catalog.by_id[key] for key in sorted(catalog.by_id)]
    # Key filters (keyset paging: `entity_id gt N`) are applied before the rows are built.
    by_key = [
        compile_filter(group[0])
        for group in criteria.filter_groups
        if len(group) == 1 and group[0].field == "entity_id"
    ]
    products = [p for p in products if all(test({"entity_id": p.id}) for test in by_key)]
    # Attribute values are only looked up when the search filters or sorts on one.
    named = {f.field for group in criteria.filter_groups for f in group}
    named |= {order.field for order in criteria.sort_orders or ()}
    with_values = not named <= BASE_COLUMNS
    rows = [_row(product, store_id, with_values) for product in products]
    result = search(rows, criteria, limits)
    body = result.body()
    body["items"] = [catalog.json(row["__product__"], store_id) for row in result.items]
    return body


BASE_COLUMNS = frozenset(
    {"entity_id", "id", "sku", "type_id", "attribute_set_id", "created_at", "updated_at"}
)


def _row(product: Product, store_id: int, with_values: bool = True) -> dict[str, Any]:
    row: dict[str, Any] = {
        "entity_id": product.id,
        "id": product.id,
        "sku": product.sku,
        "type_id": product.type_id,
        "attribute_set_id": product.attribute_set_id,
        "created_at": product.created_at,
        "updated_at": product.updated_at,
    }
    if with_values:
        for code in {*product.values, *product.store_values.get(store_id, {})}:
            row[code] = product.value(code, store_id)
    row["__product__"] = product
    return row


def _get(call: Call) -> Any:
    catalog = call.inst.catalog
    product = catalog.get(call.params["sku"])
    return call.inst.product_json(product, catalog.read_store_id(call.store_code))


def _product_body(call: Call) -> dict[str, Any]:
    product = call.field("product")
    if not isinstance(product, dict):
        raise errors.invalid_type(str(product), "\\Magento\\Catalog\\Api\\Data\\ProductInterface")
    return product


def _save(call: Call) -> Any:
    data = _product_body(call)
    product = call.inst.catalog.save(data, call.store_code, call.inst.now_text())
    return call.inst.product_json(product, call.inst.catalog.read_store_id(call.store_code))


def _put(call: Call) -> Any:
    data = _product_body(call)
    inst = call.inst
    product = inst.catalog.save(data, call.store_code, inst.now_text(), sku=call.params["sku"])
    return inst.product_json(product, inst.catalog.read_store_id(call.store_code))


def _delete(call: Call) -> Any:
    call.inst.catalog.delete(call.params["sku"])
    return True


def _website_link(call: Call) -> Any:
    link = call.field("productWebsiteLink")
    if not isinstance(link, dict):
        raise errors.required("productWebsiteLink")
    if link.get("website_id") is None:
        raise errors.required("website_id")
    sku = link.get("sku") or call.params["sku"]
    call.inst.catalog.assign_website(str(sku), int_value(link["website_id"]))
    return True


def _website_unlink(call: Call) -> Any:
    catalog = call.inst.catalog
    catalog.assign_website(call.params["sku"], call.int_param("websiteId"), assign=False)
    return True


def _children(call: Call) -> Any:
    catalog = call.inst.catalog
    store_id = catalog.read_store_id(call.store_code)
    # §3.2: built from the child attributes only, without extension_attributes.
    return [
        catalog.json(c, store_id, extension=False) for c in catalog.children(call.params["sku"])
    ]


def _add_child(call: Call) -> Any:
    child_sku = call.field("childSku")
    call.inst.catalog.add_child(call.params["sku"], str(child_sku))
    return True


def _remove_child(call: Call) -> Any:
    call.inst.catalog.remove_child(call.params["sku"], call.params["childSku"])
    return True


def _add_option(call: Call) -> Any:
    option = call.field("option")
    if not isinstance(option, dict):
        raise errors.required("option")
    return call.inst.catalog.add_option(call.params["sku"], option)


def _all_options(call: Call) -> Any:
    return [dict(o) for o in call.inst.catalog.get(call.params["sku"]).options]


ROUTES = (
    route("GET", "/V1/products", _search, PRODUCTS),
    route("POST", "/V1/products", _save, PRODUCTS, bulk=True),
    route("GET", "/V1/products/{sku}", _get, PRODUCTS),
    route("PUT", "/V1/products/{sku}", _put, PRODUCTS, bulk=True),
    route("DELETE", "/V1/products/{sku}", _delete, PRODUCTS, bulk=True),
    route("POST", "/V1/products/{sku}/websites", _website_link, PRODUCTS, bulk=True),
    route("PUT", "/V1/products/{sku}/websites", _website_link, PRODUCTS, bulk=True),
    route("DELETE", "/V1/products/{sku}/websites/{websiteId}", _website_unlink, PRODUCTS),
    route("GET", "/V1/configurable-products/{sku}/children", _children, PRODUCTS),
    route("POST", "/V1/configurable-products/{sku}/child", _add_child, PRODUCTS, bulk=True),
    route("DELETE", "/V1/configurable-products/{sku}/children/{childSku}", _remove_child, PRODUCTS),
    route("POST", "/V1/configurable-products/{sku}/options", _add_option, PRODUCTS, bulk=True),
    route("GET", "/V1/configurable-products/{sku}/options/all", _all_options, PRODUCTS),
)
