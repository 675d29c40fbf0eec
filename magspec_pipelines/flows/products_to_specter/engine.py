"""Magento leads (`ecom`, `combo`): Magento products → Specter articles, 100 per call.

Dagster-free. Configurable children become articles (their parents only when the tenant asks),
matched on article number = SKU (after the tenant's article-number rules; a SKU that breaks
Specter's rules is parked, never changed silently). A delta run sends articles whose content
changed since it was last sent (fingerprints); a full run compares with Specter's register as
staged from its article queue and records its progress chunk by chunk.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from magspec_pipelines.domain.batches import chunks
from magspec_pipelines.domain.catalog import Article, ParkedArticle
from magspec_pipelines.flows.shared.installations import installations
from magspec_pipelines.flows.shared.product_report import SyncReport, UnitOutcome, resume_or_begin
from magspec_pipelines.magento.client import MagentoClient
from magspec_pipelines.magento.errors import MagentoError
from magspec_pipelines.magento.models import custom_attribute
from magspec_pipelines.magento.search import SearchCriteria
from magspec_pipelines.mapping.articles import (
    ArticleNumber,
    article_differences,
    article_from_json,
    article_from_product,
    article_number,
    article_number_collisions,
    digest,
    specter_article,
)
from magspec_pipelines.specter.client import SpecterClient
from magspec_pipelines.specter.errors import SpecterError, SpecterInvalidArticleNo
from magspec_pipelines.state import StateStore
from magspec_pipelines.state.catalog import CatalogState
from magspec_pipelines.tenancy import Shop, Tenant
from magspec_pipelines.tenancy.catalog import CatalogSettings

FLOW = "products_to_specter"
ENTITY = "article"
TARGET = "specter"
ARTICLES_PER_CALL = 100
SENT_TYPES = frozenset({"simple", "virtual"})


@dataclass
class _Read:
    """One installation's products as read, with its shop and option labels."""

    shop: Shop
    products: list[dict[str, Any]]
    labels: dict[str, dict[str, str]]
    parent_of: dict[str, str] = field(default_factory=dict)
    numbers: dict[str, ArticleNumber] = field(default_factory=dict)


def read_articles(
    tenant: Tenant,
    make_client: Callable[[Shop], MagentoClient],
    report: SyncReport,
    tenant_file: str,
) -> tuple[dict[str, Article], list[ParkedArticle], dict[str, list[str]]]:
    """Every Magento product of the tenant as an article (first installation wins a SKU), what
    had to be parked, and each configurable's children (by article number)."""
    settings = tenant.catalog
    parked: list[ParkedArticle] = []
    children_of: dict[str, list[str]] = {}
    reads: list[_Read] = []
    for inst in installations(tenant):
        shop = inst.shops[0]
        try:
            client = make_client(shop)
            report.clients.append(client)
            products = list(client.iter_products(SearchCriteria(), page_size=300, scope="all"))
            labels = {
                code: {
                    str(r.get("value")): str(r.get("label")) for r in client.attribute_options(code)
                }
                for code in settings.variant_attributes
            }
        except MagentoError as exc:
            for s in inst.shops:
                report.shop(s.code).error = f"{type(exc).__name__}: {exc}"
            continue
        read = _Read(shop, products, labels)
        reads.append(read)
        by_id = {int(p["id"]): p for p in products if p.get("id") is not None}
        for product in products:
            if product.get("type_id") == "configurable":
                ext = product.get("extension_attributes") or {}
                kids = [by_id[i] for i in ext.get("configurable_product_links") or [] if i in by_id]
                children_of[str(product["sku"])] = [str(k["sku"]) for k in kids]
                for kid in kids:
                    read.parent_of[str(kid["sku"])] = str(product["sku"])
        for product in products:
            sku = str(product.get("sku"))
            found = article_number(sku, settings, tenant_file)
            if isinstance(found, ParkedArticle):
                parked.append(found)
                continue
            read.numbers[sku] = found
            if found.mapped:
                report.mapped[sku] = found.article_no
    sent = {
        sku: read.numbers[sku].article_no
        for read in reads
        for product in read.products
        if _is_sent(product, settings.send_parents)
        and (sku := str(product.get("sku"))) in read.numbers
    }
    collided = article_number_collisions(sent, tenant_file)
    parked.extend(collided)
    blocked = {p.key for p in collided}
    articles: dict[str, Article] = {}
    for read in reads:
        for product in read.products:
            sku = str(product.get("sku"))
            if sku not in sent or sku in blocked or sent[sku] in articles:
                continue
            made = _article(product, read, settings, tenant_file)
            if isinstance(made, ParkedArticle):
                parked.append(made)
            else:
                articles[made.article_no] = made
    return articles, parked, children_of


def _is_sent(product: dict[str, Any], send_parents: bool) -> bool:
    kind = product.get("type_id")
    return kind in SENT_TYPES or (kind == "configurable" and send_parents)


def _article(
    product: dict[str, Any], read: _Read, settings: CatalogSettings, tenant_file: str
) -> Article | ParkedArticle:
    sku = str(product.get("sku"))
    parent = read.parent_of.get(sku)
    options = {
        code: read.labels[code].get(str(custom_attribute(product, code)), "")
        for code in settings.variant_attributes
        if parent and custom_attribute(product, code) not in (None, "")
    }
    return article_from_product(
        product,
        read.numbers[sku].article_no,
        settings,
        prices_include_tax=read.shop.prices_include_tax,
        tenant_file=tenant_file,
        parent_article_no=read.numbers[parent].article_no if parent in read.numbers else None,
        options=options,
    )


class ProductsToSpecter:
    def __init__(
        self,
        tenant: Tenant,
        state: StateStore,
        specter: SpecterClient,
        *,
        tenant_file: str,
    ) -> None:
        self.tenant = tenant
        self.state = state
        self.catalog = CatalogState(state)
        self.specter = specter
        self.tenant_file = tenant_file

    def sync(
        self,
        articles: dict[str, Article],
        report: SyncReport,
        *,
        chunk_size: int | None = None,
    ) -> SyncReport:
        shops = [s.code for s in self.tenant.shops]
        full, dry_run = report.full, report.dry_run
        self._park(report, dry_run)
        prints = {no: digest(a.model_dump(mode="json")) for no, a in articles.items()}
        stored = self.state.fingerprints(self.tenant.id, ENTITY, TARGET)
        have = {no: article_from_json(d) for no, d in self.catalog.articles(self.tenant.id).items()}
        keys = sorted(articles)
        report.total_units = len(keys)
        progress = None
        if full:
            progress = resume_or_begin(
                self.catalog, self.tenant.id, FLOW, dry_run, len(keys), report
            )
            todo = [k for k in keys if k > progress.cursor]
        else:
            todo = [k for k in keys if stored.get(k) != prints[k]]
            report.counts["unchanged"] += len(keys) - len(todo)
            for code in shops:
                report.shop(code).counts["unchanged"] += len(keys) - len(todo)
        size = min(chunk_size or self.tenant.catalog.initial_sync.chunk_size * 2, ARTICLES_PER_CALL)
        for part in chunks(todo, size):
            outcomes: list[UnitOutcome] = []
            send = []
            for no in part:
                wanted = articles[no]
                current = have.get(no)
                if current is None:
                    outcomes.append(UnitOutcome(no, "created", (no,)))
                    send.append(wanted)
                elif diff := article_differences(wanted, current):
                    drift = [f"{no}: {d}" for d in diff] if full else []
                    outcomes.append(UnitOutcome(no, "updated", (no,), drift=drift))
                    send.append(wanted)
                else:
                    outcomes.append(UnitOutcome(no, "unchanged", (no,)))
            if send and not dry_run:
                outcomes = self._submit(send, outcomes)
            for outcome in outcomes:
                report.add(outcome, shops)
            if not dry_run:
                done = {o.key: prints[o.key] for o in outcomes if o.result != "failed"}
                self.state.set_fingerprints(self.tenant.id, ENTITY, TARGET, done)
            if progress is not None:
                progress.done += len(part)
                progress.cursor = part[-1]
                progress.counts = dict(
                    Counter(progress.counts) + Counter(o.result for o in outcomes)
                )
                self.catalog.record_progress(progress)
                report.progress = (progress.done, progress.total)
        if progress is not None:
            progress.finished = True
            self.catalog.record_progress(progress)
            report.progress = (progress.done, progress.total)
        return report

    def _submit(self, send: list[Article], outcomes: list[UnitOutcome]) -> list[UnitOutcome]:
        try:
            self.specter.submit_articles([specter_article(a) for a in send], force_update=True)
        except SpecterInvalidArticleNo as exc:
            reason = "; ".join(f"{no} {why}" for no, why in exc.invalid.items())
            return [self._failed(o, reason) if o.key in exc.invalid else o for o in outcomes]
        except SpecterError as exc:
            sent = {a.article_no for a in send}
            reason = f"{type(exc).__name__}: {exc}"
            return [self._failed(o, reason) if o.key in sent else o for o in outcomes]
        return outcomes

    @staticmethod
    def _failed(outcome: UnitOutcome, reason: str) -> UnitOutcome:
        return UnitOutcome(outcome.key, "failed", outcome.skus, reason=reason)

    def _park(self, report: SyncReport, dry_run: bool) -> None:
        if dry_run:
            return
        keys = {p.key for p in report.parked}
        for p in report.parked:
            self.state.park(
                self.tenant.id, FLOW, p.key, reason=p.reason, fix_path=p.fix, payload={"sku": p.key}
            )
        for held in self.state.parked(self.tenant.id, FLOW):
            if held.entity_key not in keys:
                self.state.resolve_parked(self.tenant.id, FLOW, held.entity_key)


def configurable_children_without_article(
    children_of: dict[str, list[str]],
    settings_map: Callable[[str], str],
    known: set[str],
    parked: set[str],
) -> list[str]:
    """Children (SKUs) of configurables with no Specter article and not parked."""
    missing: list[str] = []
    for parent, kids in sorted(children_of.items()):
        for sku in kids:
            if sku not in parked and settings_map(sku) not in known:
                missing.append(f"{parent}/{sku}")
    return missing


__all__ = [
    "FLOW",
    "ProductsToSpecter",
    "configurable_children_without_article",
    "read_articles",
]
