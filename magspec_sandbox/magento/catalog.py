"""Products of one instance, seeded from Luma, with Magento's store-scope rules (reference §3).

Values live at store id 0 (global, "Use Default Value") and per store view. Reads for a store
view merge the two; writes follow §3.3: `all` writes global values, a store code writes that store
view's values only, and an update without a code (or with `default`) writes the default store
view's values. Price and weight are global attributes whatever the scope (`catalog/price/scope`
is per website only for the price storage endpoints, see prices.py).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from magspec_sandbox.luma import LumaCatalog
from magspec_sandbox.magento import assumed, errors
from magspec_sandbox.magento.attributes import Attributes
from magspec_sandbox.magento.items import ProductIds, amount
from magspec_sandbox.magento.stores import Stores

NO_SUCH_PRODUCT = "The product that was requested doesn't exist. Verify the product and try again."
ALREADY_ATTACHED = "The product is already attached."
NO_CONFIGURABLE_OPTIONS = "The parent product doesn't have configurable product options."
STANDARD_FIELDS = ("name", "price", "status", "visibility", "weight")
GLOBAL_FIELDS = frozenset({"price", "weight"})
VISIBILITY_NOT_VISIBLE, VISIBILITY_BOTH = 1, 4


@dataclass
class Product:
    id: int
    sku: str
    type_id: str
    attribute_set_id: int
    created_at: str
    updated_at: str
    values: dict[str, Any]  # store id 0: name, price, status, visibility, weight, custom codes
    store_values: dict[int, dict[str, Any]] = field(default_factory=dict)
    website_ids: list[int] = field(default_factory=list)
    options: list[dict[str, Any]] = field(default_factory=list)  # configurable_product_options
    links: list[int] = field(default_factory=list)  # child entity ids

    def value(self, code: str, store_id: int = 0) -> Any:
        scoped = self.store_values.get(store_id, {})
        return scoped[code] if code in scoped else self.values.get(code)


class Catalog:
    """All products of an instance, by SKU, with entity ids shared with the order generator."""

    def __init__(
        self, luma: LumaCatalog, ids: ProductIds, attributes: Attributes, stores: Stores, now: str
    ) -> None:
        self.stores = stores
        self.attributes = attributes
        self.lock = threading.RLock()
        self.by_sku: dict[str, Product] = {}
        self.by_id: dict[int, Product] = {}
        self._next_option_id = 1
        websites = [website_id for website_id, _ in stores.websites.values()]
        for sku, luma_product in luma.products.items():
            values: dict[str, Any] = {
                "name": luma_product.name,
                "price": amount(luma_product.price) if luma_product.type_id == "simple" else 0,
                "status": 1,
                "visibility": VISIBILITY_NOT_VISIBLE
                if luma_product.parent_sku
                else VISIBILITY_BOTH,
                "weight": amount(luma_product.weight),
                "tax_class_id": "2",
                "url_key": sku.lower(),
            }
            for code, label in luma_product.options.items():
                option_id = attributes.get(code).option_id(label)
                if option_id is not None:
                    values[code] = str(option_id)
            product = Product(
                id=ids.products[sku],
                sku=sku,
                type_id=luma_product.type_id,
                attribute_set_id=assumed.ATTRIBUTE_SET_IDS.get(
                    luma_product.attribute_set, assumed.DEFAULT_ATTRIBUTE_SET_ID
                ),
                created_at=now,
                updated_at=now,
                values=values,
                website_ids=list(websites),
            )
            self._add(product)
        for luma_product in luma.configurables:
            product = self.by_sku[luma_product.sku]
            product.links = [ids.products[c] for c in luma_product.children if c in ids.products]
            for position, code in enumerate(("color", "size")):
                attribute = attributes.get(code)
                used = sorted(
                    {int(self.by_id[c].values[code]) for c in product.links
                     if code in self.by_id[c].values}
                )  # fmt: skip
                product.options.append(
                    self._option(product, attribute.attribute_id, attribute.label, position, used)
                )
        self._next_id = max(self.by_id, default=0) + 1

    def _add(self, product: Product) -> None:
        self.by_sku[product.sku] = product
        self.by_id[product.id] = product

    def _option(
        self, product: Product, attribute_id: int | str, label: str, position: int, values: list
    ) -> dict[str, Any]:
        option_id = self._next_option_id
        self._next_option_id += 1
        return {
            "id": option_id,
            "attribute_id": str(attribute_id),
            "label": label,
            "position": position,
            "values": [{"value_index": int(v)} for v in values],
            "product_id": product.id,
        }

    # -- reads -----------------------------------------------------------------------------------
    def get(self, sku: str) -> Product:
        product = self.by_sku.get(sku)
        if product is None:
            raise errors.NoSuchEntityError(NO_SUCH_PRODUCT)
        return product

    def read_store_id(self, store_code: str | None) -> int:
        """The store id a read answers for: `all` is global, no code the default store view."""
        if store_code == "all":
            return 0
        view = self.stores.by_code(store_code)
        return view.id if view else 0

    def json(self, product: Product, store_id: int, *, extension: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": product.id,
            "sku": product.sku,
            "name": product.value("name", store_id),
            "attribute_set_id": product.attribute_set_id,
            "price": product.value("price", store_id),
            "status": product.value("status", store_id),
            "visibility": product.value("visibility", store_id),
            "type_id": product.type_id,
            "created_at": product.created_at,
            "updated_at": product.updated_at,
            "weight": product.value("weight", store_id),
        }
        if extension:
            ext: dict[str, Any] = {"website_ids": list(product.website_ids), "category_links": []}
            if product.type_id == "configurable":
                ext["configurable_product_options"] = [dict(o) for o in product.options]
                ext["configurable_product_links"] = list(product.links)
            out["extension_attributes"] = ext
            out["product_links"] = []
            out["options"] = []
            out["media_gallery_entries"] = []
            out["tier_prices"] = []
        codes = [*product.values, *product.store_values.get(store_id, {})]
        custom = dict.fromkeys(c for c in codes if c not in STANDARD_FIELDS)
        out["custom_attributes"] = [
            {"attribute_code": code, "value": product.value(code, store_id)} for code in custom
        ]
        return out

    def children(self, sku: str) -> list[Product]:
        parent = self.get(sku)
        return [self.by_id[i] for i in parent.links if i in self.by_id]

    # -- writes ----------------------------------------------------------------------------------
    def save(
        self, data: dict[str, Any], store_code: str | None, now: str, sku: str | None = None
    ) -> Product:
        """Create or update (`POST /V1/products`, `PUT /V1/products/{sku}`): both upsert (§3.1)."""
        sku = sku if sku is not None else data.get("sku")
        if not isinstance(sku, str) or not sku.strip():
            raise errors.required("sku")
        if store_code not in (None, "all") and self.stores.by_code(store_code) is None:
            raise errors.NoRouteError()
        with self.lock:
            product = self.by_sku.get(sku)
            changes = _values(data)
            if product is None:
                product = self._create(sku, data, changes, store_code, now)
            else:
                self._update(product, data, changes, store_code)
                product.updated_at = now
            self._save_extension(product, data.get("extension_attributes"))
            return product

    def _create(
        self, sku: str, data: dict[str, Any], changes: dict[str, Any], code: str | None, now: str
    ) -> Product:
        type_id = str(data.get("type_id") or "simple")
        if not changes.get("name"):
            raise errors.InputError(assumed.ATTRIBUTE_VALUE_EMPTY, ["name"])
        if type_id == "simple" and changes.get("price") is None:
            raise errors.InputError(assumed.ATTRIBUTE_VALUE_EMPTY, ["price"])
        values = {"status": 1, "visibility": VISIBILITY_BOTH, "price": 0, "weight": 0}
        values.update(changes)
        # §3.3: creating in `all` assigns every website; under a store code (or none, i.e. the
        # default store view) the website of that store view.
        if code == "all":
            websites = [w for w, _ in self.stores.websites.values()]
        else:
            view = self.stores.by_code(code)
            websites = [view.website_id] if view else []
        product = Product(
            id=self._next_id,
            sku=sku,
            type_id=type_id,
            attribute_set_id=int(data.get("attribute_set_id") or assumed.DEFAULT_ATTRIBUTE_SET_ID),
            created_at=now,
            updated_at=now,
            values=values,
            website_ids=websites,
        )
        self._next_id += 1
        self._add(product)
        return product

    def _update(
        self, product: Product, data: dict[str, Any], changes: dict[str, Any], code: str | None
    ) -> None:
        if data.get("attribute_set_id") is not None:
            product.attribute_set_id = int(data["attribute_set_id"])
        store_id = self.read_store_id(code)
        for key, value in changes.items():
            if store_id == 0 or key in GLOBAL_FIELDS:
                product.values[key] = value
            else:
                product.store_values.setdefault(store_id, {})[key] = value

    def _save_extension(self, product: Product, ext: Any) -> None:
        if not isinstance(ext, dict):
            return
        if isinstance(ext.get("website_ids"), list):
            known = {w for w, _ in self.stores.websites.values()}
            for website_id in ext["website_ids"]:
                if int(website_id) not in known:
                    raise errors.NoSuchEntityError(assumed.NO_SUCH_WEBSITE)
            product.website_ids = sorted({int(w) for w in ext["website_ids"]})
        if isinstance(ext.get("configurable_product_options"), list):
            product.options = []
            for n, option in enumerate(ext["configurable_product_options"]):
                self.add_option(product.sku, option if isinstance(option, dict) else {}, n)
        if isinstance(ext.get("configurable_product_links"), list):
            links = [int(i) for i in ext["configurable_product_links"]]
            missing = [i for i in links if i not in self.by_id]
            if missing:
                raise errors.InputError(assumed.INVALID_CHILD_ID, [str(missing[0])])
            product.links = links

    def add_option(self, sku: str, option: dict[str, Any], position: int | None = None) -> int:
        product = self.get(sku)
        attribute = self.attributes.by_id(option.get("attribute_id", ""))
        if attribute is None:
            raise errors.InputError(assumed.INVALID_OPTION_ATTRIBUTE, [option.get("attribute_id")])
        with self.lock:
            if any(o["attribute_id"] == str(attribute.attribute_id) for o in product.options):
                raise errors.InputError(assumed.OPTION_ALREADY_EXISTS)
            values = [
                v.get("value_index") for v in option.get("values") or [] if isinstance(v, dict)
            ]
            made = self._option(
                product,
                attribute.attribute_id,
                str(option.get("label") or attribute.label),
                int(option.get("position", position if position is not None else 0) or 0),
                [v for v in values if v is not None],
            )
            product.options.append(made)
            return int(made["id"])

    def add_child(self, sku: str, child_sku: str) -> None:
        parent = self.get(sku)
        child = self.get(child_sku)
        with self.lock:
            if child.id in parent.links:
                raise errors.InputError(ALREADY_ATTACHED)
            if not parent.options:
                raise errors.InputError(NO_CONFIGURABLE_OPTIONS)
            for option in parent.options:
                attribute = self.attributes.by_id(option["attribute_id"])
                if attribute is not None and child.values.get(attribute.code) in (None, ""):
                    raise errors.InputError(assumed.CHILD_LACKS_ATTRIBUTE, [attribute.code])
            parent.links.append(child.id)

    def remove_child(self, sku: str, child_sku: str) -> None:
        parent, child = self.get(sku), self.get(child_sku)
        with self.lock:
            if child.id not in parent.links:
                raise errors.NoSuchEntityError(assumed.CHILD_NOT_LINKED)
            parent.links.remove(child.id)

    def assign_website(self, sku: str, website_id: int, assign: bool = True) -> None:
        product = self.get(sku)
        if website_id not in {w for w, _ in self.stores.websites.values()}:
            raise errors.NoSuchEntityError(assumed.NO_SUCH_WEBSITE)
        with self.lock:
            ids = set(product.website_ids)
            ids = ids | {website_id} if assign else ids - {website_id}
            product.website_ids = sorted(ids)

    def delete(self, sku: str) -> None:
        product = self.get(sku)
        with self.lock:
            del self.by_sku[product.sku]
            del self.by_id[product.id]


def _values(data: dict[str, Any]) -> dict[str, Any]:
    """The attribute values a product body sets: standard fields plus custom_attributes."""
    out = {key: data[key] for key in STANDARD_FIELDS if key in data}
    for entry in data.get("custom_attributes") or []:
        if isinstance(entry, dict) and entry.get("attribute_code"):
            value = entry.get("value")
            out[str(entry["attribute_code"])] = value if value is None else _text(value)
    return out


def _text(value: Any) -> Any:
    # Custom attribute values come back as strings (§3.1), whatever type was sent.
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value) if isinstance(value, int | float) else value
