"""Products: search and read, save simple and configurable products, configurable options and
children, website assignment, custom attributes and attribute options (reference §3).

Writes default to the `all` store scope: through `/rest/V1` or a store code Magento would copy
every value sent into that store view and break "Use Default Value" (reference §3.3, §9.7).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from magspec_pipelines.http import map_bounded
from magspec_pipelines.magento import assumed
from magspec_pipelines.magento.bulk import BulkApi
from magspec_pipelines.magento.errors import MagentoError, MagentoNotFound, MagentoRequestError
from magspec_pipelines.magento.models import (
    FailedRow,
    ProductSaveResult,
    Variant,
    with_custom_attributes,
)
from magspec_pipelines.magento.paging import SearchResult, iter_keyset, search_result
from magspec_pipelines.magento.rest import (
    ALL_STORES,
    expect_bool,
    expect_dict,
    expect_int,
    expect_list,
    path_segment,
)
from magspec_pipelines.magento.search import SearchCriteria

VISIBILITY_NOT_VISIBLE = 1
# SKUs per `sku in (...)` search of `products_by_sku`.
SKUS_PER_SEARCH = 100
# Above this many SKUs, reading the whole catalog (300 a page) costs fewer requests than
# searching for them by SKU.
SKU_LOOKUP_LIMIT = 1000
VISIBILITY_CATALOG_SEARCH = 4


class CatalogApi(BulkApi):
    # -- products -------------------------------------------------------------------------------
    def search_products(
        self,
        criteria: SearchCriteria,
        *,
        scope: str | None = None,
        fields: Sequence[str] | None = None,
    ) -> SearchResult:
        """One page of products; `fields` trims each item to those fields (Magento's `fields=`
        filter; `total_count` is always kept, keyset paging needs `id`)."""
        params = self._search_params(criteria)
        if fields:
            params.append(("fields", f"items[{','.join(fields)}],total_count"))
        body = self._core.call(
            "GET",
            "/V1/products",
            "GET /V1/products",
            scope=scope,
            params=params,
            idempotent=True,
        )
        return search_result(body, "GET /V1/products")

    def iter_products(
        self,
        criteria: SearchCriteria,
        page_size: int = 100,
        *,
        scope: str | None = None,
        fields: Sequence[str] | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Every product matching `criteria` once, by ascending entity id (keyset paging);
        `fields` as for `search_products` (`id` is added)."""
        wanted = sorted({"id", *fields}) if fields else None

        def search(page: SearchCriteria) -> SearchResult:
            return self.search_products(page, scope=scope, fields=wanted)

        return iter_keyset(
            search,
            criteria,
            page_size,
            filter_field="entity_id",
            item_key="id",
            parallel=self._limits.concurrency,
        )

    def products_by_sku(
        self,
        skus: Sequence[str],
        *,
        scope: str | None = None,
        fields: Sequence[str] | None = None,
    ) -> dict[str, dict[str, Any]]:
        """The products among `skus` that exist, by SKU: searches of `SKUS_PER_SEARCH` SKUs
        (`sku in (...)`, so the query string stays a few kilobytes), run side by side."""
        unique = list(dict.fromkeys(skus))
        groups = [unique[i : i + SKUS_PER_SEARCH] for i in range(0, len(unique), SKUS_PER_SEARCH)]

        def lookup(group: list[str]) -> list[dict[str, Any]]:
            criteria = SearchCriteria().where("sku", "in", group)
            pages = self.iter_products(
                criteria, page_size=self._limits.page_size, scope=scope, fields=fields
            )
            return list(pages)

        found = map_bounded(lookup, groups, self._limits.concurrency)
        return {str(p.get("sku")): p for page in found for p in page}

    def get_product(
        self, sku: str, *, scope: str | None = None, store_id: int | None = None
    ) -> dict[str, Any]:
        params = [("storeId", str(store_id))] if store_id is not None else None
        body = self._core.call(
            "GET",
            f"/V1/products/{path_segment(sku)}",
            "GET /V1/products/{sku}",
            scope=scope,
            params=params,
            idempotent=True,
        )
        return expect_dict(body, "GET /V1/products/{sku}")

    def save_product(self, product: Mapping[str, Any], scope: str | None = ALL_STORES) -> dict:
        """Create or update (by SKU) one product and return it as Magento saved it.

        Send only the fields to change: under a store code those become store-view values.
        """
        if not product.get("sku"):
            raise ValueError("a product needs a sku")
        body = self._core.call(
            "POST",
            "/V1/products",
            "POST /V1/products",
            scope=scope,
            body={"product": dict(product), "saveOptions": True},
            idempotent=True,
        )
        return expect_dict(body, "POST /V1/products")

    def save_products(
        self, products: Sequence[Mapping[str, Any]], scope: str | None = ALL_STORES
    ) -> ProductSaveResult:
        """Save many products: above `bulk_threshold` through async bulk, otherwise a few at a
        time; a product Magento refuses is reported in `failed`, the others are saved."""
        result = ProductSaveResult()
        if self._limits.use_bulk(len(products)):
            bodies = [{"product": dict(p), "saveOptions": True} for p in products]
            result.bulk = self._push_bulk(
                "POST", "/products", bodies, [[str(p["sku"])] for p in products], scope
            )
            return result

        def save(product: Mapping[str, Any]) -> dict[str, Any] | FailedRow:
            try:
                return self.save_product(product, scope)
            except (MagentoRequestError, MagentoNotFound) as exc:
                return FailedRow(str(product.get("sku")), exc.message, exc.parameters)

        for product, saved in zip(
            products, map_bounded(save, products, self._limits.concurrency), strict=True
        ):
            if isinstance(saved, FailedRow):
                result.failed.append(saved)
            else:
                result.saved[str(product["sku"])] = saved
        return result

    def delete_product(self, sku: str) -> bool:
        endpoint = "DELETE /V1/products/{sku}"
        path = f"/V1/products/{path_segment(sku)}"
        return expect_bool(self._core.call("DELETE", path, endpoint, idempotent=True), endpoint)

    # -- websites -------------------------------------------------------------------------------
    def assign_website(self, sku: str, website_id: int) -> bool:
        endpoint = "POST /V1/products/{sku}/websites"
        body = {"productWebsiteLink": {"sku": sku, "website_id": int(website_id)}}
        answer = self._core.call(
            "POST",
            f"/V1/products/{path_segment(sku)}/websites",
            endpoint,
            body=body,
            idempotent=True,
        )
        return expect_bool(answer, endpoint)

    def unassign_website(self, sku: str, website_id: int) -> bool:
        endpoint = "DELETE /V1/products/{sku}/websites/{websiteId}"
        path = f"/V1/products/{path_segment(sku)}/websites/{int(website_id)}"
        return expect_bool(self._core.call("DELETE", path, endpoint, idempotent=True), endpoint)

    # -- configurables --------------------------------------------------------------------------
    def configurable_children(self, sku: str) -> list[dict[str, Any]]:
        """The children (no extension attributes: stock and websites need a product search)."""
        endpoint = "GET /V1/configurable-products/{sku}/children"
        path = f"/V1/configurable-products/{path_segment(sku)}/children"
        return expect_list(self._core.call("GET", path, endpoint, idempotent=True), endpoint)

    def add_configurable_child(self, sku: str, child_sku: str) -> bool:
        endpoint = "POST /V1/configurable-products/{sku}/child"
        path = f"/V1/configurable-products/{path_segment(sku)}/child"
        answer = self._core.call(
            "POST", path, endpoint, body={"childSku": child_sku}, idempotent=False
        )
        return expect_bool(answer, endpoint)

    def remove_configurable_child(self, sku: str, child_sku: str) -> bool:
        endpoint = "DELETE /V1/configurable-products/{sku}/children/{childSku}"
        path = f"/V1/configurable-products/{path_segment(sku)}/children/{path_segment(child_sku)}"
        return expect_bool(self._core.call("DELETE", path, endpoint, idempotent=True), endpoint)

    def configurable_options(self, sku: str) -> list[dict[str, Any]]:
        endpoint = "GET /V1/configurable-products/{sku}/options/all"
        path = f"/V1/configurable-products/{path_segment(sku)}/options/all"
        return expect_list(self._core.call("GET", path, endpoint, idempotent=True), endpoint)

    def add_configurable_option(
        self,
        sku: str,
        attribute_id: int,
        label: str,
        value_indexes: Sequence[int],
        position: int = 0,
    ) -> int:
        """Make attribute `attribute_id` a variant axis of configurable `sku`; the option id."""
        option = {
            "attribute_id": str(attribute_id),
            "label": label,
            "position": position,
            "is_use_default": True,
            "values": [{"value_index": int(v)} for v in value_indexes],
        }
        endpoint = "POST /V1/configurable-products/{sku}/options"
        path = f"/V1/configurable-products/{path_segment(sku)}/options"
        answer = self._core.call("POST", path, endpoint, body={"option": option}, idempotent=False)
        return expect_int(answer, endpoint)

    def save_configurable(
        self,
        parent: Mapping[str, Any],
        variants: Sequence[Variant],
        scope: str | None = ALL_STORES,
    ) -> dict[str, Any]:
        """Create or update a configurable with its children and return the parent as saved.

        Missing attribute option values (a new size or colour) are created first; children are
        saved with the option ids, the parent gets the variant axes it lacks and the children
        it does not have yet. Running it again with the same input changes nothing.
        """
        codes = sorted({code for variant in variants for code in variant.options})
        option_ids = {
            code: self.ensure_attribute_options(
                code, sorted({v.options[code] for v in variants if code in v.options})
            )
            for code in codes
        }
        for variant in variants:
            values = {code: str(option_ids[code][label]) for code, label in variant.options.items()}
            child = with_custom_attributes(variant.product, values)
            child.setdefault("type_id", "simple")
            child.setdefault("visibility", VISIBILITY_NOT_VISIBLE)
            self.save_product(child, scope)
        saved = self.save_product(
            {"visibility": VISIBILITY_CATALOG_SEARCH, **parent, "type_id": "configurable"}, scope
        )
        sku = str(parent["sku"])
        present = {str(o.get("attribute_id")) for o in self.configurable_options(sku)}
        for position, code in enumerate(codes):
            attribute = self.attribute(code)
            attribute_id = int(attribute["attribute_id"])
            if str(attribute_id) in present:
                continue
            label = str(attribute.get("default_frontend_label") or code)
            self.add_configurable_option(
                sku, attribute_id, label, sorted(set(option_ids[code].values())), position
            )
        linked = {str(child.get("sku")) for child in self.configurable_children(sku)}
        for variant in variants:
            child_sku = str(variant.product["sku"])
            if child_sku not in linked:
                self.add_configurable_child(sku, child_sku)
        return saved

    # -- attributes -----------------------------------------------------------------------------
    def attribute(self, code: str) -> dict[str, Any]:
        endpoint = "GET /V1/products/attributes/{attributeCode}"
        path = f"/V1/products/attributes/{path_segment(code)}"
        return expect_dict(self._core.call("GET", path, endpoint, idempotent=True), endpoint)

    def attribute_options(self, code: str) -> list[dict[str, Any]]:
        """The options of a select attribute (`label`, `value` = option id as a string), without
        the empty placeholder option Magento lists first."""
        endpoint = "GET /V1/products/attributes/{attributeCode}/options"
        path = f"/V1/products/attributes/{path_segment(code)}/options"
        rows = expect_list(self._core.call("GET", path, endpoint, idempotent=True), endpoint)
        return [row for row in rows if str(row.get("value") or "").strip()]

    def add_attribute_option(self, code: str, label: str, sort_order: int | None = None) -> int:
        """Create an option with admin label `label` and return its id."""
        option: dict[str, Any] = {"label": label, "is_default": False}
        if sort_order is not None:
            option["sort_order"] = sort_order
        endpoint = "POST /V1/products/attributes/{attributeCode}/options"
        path = f"/V1/products/attributes/{path_segment(code)}/options"
        answer = self._core.call("POST", path, endpoint, body={"option": option}, idempotent=False)
        option_id = assumed.option_id_from_answer(answer)
        if option_id is None:
            option_id = self._option_ids(code).get(assumed.option_label_key(label))
        if option_id is None:
            raise MagentoError(f"{endpoint}: option {label!r} of {code!r} was not created")
        return option_id

    def ensure_attribute_options(self, code: str, labels: Sequence[str]) -> dict[str, int]:
        """`{label: option_id}` for every label, creating the values attribute `code` lacks."""
        known = self._option_ids(code)
        result: dict[str, int] = {}
        for label in labels:
            key = assumed.option_label_key(label)
            if key not in known:
                known[key] = self.add_attribute_option(code, label.strip())
            result[label] = known[key]
        return result

    def _option_ids(self, code: str) -> dict[str, int]:
        ids: dict[str, int] = {}
        for row in self.attribute_options(code):
            value = str(row.get("value", "")).strip()
            if value.isdigit():
                ids.setdefault(assumed.option_label_key(str(row.get("label", ""))), int(value))
        return ids
