"""One Magento installation's catalog as the products_to_magento run sees it: the products it
reads back (per chunk, or the whole catalog once) and how units are written there. Dagster-free.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from magspec_pipelines.flows.shared.installations import Installation
from magspec_pipelines.flows.shared.shop_engine import BULK_POLL_SECONDS, BULK_TIMEOUT_SECONDS
from magspec_pipelines.http import map_bounded
from magspec_pipelines.magento.client import MagentoClient
from magspec_pipelines.magento.errors import MagentoError
from magspec_pipelines.magento.models import Variant
from magspec_pipelines.magento.search import SearchCriteria
from magspec_pipelines.mapping.articles import ProductUnit, product_payload

# Magento's page size limit while input limits are on.
READ_PAGE = 300


@dataclass
class InstallationCatalog:
    """One installation's products and attribute labels as a run reads them, through one
    client; `website_ids` are its shops' websites (shop code → id)."""

    client: MagentoClient
    installation: Installation
    website_ids: dict[str, int]
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    # A full run reads the whole catalog once (a few pages) instead of searching per chunk.
    everything: dict[str, dict[str, Any]] | None = None

    def products(self, skus: list[str]) -> dict[str, dict[str, Any]]:
        if self.everything is not None:
            return {s: self.everything[s] for s in skus if s in self.everything}
        return self.client.products_by_sku(skus, scope="all")

    def read_all(self) -> None:
        found = self.client.iter_products(SearchCriteria(), page_size=READ_PAGE, scope="all")
        self.everything = {str(p.get("sku")): p for p in found}

    def read_present(self, skus: list[str]) -> None:
        """Many SKUs to compare: which exist, from the whole catalog read with the SKU only;
        then only those are read in full (none, when a first push creates them all)."""
        listed = self.client.iter_products(
            SearchCriteria(), page_size=READ_PAGE, scope="all", fields=("sku",)
        )
        present = {str(p.get("sku")) for p in listed}
        wanted = [s for s in skus if s in present]
        self.everything = self.products(wanted) if wanted else {}

    def label_map(self, code: str) -> dict[str, str]:
        if code not in self.labels:
            rows = self.client.attribute_options(code)
            self.labels[code] = {str(r.get("value")): str(r.get("label")) for r in rows}
        return self.labels[code]


def write_units(
    catalog: InstallationCatalog,
    units: list[ProductUnit],
    actual: dict[str, Any],
    sites: list[int],
    attribute_set_id: int,
) -> dict[str, str]:
    """Write `units` together and return `{unit key: reason}` for those Magento refused.

    Simple products go out as one batch (async bulk above the client's threshold, else a
    few at a time); configurables one unit per call chain, `concurrency` at once.
    """
    client = catalog.client

    def payload(wanted) -> dict[str, Any]:
        return product_payload(
            wanted,
            create=wanted.sku not in actual,
            attribute_set_id=attribute_set_id,
            website_ids=sites,
        )

    refused: dict[str, str] = {}
    simples = {u.products[0].sku: u for u in units if u.group is None}
    if simples:
        for sku, reason in _save_simple(
            client, [payload(u.products[0]) for u in simples.values()]
        ).items():
            if sku in simples:
                refused[simples[sku].key] = reason

    def configurable(unit: ProductUnit) -> str | None:
        parent, *children = unit.products
        variants = [Variant(product=payload(c), options=dict(c.options)) for c in children]
        try:
            client.save_configurable(payload(parent), variants)
        except MagentoError as exc:
            return f"{type(exc).__name__}: {exc}"
        return None

    groups = [u for u in units if u.group is not None]
    for unit, reason in zip(
        groups, map_bounded(configurable, groups, client.limits.concurrency), strict=True
    ):
        if reason is not None:
            refused[unit.key] = reason

    # Products that existed before may lack one of the shops' websites.
    missing_sites = [
        (unit.key, wanted.sku, site)
        for unit in units
        if unit.key not in refused
        for wanted in unit.products
        if wanted.sku in actual
        for site in sites
        if site not in _website_ids(actual[wanted.sku])
    ]

    def assign(job: tuple[str, str, int]) -> tuple[str, str | None]:
        key, sku, site = job
        try:
            client.assign_website(sku, site)
        except MagentoError as exc:
            return key, f"{type(exc).__name__}: {exc}"
        return key, None

    for key, reason in map_bounded(assign, missing_sites, client.limits.concurrency):
        if reason is not None:
            refused.setdefault(key, reason)
    return refused


def _website_ids(product: dict[str, Any]) -> set[int]:
    return {int(w) for w in (product.get("extension_attributes") or {}).get("website_ids") or []}


def _save_simple(client: MagentoClient, payloads: list[dict[str, Any]]) -> dict[str, str]:
    """`{sku: reason}` of the products Magento refused, waiting for async bulk where used."""
    try:
        result = client.save_products(payloads)
        refused = {str(row.sku): row.message_rendered for row in result.failed}
        for submission in result.bulk:
            status = client.wait_for_bulk(
                submission.bulk_uuid, timeout=BULK_TIMEOUT_SECONDS, interval=BULK_POLL_SECONDS
            )
            refused.update(status.failures(submission))
    except MagentoError as exc:
        return {str(p["sku"]): f"{type(exc).__name__}: {exc}" for p in payloads}
    return refused
