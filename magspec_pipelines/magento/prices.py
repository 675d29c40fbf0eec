"""Prices through Magento's price storage endpoints: base prices, tier prices (add, replace,
delete, read) and special prices (reference §4).

They answer HTTP 200 with the rows they refused and save the others, so a push returns those
rows (`PriceUpdateResult.failed`) instead of raising. Arrays go in batches of `batch_size`; above
`bulk_threshold` rows the push goes through async bulk.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from magspec_pipelines.http import map_bounded
from magspec_pipelines.magento import assumed
from magspec_pipelines.magento.batching import chunks, chunks_keeping_together
from magspec_pipelines.magento.bulk import BulkApi
from magspec_pipelines.magento.errors import MagentoRequestError, render_phrase
from magspec_pipelines.magento.models import (
    BasePrice,
    FailedRow,
    PriceUpdateResult,
    SpecialPrice,
    TierPrice,
)
from magspec_pipelines.magento.rest import expect_list

ALL_GROUPS = "ALL GROUPS"

# SKUs per price-information read (`POST /V1/products/*-information`).
INFORMATION_SKUS = 300


class _PriceRow(Protocol):
    sku: str

    def payload(self) -> dict[str, Any]: ...


def failed_row(row: Any) -> FailedRow:
    """One refused row as Magento reports it, with its phrase rendered and its SKU found."""
    if not isinstance(row, dict):
        return FailedRow(None, str(row), None)
    phrase = str(row.get("message") or "")
    parameters = row.get("parameters")
    if isinstance(parameters, list) and assumed.has_named_placeholders(phrase):
        text, by_name = assumed.fill_named_from_list(phrase, parameters)
    else:
        text = render_phrase(phrase, parameters)
        by_name = parameters if isinstance(parameters, dict) else {}
    sku = next((str(v) for k, v in by_name.items() if str(k).lower() == "sku"), None)
    return FailedRow(sku=sku, message_rendered=text, parameters=parameters)


class PriceApi(BulkApi):
    # -- base prices ----------------------------------------------------------------------------
    def update_base_prices(self, prices: Sequence[BasePrice]) -> PriceUpdateResult:
        return self._push("POST", "/products/base-prices", prices)

    def base_prices(self, skus: Sequence[str]) -> list[dict[str, Any]]:
        return self._information("/products/base-prices-information", skus)

    # -- tier prices ----------------------------------------------------------------------------
    def add_tier_prices(self, prices: Sequence[TierPrice]) -> PriceUpdateResult:
        """Add or update tier prices; other tier prices of the same SKUs stay."""
        return self._push("POST", "/products/tier-prices", prices)

    def replace_tier_prices(self, prices: Sequence[TierPrice]) -> PriceUpdateResult:
        """Make `prices` the only tier prices of every SKU they name.

        All rows of a SKU travel in one call (a second call would replace the first), so a SKU
        with more than `batch_size` rows raises ValueError unless the push goes through bulk.
        """
        return self._push("PUT", "/products/tier-prices", prices, keep_skus_together=True)

    def delete_tier_prices(self, prices: Sequence[TierPrice]) -> PriceUpdateResult:
        """Delete the tier prices that match these rows exactly (group, website, quantity)."""
        return self._push("POST", "/products/tier-prices-delete", prices)

    def tier_prices(self, skus: Sequence[str]) -> list[dict[str, Any]]:
        return self._information("/products/tier-prices-information", skus)

    # -- special prices -------------------------------------------------------------------------
    def update_special_prices(self, prices: Sequence[SpecialPrice]) -> PriceUpdateResult:
        return self._push("POST", "/products/special-price", prices)

    def delete_special_prices(self, prices: Sequence[SpecialPrice]) -> PriceUpdateResult:
        return self._push("POST", "/products/special-price-delete", prices)

    def special_prices(self, skus: Sequence[str]) -> list[dict[str, Any]]:
        return self._information("/products/special-price-information", skus)

    # -- plumbing -------------------------------------------------------------------------------
    def _push(
        self,
        method: str,
        route: str,
        rows: Sequence[_PriceRow],
        *,
        keep_skus_together: bool = False,
    ) -> PriceUpdateResult:
        result = PriceUpdateResult()
        if not rows:
            return result
        bulk = self._limits.use_bulk(len(rows))
        batches = self._batches(rows, keep_skus_together)
        bodies = [{"prices": [row.payload() for row in batch]} for batch in batches]
        if bulk:
            entities = [sorted({row.sku for row in batch}) for batch in batches]
            result.bulk = self._push_bulk(method, route, bodies, entities, scope=None)
            return result
        send = self._sender(method, route)
        for failed in map_bounded(
            send, list(zip(bodies, batches, strict=True)), self._limits.concurrency
        ):
            result.failed.extend(failed)
        return result

    def _batches(
        self, rows: Sequence[_PriceRow], keep_skus_together: bool
    ) -> list[list[_PriceRow]]:
        size = self._limits.batch_size
        if keep_skus_together:
            # Within async bulk each element is one call of its own: the same rule holds there.
            return chunks_keeping_together(rows, size, key=lambda row: row.sku)
        return chunks(rows, size)

    def _sender(
        self, method: str, route: str
    ) -> Callable[[tuple[dict[str, Any], list[_PriceRow]]], list[FailedRow]]:
        endpoint = f"{method} /V1{route}"

        def send(job: tuple[dict[str, Any], list[_PriceRow]]) -> list[FailedRow]:
            body, batch = job
            try:
                answer = self._core.call(
                    method, f"/V1{route}", endpoint, body=body, idempotent=True
                )
            except MagentoRequestError as exc:
                # The whole call was refused (400): every row of it failed for that reason.
                return [FailedRow(row.sku, exc.message, exc.parameters) for row in batch]
            return [failed_row(row) for row in expect_list(answer, endpoint)]

        return send

    def _information(self, route: str, skus: Sequence[str]) -> list[dict[str, Any]]:
        endpoint = f"POST /V1{route}"
        unique = list(dict.fromkeys(skus))

        def read(batch: list[str]) -> list[dict[str, Any]]:
            answer = self._core.call(
                "POST", f"/V1{route}", endpoint, body={"skus": batch}, idempotent=True
            )
            return expect_list(answer, endpoint)

        # The input limit caps arrays of entities, not `skus` (a `string[]`): a few hundred SKUs
        # per read keep the answers moderate.
        pages = map_bounded(read, chunks(unique, INFORMATION_SKUS), self._limits.concurrency)
        return [row for page in pages for row in page]
