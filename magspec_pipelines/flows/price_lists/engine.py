"""Price lists → tier prices: each mapped Specter price list becomes the tier prices of one
Magento customer group on the websites of the shops it serves.

magspec only ever touches its managed rows (a mapped group on a website it writes): it reads a
SKU's current tiers and sends an add for what is new or different and a delete for exactly the
managed rows that are no longer wanted. Tiers other people set for other groups stay. Tiers for
a customer group Magento does not have are parked, not sent; so are rows that would collide with
an all-websites (website 0) row of the same group and quantity.
"""

from __future__ import annotations

from magspec_pipelines.flows.shared import pricing_assumed as assumed
from magspec_pipelines.flows.shared.compare import plan_tier_skus
from magspec_pipelines.flows.shared.installations import ShopTarget, present_skus, writers
from magspec_pipelines.flows.shared.price_list_source import PriceLists, read_price_lists
from magspec_pipelines.flows.shared.shop_engine import PriceListEngine
from magspec_pipelines.flows.shared.shop_report import ShopReport, SyncReport
from magspec_pipelines.magento.models import TierPrice
from magspec_pipelines.mapping.prices import TierPlan, tier_fingerprint, tier_rows
from magspec_pipelines.tenancy.pricing import TierPriceList

FLOW = "price_lists"
ENTITY = "tier_prices"


class TierPriceSync(PriceListEngine):
    flow = FLOW

    def run(self, compare: bool = False) -> SyncReport:
        report = SyncReport(FLOW)
        mappings = self.tenant.pricing.tier_prices
        if not mappings:
            report.notes.append("no price list is mapped to a customer group (pricing.tier_prices)")
        targets = self.targets(report)
        lists = read_price_lists(
            self.tenant,
            self.specter,
            {m.price_list_id for m in mappings},
            self.registry_dir,
            self.config_path("pricing.tier_prices"),
        )
        report.source = lists.origin
        for group in writers(targets.found, key=lambda t: t.website_id).values():
            writer = group[0]
            for follower in group[1:]:
                report.shop(follower.shop.code).writes_for = writer.shop.code
            shop = report.shop(writer.shop.code)
            before = writer.client.stats.requests
            try:
                self._website(shop, group, lists, compare)
            except Exception as exc:  # noqa: BLE001 - one shop failing must not stop the others
                shop.error = f"{type(exc).__name__}: {exc}"
            self.count_calls(shop, writer, before)
        report.specter_calls = self.specter.stats.requests
        return report

    def serves(self, mapping: TierPriceList, target: ShopTarget, lists: PriceLists) -> bool:
        if mapping.shops:
            return target.shop.code in mapping.shops
        currency = lists.currency.get(mapping.price_list_id)
        return currency is None or currency == target.shop.currency

    def _website(
        self, shop: ShopReport, group: list[ShopTarget], lists: PriceLists, compare: bool
    ) -> None:
        target = group[0]
        code = target.shop.code
        wanted, managed = self._wanted(shop, group, lists)
        old = self.state.fingerprints(self.tenant.id, ENTITY, code)
        # SKUs written before but no longer wanted still need their managed rows deleted.
        candidates = set(wanted) | set(old)
        new = {s: tier_fingerprint(wanted.get(s, [])) for s in candidates}
        skus = sorted(present_skus(target, new, old, compare))
        present = set(skus)
        shop.no_product = len([s for s in wanted if s not in present])
        look = skus if compare else [s for s in skus if old.get(s) != new[s]]
        rows = target.client.tier_prices(look) if look else []
        plans = plan_tier_skus(look, wanted, rows, managed, {target.website_id})
        self._park_conflicts(shop, code, plans)
        refused = self._write(shop, target, plans)
        done = {}
        for sku, plan in plans.items():
            if sku in refused or plan.conflicts:
                continue
            done[sku] = new[sku]
            if not plan.writes:
                continue
            if compare and old.get(sku) == new[sku]:
                shop.repaired += 1
            elif sku in old and not wanted.get(sku):
                shop.deleted += 1
            elif sku in old:
                shop.updated += 1
            else:
                shop.created += 1
        shop.unchanged = len(skus) - sum(1 for p in plans.values() if p.writes or p.conflicts)
        self.state.set_fingerprints(self.tenant.id, ENTITY, code, done)
        self.resolve(f"{code}:{s}" for s in done)

    def _wanted(
        self, shop: ShopReport, group: list[ShopTarget], lists: PriceLists
    ) -> tuple[dict[str, list[TierPrice]], set[str]]:
        """The tier rows wanted per SKU on the website, and the customer groups (as Magento
        spells them) whose rows magspec manages there; unknown groups and missing lists are
        parked."""
        target = group[0]
        code = target.shop.code
        known_groups = target.installation.customer_groups()
        wanted: dict[str, list[TierPrice]] = {}
        managed: set[str] = set()
        for i, mapping in enumerate(self.tenant.pricing.tier_prices):
            if not any(self.serves(mapping, t, lists) for t in group):
                continue
            key = f"{code}:group:{mapping.customer_group}"
            magento_code = known_groups.get(mapping.customer_group.casefold())
            if magento_code is None:
                self.park(
                    shop,
                    key,
                    f"Magento has no customer group {mapping.customer_group!r} (it has "
                    f"{', '.join(sorted(known_groups.values()))}); its tier prices are not sent",
                    self.config_path(f"pricing.tier_prices[{i}].customer_group"),
                )
                continue
            if mapping.price_list_id in lists.missing:
                problem = lists.missing[mapping.price_list_id]
                self.park(shop, key, str(problem), problem.fix)
                continue
            self.resolve([key])
            managed.add(magento_code)
            rows = tier_rows(
                lists.rows[mapping.price_list_id],
                magento_code,
                target.website_id,
                target.shop.prices_include_tax,
                self.tenant.pricing.vat_for,
                incl_step=assumed.INCL_VAT_DECIMALS,
                excl_step=assumed.EXCL_VAT_DECIMALS,
            )
            for sku, sku_rows in rows.items():
                wanted.setdefault(sku, []).extend(sku_rows)
        return wanted, managed

    def _park_conflicts(self, shop: ShopReport, code: str, plans: dict[str, TierPlan]) -> None:
        for sku, plan in plans.items():
            for row in plan.conflicts:
                self.park(
                    shop,
                    f"{code}:{sku}:{row.customer_group}:{row.quantity}",
                    f"Magento holds an all-websites (website 0) tier for {row.customer_group} "
                    f"from {row.quantity} on {sku}; a website tier of the same group and "
                    "quantity would be refused as a duplicate",
                    f"delete the all-websites tier of {sku} in Magento (or unmap the group)",
                    {"sku": sku, "price": str(row.price), "website_id": row.website_id},
                )

    def _write(
        self, shop: ShopReport, target: ShopTarget, plans: dict[str, TierPlan]
    ) -> dict[str, str]:
        """Deletes then adds; SKU → reason for what Magento refused (parked)."""
        deletes = [r for p in plans.values() for r in p.delete]
        adds = [r for p in plans.values() for r in p.add]
        refused: dict[str, str] = {}
        if deletes:
            refused.update(self.refused(target.client, target.client.delete_tier_prices(deletes)))
        if adds:
            refused.update(self.refused(target.client, target.client.add_tier_prices(adds)))
        for sku, reason in refused.items():
            self.park(
                shop,
                f"{target.shop.code}:{sku}",
                f"Magento refused tier prices of {sku}: {reason}",
                "fix the product in Magento; its tiers are sent again on the next run",
            )
        return refused
