"""Stock: MSI sources, source items and salable quantity, and the legacy stock item for shops
without MSI (reference §5).

`push_stock` picks the mechanism: MSI source items when `/V1/inventory/sources` exists, else the
legacy stock item, which only ever holds the `default` source.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from magspec_pipelines.http import map_bounded
from magspec_pipelines.magento import assumed
from magspec_pipelines.magento.batching import chunks
from magspec_pipelines.magento.bulk import BulkApi
from magspec_pipelines.magento.errors import MagentoError, MagentoNotFound, MagentoRequestError
from magspec_pipelines.magento.models import (
    DEFAULT_SOURCE,
    FailedRow,
    SourceItem,
    StockUpdateResult,
)
from magspec_pipelines.magento.paging import SearchResult, search_result
from magspec_pipelines.magento.rest import expect_dict, expect_int, path_segment
from magspec_pipelines.magento.search import SearchCriteria


class InventoryApi(BulkApi):
    _msi: bool | None = None

    # -- MSI ------------------------------------------------------------------------------------
    def has_msi(self) -> bool:
        """Whether the shop runs MSI (asked once per client: `/V1/inventory/sources` 404 = no)."""
        if self._msi is None:
            try:
                self.sources(SearchCriteria().page(size=1))
            except MagentoNotFound:
                self._msi = False
            else:
                self._msi = True
        return self._msi

    def sources(self, criteria: SearchCriteria | None = None) -> SearchResult:
        criteria = criteria or SearchCriteria()
        endpoint = f"GET {assumed.MSI_PROBE_PATH}"
        body = self._core.call(
            "GET",
            assumed.MSI_PROBE_PATH,
            endpoint,
            params=self._search_params(criteria),
            idempotent=True,
        )
        return search_result(body, endpoint)

    def source_items(self, criteria: SearchCriteria) -> SearchResult:
        endpoint = "GET /V1/inventory/source-items"
        body = self._core.call(
            "GET",
            "/V1/inventory/source-items",
            endpoint,
            params=self._search_params(criteria),
            idempotent=True,
        )
        return search_result(body, endpoint)

    def source_items_for(
        self, skus: Sequence[str], source_code: str | None = None
    ) -> list[dict[str, Any]]:
        """The source items of these SKUs (at one source, or all), `batch_size` SKUs a call."""
        rows: list[dict[str, Any]] = []
        for batch in chunks(list(dict.fromkeys(skus)), self._limits.batch_size):
            criteria = SearchCriteria().where("sku", "in", batch)
            if source_code is not None:
                criteria = criteria.where("source_code", "eq", source_code)
            rows.extend(self.source_items(criteria.page(size=self._limits.page_size)).items)
        return rows

    def save_source_items(self, items: Sequence[SourceItem]) -> StockUpdateResult:
        """Upsert quantity and status per (SKU, source); above `bulk_threshold` via async bulk."""
        result = StockUpdateResult()
        if not items:
            return result
        batches = chunks(items, self._limits.batch_size)
        bodies = [{"sourceItems": [item.payload() for item in batch]} for batch in batches]
        if self._limits.use_bulk(len(items)):
            entities = [sorted({item.sku for item in batch}) for batch in batches]
            route = "/inventory/source-items"
            result.bulk = self._push_bulk("POST", route, bodies, entities, scope=None)
            return result
        endpoint = "POST /V1/inventory/source-items"

        def send(job: tuple[dict[str, Any], list[SourceItem]]) -> list[FailedRow]:
            body, batch = job
            try:
                self._core.call(
                    "POST", "/V1/inventory/source-items", endpoint, body=body, idempotent=True
                )
            except MagentoRequestError as exc:
                return [FailedRow(item.sku, exc.message, exc.parameters) for item in batch]
            return []

        jobs = list(zip(bodies, batches, strict=True))
        for failed in map_bounded(send, jobs, self._limits.concurrency):
            result.failed.extend(failed)
        return result

    def delete_source_items(self, items: Sequence[tuple[str, str]]) -> None:
        """Unassign (SKU, source code) pairs. This clears the quantity, which can upset open
        reservations (reference §5): prefer a quantity of 0."""
        endpoint = "POST /V1/inventory/source-items-delete"
        for batch in chunks(items, self._limits.batch_size):
            body = {"sourceItems": [{"sku": sku, "source_code": code} for sku, code in batch]}
            self._core.call(
                "POST", "/V1/inventory/source-items-delete", endpoint, body=body, idempotent=True
            )

    def salable_quantity(self, sku: str, stock_id: int) -> Decimal:
        """Σ source quantities of the stock − open reservations (what the shop can still sell)."""
        endpoint = "GET /V1/inventory/get-product-salable-quantity/{sku}/{stockId}"
        path = f"/V1/inventory/get-product-salable-quantity/{path_segment(sku)}/{int(stock_id)}"
        answer = self._core.call("GET", path, endpoint, idempotent=True)
        if isinstance(answer, bool) or not isinstance(answer, (int, float, str)):
            raise MagentoError(f"{endpoint}: expected a number, got {answer!r:.80}")
        return Decimal(str(answer))

    # -- legacy ---------------------------------------------------------------------------------
    def stock_item(self, sku: str) -> dict[str, Any]:
        endpoint = "GET /V1/stockItems/{productSku}"
        path = f"/V1/stockItems/{path_segment(sku)}"
        return expect_dict(self._core.call("GET", path, endpoint, idempotent=True), endpoint)

    def update_stock_item(
        self, sku: str, qty: Decimal | float | int, in_stock: bool, item_id: int | None = None
    ) -> int:
        """Set quantity and stock status through the legacy API; returns the stock item id.

        The fields sent are merged into the existing item; on an MSI shop this writes the
        `default` source only (reference §5)."""
        if item_id is None:
            item_id = int(self.stock_item(sku).get("item_id") or 0)
        endpoint = "PUT /V1/products/{productSku}/stockItems/{itemId}"
        path = f"/V1/products/{path_segment(sku)}/stockItems/{int(item_id)}"
        quantity = qty if isinstance(qty, int) else float(qty)
        body = {"stockItem": {"qty": quantity, "is_in_stock": in_stock}}
        return expect_int(
            self._core.call("PUT", path, endpoint, body=body, idempotent=True), endpoint
        )

    # -- either ---------------------------------------------------------------------------------
    def push_stock(self, items: Sequence[SourceItem]) -> StockUpdateResult:
        """Write stock levels the way the shop supports: MSI source items, or legacy stock items
        for the `default` source when MSI is not installed (other sources are refused rows)."""
        if self.has_msi():
            return self.save_source_items(items)
        result = StockUpdateResult()
        legacy = [item for item in items if item.source_code == DEFAULT_SOURCE]
        for item in items:
            if item.source_code != DEFAULT_SOURCE:
                message = (
                    f"the shop has no MSI, so stock can only be written to the "
                    f"{DEFAULT_SOURCE!r} source, not {item.source_code!r}"
                )
                result.failed.append(FailedRow(item.sku, message))

        def send(item: SourceItem) -> FailedRow | None:
            try:
                self.update_stock_item(item.sku, item.quantity, item.in_stock)
            except (MagentoRequestError, MagentoNotFound) as exc:
                return FailedRow(item.sku, exc.message, exc.parameters)
            return None

        for failed in map_bounded(send, legacy, self._limits.concurrency):
            if failed is not None:
                result.failed.append(failed)
        return result
