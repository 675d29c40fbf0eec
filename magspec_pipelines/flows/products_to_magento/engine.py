"""Specter leads (`erp`): the staged article register → Magento products, per installation.

Dagster-free. One unit is written together: a configurable with its children, or one simple
product. A delta run writes the units whose wanted state changed (fingerprint per unit and
installation); a full run (initial sync, nightly compare) reads Magento back for every unit,
writes only what differs, reports the drift it repaired, and records its progress chunk by
chunk so that an interrupted run resumes instead of starting again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

from magspec_pipelines.domain.batches import chunks
from magspec_pipelines.domain.catalog import CatalogPlan, ParkedArticle
from magspec_pipelines.flows.products_to_magento.catalog import InstallationCatalog, write_units
from magspec_pipelines.flows.products_to_magento.store_views import (
    StoreViewNames,
    Translations,
    wanted_names,
)
from magspec_pipelines.flows.shared.installations import Installation, installations
from magspec_pipelines.flows.shared.product_report import (
    RESULTS,
    SyncReport,
    UnitOutcome,
    resume_or_begin,
)
from magspec_pipelines.magento.catalog import SKU_LOOKUP_LIMIT
from magspec_pipelines.magento.client import MagentoClient
from magspec_pipelines.magento.errors import MagentoError
from magspec_pipelines.mapping.article_grouping import group_articles
from magspec_pipelines.mapping.articles import (
    ProductUnit,
    article_from_json,
    product_drift,
    unit_for_group,
    unit_for_simple,
)
from magspec_pipelines.state import StateStore
from magspec_pipelines.state.catalog import CatalogState, SyncProgress
from magspec_pipelines.tenancy import Shop, Tenant

FLOW = "products_to_magento"
ENTITY = "product_unit"


def build_plan(
    tenant: Tenant,
    catalog: CatalogState,
    *,
    tenant_file: str,
    mapping_rows: Sequence[dict[str, str]] = (),
) -> CatalogPlan:
    # The order flow's pseudo articles (freight, discount, fees, gift cards...) are not products.
    pseudo = tenant.orders.service_articles
    articles = [
        article_from_json(data)
        for no, data in catalog.articles(tenant.id).items()
        if no not in pseudo
    ]
    return group_articles(
        articles, tenant.catalog.grouping, tenant_file=tenant_file, mapping_rows=mapping_rows
    )


class ProductsToMagento:
    """Brings one tenant's plan to each of its Magento installations."""

    def __init__(
        self,
        tenant: Tenant,
        state: StateStore,
        make_client: Callable[[Shop], MagentoClient],
        *,
        tenant_file: str,
        translations: Translations | None = None,
    ) -> None:
        self.tenant = tenant
        self.state = state
        self.catalog = CatalogState(state)
        self.make_client = make_client
        self.tenant_file = tenant_file
        self.translations = translations or {}

    def sync(
        self,
        plan: CatalogPlan,
        *,
        full: bool,
        dry_run: bool = False,
        chunk_size: int | None = None,
        on_chunk: Callable[[SyncReport], None] | None = None,
    ) -> SyncReport:
        report = SyncReport(full=full, dry_run=dry_run)
        self._park(plan.parked, report, dry_run)
        chunk = chunk_size or self.tenant.catalog.initial_sync.chunk_size
        for inst in installations(self.tenant):
            try:
                self._sync_installation(inst, plan, report, full, dry_run, chunk, on_chunk)
            except MagentoError as exc:
                # One installation (or shop) failing does not stop the others.
                for shop in inst.shops:
                    report.shop(shop.code).error = f"{type(exc).__name__}: {exc}"
        return report

    # -- parking --------------------------------------------------------------------------------

    def _park(self, parked: Sequence[ParkedArticle], report: SyncReport, dry_run: bool) -> None:
        report.parked.extend(parked)
        if dry_run:
            return
        keys = {p.key for p in parked}
        for p in parked:
            self.state.park(
                self.tenant.id,
                FLOW,
                p.key,
                reason=p.reason,
                fix_path=p.fix,
                payload={"article_no": p.key},
            )
        for held in self.state.parked(self.tenant.id, FLOW):
            if held.entity_key not in keys and not held.entity_key.startswith("unit:"):
                self.state.resolve_parked(self.tenant.id, FLOW, held.entity_key)

    # -- one installation -----------------------------------------------------------------------

    def _sync_installation(
        self,
        inst: Installation,
        plan: CatalogPlan,
        report: SyncReport,
        full: bool,
        dry_run: bool,
        chunk_size: int,
        on_chunk: Callable[[SyncReport], None] | None,
    ) -> None:
        client = self.make_client(inst.shops[0])
        report.clients.append(client)
        ctx = InstallationCatalog(client, inst, self._website_ids(client, inst, report))
        include_tax = inst.shops[0].prices_include_tax
        units = sorted(
            [unit_for_group(g, include_tax) for g in plan.groups]
            + [unit_for_simple(a, include_tax) for a in plan.simples],
            key=lambda u: u.key,
        )
        sites_wanted = sorted(set(ctx.website_ids.values()))
        prints = {u.key: u.fingerprint(sites_wanted) for u in units}
        progress, todo = self._todo(inst, units, prints, report, full, dry_run)
        if todo and full:
            ctx.read_all()
        elif sum(len(u.skus) for u in todo) > SKU_LOOKUP_LIMIT:
            # Many products to compare: a few pages of the whole catalog (SKUs only) cost less
            # than searching for each of them.
            ctx.read_present([sku for u in todo for sku in u.skus])
        interrupted = False
        for part in chunks(todo, chunk_size):
            outcomes = self._sync_chunk(ctx, part, sites_wanted, dry_run)
            failed_at = next((i for i, o in enumerate(outcomes) if o.result == "failed"), None)
            written = {}
            for unit, outcome in zip(part, outcomes, strict=True):
                report.add(outcome, [s.code for s in inst.shops])
                if outcome.result in ("created", "updated", "unchanged"):
                    written[unit.key] = prints[unit.key]
            if not dry_run:
                self.state.set_fingerprints(self.tenant.id, ENTITY, inst.target, written)
            if progress is not None:
                self._advance(progress, part, outcomes, failed_at, report)
            if on_chunk is not None:
                on_chunk(report)
            if failed_at is not None and progress is not None:
                interrupted = True
                break
        if progress is not None and not interrupted:
            progress.finished = True
            self.catalog.record_progress(progress)
            report.progress = (progress.done, progress.total)
        self._sync_names(ctx, units, report, full, dry_run)

    def _website_ids(
        self, client: MagentoClient, inst: Installation, report: SyncReport
    ) -> dict[str, int]:
        """Shop code → Magento website id; a shop whose website Magento lacks is that shop's
        error (and gets no names)."""
        sites = {str(w.get("code")): int(w["id"]) for w in client.websites()}
        website_ids: dict[str, int] = {}
        for shop in inst.shops:
            if shop.website in sites:
                website_ids[shop.code] = sites[shop.website]
            else:
                report.shop(shop.code).error = (
                    f"Magento has no website {shop.website!r}; fix: {self.tenant_file}: "
                    f"shops.{shop.code}.website"
                )
        return website_ids

    def _todo(
        self,
        inst: Installation,
        units: list[ProductUnit],
        prints: dict[str, str],
        report: SyncReport,
        full: bool,
        dry_run: bool,
    ) -> tuple[SyncProgress | None, list[ProductUnit]]:
        """The units to compare: a full run's after its cursor (resuming an interrupted run),
        a delta run's whose fingerprint changed (the rest count as unchanged)."""
        stored = self.state.fingerprints(self.tenant.id, ENTITY, inst.target)
        report.total_units += len(units)
        if not full:
            todo = [u for u in units if stored.get(u.key) != prints[u.key]]
            report.counts["unchanged"] += len(units) - len(todo)
            for shop in inst.shops:
                report.shop(shop.code).counts["unchanged"] += len(units) - len(todo)
            return None, todo
        flow = f"{FLOW}:{inst.target}"
        progress = resume_or_begin(self.catalog, self.tenant.id, flow, dry_run, len(units), report)
        return progress, [u for u in units if u.key > progress.cursor]

    def _advance(
        self,
        progress: SyncProgress,
        part: list[ProductUnit],
        outcomes: list[UnitOutcome],
        failed_at: int | None,
        report: SyncReport,
    ) -> None:
        """Record a chunk's units up to the first failed one; the cursor never passes a failed
        unit, so the resumed run starts with it."""
        finished = part if failed_at is None else part[:failed_at]
        if not finished:
            return
        progress.done += len(finished)
        progress.cursor = finished[-1].key
        done_outcomes = outcomes[: len(finished)]
        progress.counts = dict(Counter(o.result for o in done_outcomes) + _counter(progress))
        self.catalog.record_progress(progress)
        report.progress = (progress.done, progress.total)

    def _sync_names(
        self,
        ctx: InstallationCatalog,
        units: list[ProductUnit],
        report: SyncReport,
        full: bool,
        dry_run: bool,
    ) -> None:
        shops = [s for s in ctx.installation.shops if s.code in ctx.website_ids]
        global_names = {p.sku: p.name for u in units for p in u.products}
        wanted = wanted_names(
            shops, self.tenant.catalog.article_language, global_names, self.translations
        )
        if not wanted:
            return
        existing = None
        if not dry_run:
            # Only products that were written (now or before) can carry a store-view name.
            written = self.state.fingerprints(self.tenant.id, ENTITY, ctx.installation.target)
            existing = {sku for u in units if u.key in written for sku in u.skus}
        StoreViewNames(self.tenant.id, self.state, ctx.client, ctx.installation.target).sync(
            wanted,
            {s.store_code: s.code for s in shops},
            report,
            full=full,
            dry_run=dry_run,
            existing=existing,
        )

    def _sync_chunk(
        self, ctx: InstallationCatalog, units: list[ProductUnit], sites: list[int], dry_run: bool
    ) -> list[UnitOutcome]:
        actual = ctx.products([sku for u in units for sku in u.skus])
        child_ids = {sku: int(p["id"]) for sku, p in actual.items() if p.get("id") is not None}
        outcomes = []
        for unit in units:
            missing = [p.sku for p in unit.products if p.sku not in actual]
            drift: list[str] = []
            for wanted in unit.products:
                if wanted.sku in actual:
                    labels = {code: ctx.label_map(code) for code in wanted.options}
                    found = product_drift(
                        wanted,
                        actual[wanted.sku],
                        labels=labels,
                        child_ids=child_ids,
                        website_ids=sites,
                    )
                    drift.extend(f"{wanted.sku}: {d}" for d in found)
            if not missing and not drift:
                outcomes.append(UnitOutcome(unit.key, "unchanged", unit.skus))
                continue
            result = "created" if unit.products[0].sku in missing else "updated"
            outcomes.append(UnitOutcome(unit.key, result, unit.skus, drift=drift, created=missing))
        if dry_run:
            return outcomes
        writing = [u for u, o in zip(units, outcomes, strict=True) if o.result != "unchanged"]
        refused = write_units(ctx, writing, actual, sites, self.tenant.catalog.attribute_set_id)
        return [
            UnitOutcome(o.key, "failed", unit.skus, reason=refused[unit.key])
            if unit.key in refused
            else o
            for unit, o in zip(units, outcomes, strict=True)
        ]


def _counter(progress) -> Counter:
    return Counter({k: v for k, v in progress.counts.items() if k in RESULTS})
