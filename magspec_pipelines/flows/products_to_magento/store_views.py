"""Names per store view (Specter leads): a shop whose language is not the article language gets
its own product name where the tenant gives a translation; otherwise its store view inherits the
global name (Specter has one name per article).

Dagster-free. The global name is written by the product save through `/rest/all/V1`; here only
the translated name is written, alone, through `/rest/<store_code>/V1`, so no other attribute of
the store view loses "Use Default Value" (reference §3.3). Each written name is fingerprinted per
store view: a rerun with nothing changed writes nothing; a full run reads the store views back
and repairs a name edited by hand.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from magspec_pipelines.domain.batches import chunks
from magspec_pipelines.flows.shared.product_report import SyncReport, UnitOutcome
from magspec_pipelines.magento.client import MagentoClient
from magspec_pipelines.magento.errors import MagentoError
from magspec_pipelines.magento.search import SearchCriteria
from magspec_pipelines.mapping.articles import digest
from magspec_pipelines.state import StateStore
from magspec_pipelines.tenancy import Shop
from magspec_pipelines.tenancy.catalog import CatalogSettings
from magspec_pipelines.tenancy.files import read_csv_rows

NAME_ENTITY = "store_view_name"
READ_CHUNK = 100
# SKU → name, per Specter language.
Translations = Mapping[str, Mapping[str, str]]


class TranslationFileError(ValueError):
    """A name translation file of the tenant cannot be read or lacks what it needs."""


def read_name_translations(
    settings: CatalogSettings, tenants_dir: str | os.PathLike[str], tenant_file: str
) -> dict[str, dict[str, str]]:
    """The tenant's translations per language, files read from the tenant folder."""
    out: dict[str, dict[str, str]] = {}
    for language, source in settings.name_translations.items():
        if isinstance(source, str):
            out[language] = _read_file(Path(tenants_dir) / source, language, tenant_file)
        else:
            out[language] = {sku: name.strip() for sku, name in source.items()}
    return out


def _read_file(path: Path, language: str, tenant_file: str) -> dict[str, str]:
    where = f"{path} (catalog.name_translations.{language} of {tenant_file})"
    rows = read_csv_rows(path, ("sku", "name"), where, TranslationFileError)
    names: dict[str, str] = {}
    for line, row in enumerate(rows, start=2):
        sku, name = (row.get("sku") or "").strip(), (row.get("name") or "").strip()
        if not sku or not name:
            raise TranslationFileError(f"{where}: line {line} needs both a sku and a name")
        names[sku] = name
    return names


def wanted_names(
    shops: Sequence[Shop],
    article_language: str,
    global_names: Mapping[str, str],
    translations: Translations,
) -> dict[str, dict[str, str]]:
    """Store code → SKU → name, for the store views that get a name of their own: those of
    shops in another language than the articles', for SKUs with a translation that differs
    from the global name (an equal one is what the store view inherits anyway)."""
    out: dict[str, dict[str, str]] = {}
    for shop in shops:
        if shop.language == article_language:
            continue
        table = translations.get(shop.language) or {}
        names = {
            sku: table[sku]
            for sku, name in sorted(global_names.items())
            if sku in table and table[sku] != name
        }
        if names:
            out[shop.store_code] = names
    return out


class StoreViewNames:
    """Writes the translated names of one Magento installation's store views."""

    def __init__(
        self, tenant_id: str, state: StateStore, client: MagentoClient, target: str
    ) -> None:
        self.tenant_id = tenant_id
        self.state = state
        self.client = client
        self.target = target

    def sync(
        self,
        wanted: Mapping[str, Mapping[str, str]],
        shop_of_store: Mapping[str, str],
        report: SyncReport,
        *,
        full: bool,
        dry_run: bool,
        existing: set[str] | None = None,
    ) -> None:
        """`existing`: the SKUs known to be in Magento (a delta run writes names of those only;
        None: all). A full run reads the store views instead."""
        stored = self.state.fingerprints(self.tenant_id, NAME_ENTITY, self.target)
        for store_code, names in sorted(wanted.items()):
            shop = shop_of_store[store_code]
            prints = {sku: digest(name) for sku, name in names.items()}
            if full:
                have = self._read(store_code, sorted(names))
                todo = [s for s in sorted(names) if s in have and have[s] != names[s]]
                same = [s for s in sorted(names) if s in have and have[s] == names[s]]
                drift = {s: f"name {have[s]!r} ≠ {names[s]!r}" for s in todo}
            else:
                ready = [s for s in sorted(names) if existing is None or s in existing]
                todo = [s for s in ready if stored.get(f"{store_code}:{s}") != prints[s]]
                same = [s for s in ready if s not in todo]
                drift = {}
            done: dict[str, str] = {}
            for sku in same:
                report.add_name(UnitOutcome(f"{store_code}:{sku}", "unchanged", (sku,)), shop)
                done[f"{store_code}:{sku}"] = prints[sku]
            for sku in todo:
                key = f"{store_code}:{sku}"
                outcome = UnitOutcome(key, "updated", (sku,), drift=_listed(drift.get(sku)))
                if not dry_run:
                    try:
                        self.client.save_product({"sku": sku, "name": names[sku]}, store_code)
                        done[key] = prints[sku]
                    except MagentoError as exc:
                        reason = f"{type(exc).__name__}: {exc}"
                        outcome = UnitOutcome(key, "failed", (sku,), reason=reason)
                report.add_name(outcome, shop)
            if not dry_run:
                self.state.set_fingerprints(self.tenant_id, NAME_ENTITY, self.target, done)

    def _read(self, store_code: str, skus: list[str]) -> dict[str, str]:
        """The name each SKU shows in the store view (its own value or the inherited one)."""
        found: dict[str, str] = {}
        for part in chunks(skus, READ_CHUNK):
            criteria = SearchCriteria().where("sku", "in", part)
            rows: Any = self.client.iter_products(criteria, page_size=READ_CHUNK, scope=store_code)
            for row in rows:
                found[str(row.get("sku"))] = str(row.get("name") or "")
        return found


def _listed(text: str | None) -> list[str]:
    return [text] if text else []
