"""Stock: Specter's stock change queue → staged levels → each shop's MSI source or legacy
stock item.

A batch is staged durably (state/pricing.py) before Specter hears it was received, so a crash
anywhere loses nothing: before the stage the batch comes back (recovered); after it, the staged
levels wait as `pending` until a run has written them. What travels is on hand, not available:
Magento subtracts open orders itself. The full pull ("Resync stock") requeues every article.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from magspec_pipelines.flows.shared import pricing_assumed as assumed
from magspec_pipelines.flows.shared.compare import plan_values
from magspec_pipelines.flows.shared.installations import (
    MakeClient,
    ShopTarget,
    present_skus,
    writers,
)
from magspec_pipelines.flows.shared.shop_engine import PricingEngine
from magspec_pipelines.flows.shared.shop_report import ShopReport, SyncReport
from magspec_pipelines.magento.models import SourceItem
from magspec_pipelines.magento.search import SearchCriteria
from magspec_pipelines.mapping.stock import (
    level_from_change,
    site_of,
    source_code,
    source_item,
    stock_fingerprint,
)
from magspec_pipelines.specter.client import SpecterClient
from magspec_pipelines.specter.errors import SpecterUnsupported
from magspec_pipelines.specter.queues import Batch
from magspec_pipelines.state import StateStore
from magspec_pipelines.state.pricing import PricingState, StagedLevel
from magspec_pipelines.tenancy import Tenant

FLOW = "stock"
ENTITY = "stock"


@dataclass
class DrainSummary:
    batches: int = 0
    changes: int = 0
    recovered: int = 0
    already_staged: int = 0
    more: bool = False


class StockSync(PricingEngine):
    flow = FLOW

    def __init__(
        self,
        tenant: Tenant,
        state: StateStore,
        specter: SpecterClient,
        make_client: MakeClient,
        *,
        config_path: Callable[[str], str],
    ) -> None:
        super().__init__(tenant, state, make_client, config_path)
        self.specter = specter
        self.staging = PricingState(state)

    # -- Specter side -----------------------------------------------------------------------
    def stage(self, batch: Batch) -> bool:
        """Make one fetched batch durable; False when it was staged before (recovered)."""
        levels = [level_from_change(change) for change in batch.items]
        return self.staging.stage_stock_batch(
            self.tenant.id, batch.batch_no, levels, recovered=batch.recovered
        )

    def drain(self, full: bool = False) -> DrainSummary:
        """Fetch, stage, acknowledge until the queue is empty; `full` first requeues the whole
        stock in Specter ("Resync stock"), the initial sync and the nightly compare."""
        if full:
            self.specter.clear_stock_batch()
        summary = DrainSummary()

        def stage(batch: Batch) -> None:
            if not self.stage(batch):
                summary.already_staged += 1

        result = self.specter.drain(
            "stock", stage, max_batches=self.tenant.pricing.max_stock_batches
        )
        summary.batches, summary.changes = result.batches, result.items
        summary.recovered, summary.more = result.recovered, result.more
        return summary

    def default_site(self) -> str:
        try:
            sites = self.specter.stock_sites()
        except SpecterUnsupported:
            return assumed.FALLBACK_DEFAULT_STOCK_SITE
        default = next((s for s in sites if s.is_default), sites[0] if sites else None)
        return default.stock_site_id if default else assumed.FALLBACK_DEFAULT_STOCK_SITE

    # -- Magento side -----------------------------------------------------------------------
    def apply(self, compare: bool = False) -> SyncReport:
        """Write pending levels (every known level when `compare`, reading Magento's source
        items to find drift) to each shop's source; a level stays pending until every shop it
        belongs to has it."""
        report = SyncReport(FLOW)
        staged = (
            self.staging.stock_levels(self.tenant.id)
            if compare
            else self.staging.pending_stock(self.tenant.id)
        )
        if not staged and not compare:
            report.notes.append("no stock change waiting")
            for shop in self.tenant.shops:
                report.shop(shop.code)
            report.specter_calls = self.specter.stats.requests
            return report
        default = self.default_site()
        targets = self.targets(report)
        for group in writers(targets.found, key=lambda t: source_code(t.shop)).values():
            writer = group[0]
            for follower in group[1:]:
                self._follow(report.shop(follower.shop.code), writer, follower, default)
            shop = report.shop(writer.shop.code)
            before = writer.client.stats.requests
            try:
                self._source(shop, writer, staged, default, compare)
            except Exception as exc:  # noqa: BLE001 - one shop failing must not stop the others
                shop.error = f"{type(exc).__name__}: {exc}"
            self.count_calls(shop, writer, before)
        if not report.failed_shops and not targets.errors:
            self.staging.mark_stock_applied(self.tenant.id, [s for s in staged if s.pending])
        report.specter_calls = self.specter.stats.requests
        return report

    def _follow(
        self, shop: ShopReport, writer: ShopTarget, follower: ShopTarget, default: str
    ) -> None:
        shop.writes_for = writer.shop.code
        if site_of(writer.shop.stock_site_id, default) != site_of(
            follower.shop.stock_site_id, default
        ):
            self.park(
                shop,
                f"{follower.shop.code}:source",
                f"shop {follower.shop.code!r} shares source {source_code(follower.shop)!r} with "
                f"shop {writer.shop.code!r} but names another stock site",
                self.config_path(f"shops[{follower.index}].stock_source"),
            )

    def _source(
        self,
        shop: ShopReport,
        target: ShopTarget,
        staged: list[StagedLevel],
        default: str,
        compare: bool,
    ) -> None:
        code, source = target.shop.code, source_code(target.shop)
        site = site_of(target.shop.stock_site_id, default)
        items = {
            s.level.article_no: source_item(s.level, source, assumed.IN_STOCK_ABOVE)
            for s in staged
            if site_of(s.level.stock_site_id, default) == site
        }
        new = {s: stock_fingerprint(items[s]) for s in items}
        old = self.state.fingerprints(self.tenant.id, ENTITY, code, sorted(items))
        skus = sorted(present_skus(target, new, old, compare))
        shop.no_product = len(items) - len(skus)
        plan = (
            plan_values(
                skus,
                old,
                new,
                {s: _state(items[s]) for s in skus},
                current_stock(target, skus, source),
            )
            if compare and target.client.has_msi()
            else plan_values(skus, old, new)
        )
        to_send = plan.to_send
        result = target.client.push_stock([items[s] for s in to_send])
        refused = self.refused(target.client, result)
        for sku, reason in refused.items():
            self.park(
                shop,
                f"{code}:{sku}",
                f"Magento refused the stock of {sku} at {source!r}: {reason}",
                self.config_path(f"shops[{target.index}].stock_source")
                if "MSI" in reason or "source" in reason.lower()
                else "fix the product in Magento; its stock is sent again on the next change",
            )
        written = [s for s in to_send if s not in refused]
        self.record_written(shop, ENTITY, written, plan, old, new)
        shop.unchanged = len(skus) - len(to_send)


def _state(item: SourceItem) -> tuple[Decimal, bool]:
    return (Decimal(str(item.quantity)).normalize(), item.in_stock)


def current_stock(
    target: ShopTarget, skus: list[str], source: str
) -> dict[str, tuple[Decimal, bool]]:
    """(quantity, in stock) per SKU at the source, as Magento holds it now.

    For a large set the whole source is paged through (a few pages of 300) instead of asking
    20 SKUs at a time."""
    client = target.client
    if len(skus) <= client.limits.batch_size * 5:
        rows = client.source_items_for(skus, source) if skus else []
    else:
        rows, page, size = [], 1, client.limits.page_size
        while True:
            criteria = (
                SearchCriteria()
                .where("source_code", "eq", source)
                .sort("sku")
                .page(size=size, current=page)
            )
            result = client.source_items(criteria)
            rows.extend(result.items)
            if not result.items or page * size >= result.total_count:
                break
            page += 1
    wanted = set(skus)
    return {
        str(r["sku"]): (
            Decimal(str(r.get("quantity") or 0)).normalize(),
            int(r.get("status") or 0) == 1,
        )
        for r in rows
        if r.get("source_code") == source and str(r["sku"]) in wanted
    }
