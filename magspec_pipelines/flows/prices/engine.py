"""Base prices: each shop's price per article from its Specter price list, in its currency, with
VAT where its catalog prices include VAT, written to the shop's website (Magento copies a store
view's price to its whole website when prices are website-scoped).

Only changes travel: a fingerprint per (SKU, shop) of what was last written. The compare run
also reads Magento's current prices and repairs what someone changed by hand.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from magspec_pipelines.flows.shared import pricing_assumed as assumed
from magspec_pipelines.flows.shared.compare import plan_values
from magspec_pipelines.flows.shared.installations import ShopTarget, present_skus, writers
from magspec_pipelines.flows.shared.price_list_source import PriceLists, read_price_lists
from magspec_pipelines.flows.shared.shop_engine import PriceListEngine
from magspec_pipelines.flows.shared.shop_report import ShopReport, SyncReport
from magspec_pipelines.magento.models import BasePrice
from magspec_pipelines.mapping.prices import base_prices, fingerprint
from magspec_pipelines.tenancy import Shop, Tenant

FLOW = "prices"
ENTITY = "base_price"


def shop_price_list(tenant: Tenant, shop: Shop) -> str:
    return shop.price_list_id or tenant.pricing.base_price_list_id


class BasePriceSync(PriceListEngine):
    flow = FLOW

    def run(self, compare: bool = False) -> SyncReport:
        report = SyncReport(FLOW)
        targets = self.targets(report)
        groups = writers(targets.found, key=lambda t: t.website_id)
        lists = read_price_lists(
            self.tenant,
            self.specter,
            {shop_price_list(self.tenant, g[0].shop) for g in groups.values()},
            self.registry_dir,
            self.config_path("pricing.base_price_list_id"),
        )
        report.source = lists.origin
        for group in groups.values():
            writer = group[0]
            shop = report.shop(writer.shop.code)
            for follower in group[1:]:
                self._follow(report.shop(follower.shop.code), writer, follower)
            before = writer.client.stats.requests
            try:
                self._shop(shop, writer, lists, compare)
            except Exception as exc:  # noqa: BLE001 - one shop failing must not stop the others
                shop.error = f"{type(exc).__name__}: {exc}"
            self.count_calls(shop, writer, before)
        report.specter_calls = self.specter.stats.requests
        return report

    def _follow(self, shop: ShopReport, writer: ShopTarget, follower: ShopTarget) -> None:
        """A second shop on a website: its prices are the writer's, so they must agree."""
        shop.writes_for = writer.shop.code
        a, b = writer.shop, follower.shop
        if (shop_price_list(self.tenant, a), a.currency, a.prices_include_tax) != (
            shop_price_list(self.tenant, b),
            b.currency,
            b.prices_include_tax,
        ):
            self.park(
                shop,
                f"{b.code}:website",
                f"shop {b.code!r} shares website {b.website!r} with shop {a.code!r} but differs "
                "in price list, currency or VAT setting; Magento keeps one base price per website",
                self.config_path(f"shops[{follower.index}].price_list_id"),
            )

    def _shop(self, shop: ShopReport, target: ShopTarget, lists: PriceLists, compare: bool) -> None:
        code = target.shop.code
        list_id = shop_price_list(self.tenant, target.shop)
        list_path = (
            f"shops[{target.index}].price_list_id"
            if target.shop.price_list_id
            else "pricing.base_price_list_id"
        )
        if list_id in lists.missing:
            problem = lists.missing[list_id]
            self.park(shop, f"{code}:price_list", str(problem), problem.fix)
            return
        currency = lists.currency.get(list_id)
        if currency and currency != target.shop.currency:
            self.park(
                shop,
                f"{code}:price_list",
                f"price list {list_id} is in {currency}, shop {code!r} sells in "
                f"{target.shop.currency}",
                self.config_path(list_path),
            )
            return
        self.resolve([f"{code}:price_list", f"{code}:shop"])
        wanted = base_prices(
            lists.rows[list_id],
            target.shop.currency,
            target.shop.prices_include_tax,
            self.tenant.pricing.vat_for,
            incl_step=assumed.INCL_VAT_DECIMALS,
            excl_step=assumed.EXCL_VAT_DECIMALS,
        )
        new = {s: fingerprint([str(wanted[s].amount), target.store_id]) for s in wanted}
        old = self.state.fingerprints(self.tenant.id, ENTITY, code)
        skus = sorted(present_skus(target, new, old, compare))
        shop.no_product = len(wanted) - len(skus)
        plan = (
            plan_values(
                skus, old, new, {s: wanted[s].amount for s in skus}, current_prices(target, skus)
            )
            if compare
            else plan_values(skus, old, new)
        )
        to_send = plan.to_send
        result = target.client.update_base_prices(
            [BasePrice(s, wanted[s].amount, target.store_id) for s in to_send]
        )
        refused = self.refused(target.client, result)
        written = [s for s in to_send if s not in refused]
        for sku, reason in refused.items():
            self.park(
                shop,
                f"{code}:{sku}",
                f"Magento refused the price of {sku}: {reason}",
                "fix the product in Magento; the price is sent again on the next run",
                {"sku": sku, "price": str(wanted[sku].amount) if sku in wanted else None},
            )
        self.record_written(shop, ENTITY, written, plan, old, new)
        shop.unchanged = len(skus) - len(to_send)


def current_prices(target: ShopTarget, skus: list[str]) -> dict[str, Decimal]:
    """Magento's price per SKU as the shop's store view sees it (its website's price, else the
    global one)."""
    rows: list[dict[str, Any]] = target.client.base_prices(skus) if skus else []
    website_views = {
        int(v["id"])
        for v in target.installation.store_views()
        if int(v.get("website_id", -1)) == target.website_id
    }
    out: dict[str, Decimal] = {}
    rank: dict[str, int] = {}
    for row in rows:
        store_id = int(row.get("store_id") or 0)
        score = 2 if store_id == target.store_id else 1 if store_id in website_views else 0
        if store_id and score == 0:
            continue
        sku = str(row["sku"])
        if row.get("price") is None or score < rank.get(sku, -1):
            continue
        rank[sku] = score
        out[sku] = Decimal(str(row["price"])).normalize()
    return out
