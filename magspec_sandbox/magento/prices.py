"""Price storage endpoints: base, tier and special prices (reference §4, §3.3 "Price scope").

Every write answers `[]` when all rows were saved, or the failed rows as `{message, parameters}`
with HTTP 200 while the valid rows are saved (partial failure). Tier prices name the customer
group by code (or `ALL GROUPS`); a row for website 0 and one for a specific website with the same
group and quantity conflict (TierPriceValidator::compareWebsiteValue, §4 and §9.5).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from magspec_sandbox.magento import assumed, errors
from magspec_sandbox.magento.groups import ALL_GROUPS, group_by_code
from magspec_sandbox.magento.routing import Call, route

PRICES = "Magento_Catalog::products"
STORE_NOT_FOUND = "Requested store is not found. Row ID: SKU = %SKU, Store ID: %storeId."
BASE_PRICE_TYPES = frozenset({"simple", "virtual", "downloadable", "bundle"})
DATE_FORMAT = "%Y-%m-%d %H:%M:%S"


def failed(message: str, *values: Any) -> dict[str, Any]:
    return {"message": message, "parameters": [_text(v) for v in values]}


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _json_number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


@dataclass
class PriceBook:
    """Website prices and tier and special price rows of one instance, by SKU."""

    website_prices: dict[tuple[str, int], float] = field(default_factory=dict)
    tiers: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    specials: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    lock: threading.RLock = field(default_factory=threading.RLock)


def _rows(call: Call, type_name: str) -> list[dict[str, Any]]:
    rows = call.items("prices", type_name)
    return [row if isinstance(row, dict) else {} for row in rows]


def _skus(call: Call) -> list[str]:
    # `string[]` is a simple type: Magento's input limit (EntityArrayValidator) is applied to
    # arrays of complex types only (ServiceInputProcessor::processComplexTypes), so a list of
    # SKUs is not capped at 20.
    value = call.field("skus")
    if not isinstance(value, list):
        raise errors.invalid_type(str(value), "string[]")
    skus = [str(s) for s in value]
    missing = [s for s in skus if s not in call.inst.catalog.by_sku]
    if missing:
        raise errors.NoSuchEntityError(assumed.SKUS_NOT_FOUND, {"sku": ", ".join(missing)})
    return skus


# -- base prices ---------------------------------------------------------------------------------
def _base_prices(call: Call) -> Any:
    inst = call.inst
    out = []
    for row in _rows(call, "\\Magento\\Catalog\\Api\\Data\\BasePriceInterface"):
        sku, price, store_id = row.get("sku"), _number(row.get("price")), row.get("store_id", 0)
        product = inst.catalog.by_sku.get(str(sku))
        if product is None or product.type_id not in BASE_PRICE_TYPES:
            out.append(failed(assumed.BASE_PRICE_INVALID, "SKU", sku, sku, store_id))
            continue
        if price is None or price < 0:
            out.append(failed(assumed.BASE_PRICE_INVALID, "Price", row.get("price"), sku, store_id))
            continue
        view = inst.stores.by_id(int(store_id)) if str(store_id).isdigit() else None
        if str(store_id) != "0" and view is None:
            out.append(failed(STORE_NOT_FOUND, sku, store_id))
            continue
        with inst.prices.lock:
            if view is None or not inst.spec.price_scope_website:
                product.values["price"] = _json_number(price)
            else:
                # §3.3: with website price scope a store's price holds for its whole website.
                inst.prices.website_prices[(product.sku, view.website_id)] = price
    return out


def _base_prices_information(call: Call) -> Any:
    inst = call.inst
    out = []
    for sku in _skus(call):
        product = inst.catalog.by_sku[sku]
        out.append({"sku": sku, "price": product.values.get("price"), "store_id": 0})
        for view in inst.stores.views:
            price = inst.prices.website_prices.get((sku, view.website_id))
            if price is not None:
                out.append({"sku": sku, "price": _json_number(price), "store_id": view.id})
    return out


# -- tier prices ---------------------------------------------------------------------------------
def _tier_row(call: Call, row: dict[str, Any]) -> tuple[dict[str, Any] | None, dict | None]:
    """The row in canonical form, or the failed-row entry explaining why it is refused."""
    inst = call.inst
    sku, website, group = row.get("sku"), row.get("website_id"), row.get("customer_group")
    qty, price = _number(row.get("quantity")), _number(row.get("price"))
    price_type = row.get("price_type") or "fixed"

    def bad(name: str, value: Any) -> tuple[None, dict[str, Any]]:
        return None, failed(assumed.TIER_PRICE_INVALID, name, value, sku, website, group, qty)

    if str(sku) not in inst.catalog.by_sku:
        return bad("SKU", sku)
    if price is None or price < 0 or (price_type == "discount" and price > 100):
        return bad("Price", row.get("price"))
    if price_type not in ("fixed", "discount"):
        return bad("Price Type", price_type)
    if qty is None or qty <= 0:
        return bad("Quantity", row.get("quantity"))
    websites = {w for w, _ in inst.stores.websites.values()} | {0}
    if not isinstance(website, int) or website not in websites:
        return bad("Website Id", website)
    if website != 0 and not inst.spec.price_scope_website:
        return bad("Website Id", website)
    if not isinstance(group, str):
        return bad("Customer Group", group)
    if group.casefold() == ALL_GROUPS.casefold():
        code = ALL_GROUPS
    else:
        found = group_by_code(inst.spec.customer_groups, group)
        if found is None:
            return bad("Customer Group", group)
        code = found.code
    canonical = {
        "price": _json_number(price),
        "price_type": price_type,
        "website_id": website,
        "sku": str(sku),
        "customer_group": code,
        "quantity": _json_number(qty),
    }
    return canonical, None


def _conflict(existing: dict[str, Any], new: dict[str, Any]) -> bool:
    """Same group and qty, and the same website or website 0 against a specific one (§4)."""
    if existing["customer_group"] != new["customer_group"]:
        return False
    if existing["quantity"] != new["quantity"]:
        return False
    return existing["website_id"] != new["website_id"] and 0 in (
        existing["website_id"],
        new["website_id"],
    )


def _same_key(a: dict[str, Any], b: dict[str, Any]) -> bool:
    keys = ("website_id", "customer_group", "quantity")
    return all(a[k] == b[k] for k in keys)


def _store_tiers(call: Call, replace: bool) -> Any:
    book = call.inst.prices
    out: list[dict[str, Any]] = []
    accepted: list[dict[str, Any]] = []
    for row in _rows(call, "\\Magento\\Catalog\\Api\\Data\\TierPriceInterface"):
        canonical, failure = _tier_row(call, row)
        if canonical is None:
            out.append(failure or {})
            continue
        sku = canonical["sku"]
        stored = [] if replace else [r for r in book.tiers.get(sku, []) if r["sku"] == sku]
        others = [r for r in stored if not _same_key(r, canonical)]
        batch = [r for r in accepted if r["sku"] == sku]
        if any(_conflict(r, canonical) for r in others + batch) or any(
            _same_key(r, canonical) for r in batch
        ):
            out.append(
                failed(
                    assumed.TIER_PRICE_DUPLICATE,
                    canonical["customer_group"],
                    canonical["website_id"],
                    canonical["quantity"],
                    sku,
                    canonical["website_id"],
                    canonical["customer_group"],
                    canonical["quantity"],
                )  # fmt: skip
            )
            continue
        accepted.append(canonical)
    with book.lock:
        if replace:
            for sku in {r["sku"] for r in accepted}:
                book.tiers[sku] = []
        for canonical in accepted:
            rows = book.tiers.setdefault(canonical["sku"], [])
            rows[:] = [r for r in rows if not _same_key(r, canonical)] + [canonical]
    return out


def _add_tiers(call: Call) -> Any:
    return _store_tiers(call, replace=False)


def _replace_tiers(call: Call) -> Any:
    return _store_tiers(call, replace=True)


def _delete_tiers(call: Call) -> Any:
    book = call.inst.prices
    out = []
    for row in _rows(call, "\\Magento\\Catalog\\Api\\Data\\TierPriceInterface"):
        canonical, failure = _tier_row(call, row)
        if canonical is None:
            out.append(failure or {})
            continue
        with book.lock:
            rows = book.tiers.get(canonical["sku"], [])
            rows[:] = [r for r in rows if not _same_key(r, canonical)]
    return out


def _tier_information(call: Call) -> Any:
    book = call.inst.prices
    return [dict(r) for sku in _skus(call) for r in book.tiers.get(sku, [])]


# -- special prices ------------------------------------------------------------------------------
def _special_row(call: Call, row: dict[str, Any]) -> tuple[dict[str, Any] | None, dict | None]:
    inst = call.inst
    sku, store_id, price = row.get("sku"), row.get("store_id", 0), _number(row.get("price"))
    price_from, price_to = row.get("price_from"), row.get("price_to")

    def bad(name: str, value: Any) -> tuple[None, dict[str, Any]]:
        return None, failed(
            assumed.SPECIAL_PRICE_INVALID, name, value, sku, store_id, price_from, price_to
        )

    if str(sku) not in inst.catalog.by_sku:
        return bad("SKU", sku)
    if price is None or price < 0:
        return bad("Price", row.get("price"))
    if not isinstance(store_id, int) or (store_id != 0 and inst.stores.by_id(store_id) is None):
        return None, failed(STORE_NOT_FOUND, sku, store_id)
    for name, value in (("Price From", price_from), ("Price To", price_to)):
        if value is not None:
            try:
                datetime.strptime(str(value), DATE_FORMAT)
            except ValueError:
                return bad(name, value)
    canonical = {
        "price": _json_number(price),
        "store_id": store_id,
        "sku": str(sku),
        "price_from": price_from,
        "price_to": price_to,
    }
    return canonical, None


def _special_key(row: dict[str, Any]) -> tuple[Any, ...]:
    return (row["store_id"], row["price_from"], row["price_to"])


def _special_prices(call: Call, delete: bool = False) -> Any:
    book = call.inst.prices
    out = []
    for row in _rows(call, "\\Magento\\Catalog\\Api\\Data\\SpecialPriceInterface"):
        canonical, failure = _special_row(call, row)
        if canonical is None:
            out.append(failure or {})
            continue
        with book.lock:
            rows = book.specials.setdefault(canonical["sku"], [])
            rows[:] = [r for r in rows if _special_key(r) != _special_key(canonical)]
            if not delete:
                rows.append(canonical)
    return out


def _add_special(call: Call) -> Any:
    return _special_prices(call)


def _delete_special(call: Call) -> Any:
    return _special_prices(call, delete=True)


def _special_information(call: Call) -> Any:
    book = call.inst.prices
    return [dict(r) for sku in _skus(call) for r in book.specials.get(sku, [])]


ROUTES = (
    route("POST", "/V1/products/base-prices", _base_prices, PRICES, bulk=True),
    route("POST", "/V1/products/base-prices-information", _base_prices_information, PRICES),
    route("POST", "/V1/products/tier-prices", _add_tiers, PRICES, bulk=True),
    route("PUT", "/V1/products/tier-prices", _replace_tiers, PRICES, bulk=True),
    route("POST", "/V1/products/tier-prices-delete", _delete_tiers, PRICES, bulk=True),
    route("POST", "/V1/products/tier-prices-information", _tier_information, PRICES),
    route("POST", "/V1/products/special-price", _add_special, PRICES, bulk=True),
    route("POST", "/V1/products/special-price-delete", _delete_special, PRICES, bulk=True),
    route("POST", "/V1/products/special-price-information", _special_information, PRICES),
)
