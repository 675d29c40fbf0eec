"""Stock: MSI sources, stocks and source items, salable quantity, and legacy stock items (§5).

One stock per website (stock 1 "Default Stock" for the first website, holding the `default`
source too). Salable quantity = Σ source quantities in the website's stock − reservations, where
a reservation is what open orders of that website have ordered and not yet shipped or cancelled.
Legacy stock item writes touch only the `default` source (§5, §9.6). With `msi=False` every
`/V1/inventory/*` route answers 404 (rest.py).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from magspec_sandbox.magento import assumed, errors
from magspec_sandbox.magento.criteria import Limits, parse_search_criteria
from magspec_sandbox.magento.routing import Call, int_value, number_value, route
from magspec_sandbox.magento.search import search

if TYPE_CHECKING:
    from magspec_sandbox.luma import LumaCatalog
    from magspec_sandbox.magento.stores import Stores

SOURCES = "Magento_InventoryApi::source"
STOCKS = "Magento_InventoryApi::stock"
SALABLE = "Magento_InventorySalesApi::stock"
LEGACY = "Magento_CatalogInventory::cataloginventory"
DEFAULT_SOURCE = "default"
OPEN_STATES = frozenset({"new", "pending_payment", "processing", "holded", "payment_review"})


@dataclass(frozen=True)
class SourceSpec:
    source_code: str
    name: str
    website_code: str | None = None  # None: the `default` source of stock 1
    country_id: str = "SE"
    postcode: str = "111 52"


def default_sources(stores: Stores) -> list[SourceSpec]:
    out = [SourceSpec(DEFAULT_SOURCE, "Default Source")]
    for code, (_, name) in stores.websites.items():
        out.append(SourceSpec(f"{code}_warehouse", f"{name} Warehouse", code))
    return out


class Inventory:
    """Source items by (sku, source) and the stocks that group sources per website."""

    def __init__(
        self, stores: Stores, sources: list[SourceSpec], luma: LumaCatalog, ids: dict[str, int]
    ) -> None:
        self.stores = stores
        self.sources = {s.source_code: s for s in sources}
        if DEFAULT_SOURCE not in self.sources:
            self.sources = {DEFAULT_SOURCE: SourceSpec(DEFAULT_SOURCE, "Default Source"),
                            **self.sources}  # fmt: skip
        self.lock = threading.RLock()
        self.product_ids = ids
        # stock id → (name, website codes, source codes)
        self.stocks: dict[int, tuple[str, list[str], list[str]]] = {}
        for number, (code, (_, name)) in enumerate(stores.websites.items(), start=1):
            linked = [s.source_code for s in self.sources.values() if s.website_code == code]
            if number == 1:
                linked = [DEFAULT_SOURCE, *linked]
            self.stocks[number] = ("Default Stock" if number == 1 else f"{name} Stock",
                                   [code], linked)  # fmt: skip
        self.items: dict[tuple[str, str], dict[str, Any]] = {}
        for product in luma.sellable:
            for source in self.sources:
                self.items[(product.sku, source)] = {
                    "sku": product.sku,
                    "source_code": source,
                    "quantity": product.qty,
                    "status": 1 if product.qty > 0 else 0,
                }

    def stock_of_website(self, website_id: int) -> int:
        code = next(c for c, (w, _) in self.stores.websites.items() if w == website_id)
        return next(sid for sid, (_, codes, _) in self.stocks.items() if code in codes)

    def source_for_website(self, website_id: int) -> str:
        stock = self.stocks[self.stock_of_website(website_id)]
        return stock[2][-1] if stock[2] else DEFAULT_SOURCE

    def deduct(self, sku: str, source_code: str, qty: float) -> None:
        with self.lock:
            item = self.items.get((sku, source_code))
            if item is not None:
                item["quantity"] = _num(item["quantity"] - qty)

    def reservations(self, orders: list[dict[str, Any]], stock_id: int, sku: str) -> float:
        total = 0.0
        for order in orders:
            if order.get("state") not in OPEN_STATES:
                continue
            view = self.stores.by_id(int(order.get("store_id") or 0))
            if view is None or self.stock_of_website(view.website_id) != stock_id:
                continue
            for row in order.get("items") or []:
                if row.get("product_type") != "simple" or row.get("sku") != sku:
                    continue
                open_qty = (
                    row["qty_ordered"] - row.get("qty_shipped", 0) - row.get("qty_canceled", 0)
                )
                total += max(0, open_qty)
        return total

    def salable(self, orders: list[dict[str, Any]], sku: str, stock_id: int) -> float:
        if stock_id not in self.stocks:
            raise errors.NoSuchEntityError(assumed.NO_SUCH_STOCK, [stock_id])
        on_hand = sum(
            item["quantity"]
            for source in self.stocks[stock_id][2]
            if (item := self.items.get((sku, source))) is not None and item["status"] == 1
        )
        return _num(on_hand - self.reservations(orders, stock_id, sku))

    def stock_json(self, stock_id: int) -> dict[str, Any]:
        name, websites, _ = self.stocks[stock_id]
        channels = [{"type": "website", "code": code} for code in websites]
        return {"stock_id": stock_id, "name": name,
                "extension_attributes": {"sales_channels": channels}}  # fmt: skip

    def source_json(self, source: SourceSpec) -> dict[str, Any]:
        return {
            "source_code": source.source_code,
            "name": source.name,
            "enabled": True,
            "country_id": source.country_id,
            "postcode": source.postcode,
            "use_default_carrier_config": True,
        }


def _num(value: float) -> int | float:
    return int(value) if float(value).is_integer() else float(value)


def _limits(call: Call) -> Limits:
    settings = call.inst.settings
    return Limits(
        input_limits=settings.input_limits, clamp_past_end_page=settings.clamp_past_end_page
    )


def _sources(call: Call) -> Any:
    inv = call.inst.inventory
    rows = [inv.source_json(s) for s in inv.sources.values()]
    return search(rows, parse_search_criteria(call.query), _limits(call)).body()


def _source(call: Call) -> Any:
    source = call.inst.inventory.sources.get(call.params["sourceCode"])
    if source is None:
        raise errors.NoSuchEntityError(assumed.NO_SUCH_SOURCE, [call.params["sourceCode"]])
    return call.inst.inventory.source_json(source)


def _stocks(call: Call) -> Any:
    inv = call.inst.inventory
    rows = [inv.stock_json(sid) for sid in inv.stocks]
    return search(rows, parse_search_criteria(call.query), _limits(call)).body()


def _stock_links(call: Call) -> Any:
    inv = call.inst.inventory
    rows = [
        {"stock_id": sid, "source_code": code, "priority": n}
        for sid, (_, _, codes) in inv.stocks.items()
        for n, code in enumerate(codes, start=1)
    ]
    return search(rows, parse_search_criteria(call.query), _limits(call)).body()


def _stock_resolver(call: Call) -> Any:
    inv = call.inst.inventory
    code = call.params["code"]
    for stock_id, (_, websites, _) in inv.stocks.items():
        if call.params["type"] == "website" and code in websites:
            return inv.stock_json(stock_id)
    raise errors.NoSuchEntityError(assumed.NO_SUCH_STOCK, [code])


def _source_items(call: Call) -> Any:
    inv = call.inst.inventory
    with inv.lock:
        rows = [dict(inv.items[key]) for key in sorted(inv.items)]
    return search(rows, parse_search_criteria(call.query), _limits(call)).body()


def _source_item_rows(call: Call) -> list[dict[str, Any]]:
    rows = call.items("sourceItems", "\\Magento\\InventoryApi\\Api\\Data\\SourceItemInterface")
    problems = []
    for row in rows:
        if not isinstance(row, dict) or not row.get("sku"):
            problems.append({"message": assumed.SOURCE_ITEM_FIELD_EMPTY, "parameters": ["sku"]})
        elif row.get("source_code") not in call.inst.inventory.sources:
            problems.append(
                {"message": assumed.NO_SUCH_SOURCE, "parameters": [str(row.get("source_code"))]}
            )
    if problems:
        raise errors.InputError(assumed.VALIDATION_FAILED, None, problems)
    return rows


def _save_source_items(call: Call) -> Any:
    inv = call.inst.inventory
    rows = _source_item_rows(call)
    with inv.lock:
        for row in rows:
            key = (str(row["sku"]), str(row["source_code"]))
            item = inv.items.setdefault(
                key, {"sku": key[0], "source_code": key[1], "quantity": 0, "status": 0}
            )
            if row.get("quantity") is not None:
                item["quantity"] = _num(number_value(row["quantity"]))
            if row.get("status") is not None:
                item["status"] = int_value(row["status"])
    return []


def _delete_source_items(call: Call) -> Any:
    inv = call.inst.inventory
    rows = _source_item_rows(call)
    with inv.lock:
        for row in rows:
            inv.items.pop((str(row["sku"]), str(row["source_code"])), None)
    return []


def _salable(call: Call) -> Any:
    inst = call.inst
    inst.catalog.get(call.params["sku"])
    with inst.lock:
        orders = list(inst.orders.values())
    return inst.inventory.salable(orders, call.params["sku"], call.int_param("stockId"))


# -- legacy CatalogInventory ---------------------------------------------------------------------
def legacy_item(call: Call, sku: str) -> dict[str, Any]:
    product = call.inst.catalog.get(sku)
    item = call.inst.inventory.items.get((sku, DEFAULT_SOURCE)) or {"quantity": 0, "status": 0}
    return {
        "item_id": product.id,
        "product_id": product.id,
        "stock_id": 1,
        "qty": item["quantity"],
        "is_in_stock": item["status"] == 1,
        "is_qty_decimal": False,
        "manage_stock": True,
        "use_config_manage_stock": True,
        "min_qty": 0,
        "use_config_min_qty": True,
        "backorders": 0,
        "use_config_backorders": True,
        "min_sale_qty": 1,
        "max_sale_qty": 10000,
        "low_stock_date": None,
        "stock_status_changed_auto": 0,
    }


def _stock_item(call: Call) -> Any:
    return legacy_item(call, call.params["productSku"])


def _update_stock_item(call: Call) -> Any:
    sku = call.params["productSku"]
    product = call.inst.catalog.get(sku)
    data = call.field("stockItem")
    if not isinstance(data, dict):
        raise errors.required("stockItem")
    inv = call.inst.inventory
    with inv.lock:
        # §5: merged into the existing item; MSI mirrors it onto the `default` source only.
        item = inv.items.setdefault(
            (sku, DEFAULT_SOURCE),
            {"sku": sku, "source_code": DEFAULT_SOURCE, "quantity": 0, "status": 0},
        )
        if data.get("qty") is not None:
            item["quantity"] = _num(number_value(data["qty"]))
        if data.get("is_in_stock") is not None:
            item["status"] = 1 if data["is_in_stock"] in (True, 1, "1", "true") else 0
    return product.id


ROUTES = (
    route("GET", "/V1/inventory/sources", _sources, SOURCES),
    route("GET", "/V1/inventory/sources/{sourceCode}", _source, SOURCES),
    route("GET", "/V1/inventory/stocks", _stocks, STOCKS),
    route("GET", "/V1/inventory/stock-source-links", _stock_links, STOCKS),
    route("GET", "/V1/inventory/stock-resolver/{type}/{code}", _stock_resolver, STOCKS),
    route("GET", "/V1/inventory/source-items", _source_items, SOURCES),
    route("POST", "/V1/inventory/source-items", _save_source_items, SOURCES, bulk=True),
    route("POST", "/V1/inventory/source-items-delete", _delete_source_items, SOURCES, bulk=True),
    route("GET", "/V1/inventory/get-product-salable-quantity/{sku}/{stockId}", _salable, SALABLE),
    route("GET", "/V1/stockItems/{productSku}", _stock_item, LEGACY),
    route(
        "PUT",
        "/V1/products/{productSku}/stockItems/{itemId}",
        _update_stock_item,
        LEGACY,
        bulk=True,
    ),  # fmt: skip
)
