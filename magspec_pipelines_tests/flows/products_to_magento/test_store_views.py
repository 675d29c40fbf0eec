"""Specter leads: names per store view where a language is known. The article's name is the
global name; a shop in another language gets its own name only where the tenant translates it,
written to its store view alone; everything else inherits."""

from __future__ import annotations

import time
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from magspec_pipelines.domain.catalog import Article
from magspec_pipelines.flows.products_to_magento.engine import ProductsToMagento
from magspec_pipelines.flows.products_to_magento.store_views import (
    TranslationFileError,
    read_name_translations,
    wanted_names,
)
from magspec_pipelines.flows.shared.product_runs import report_metadata
from magspec_pipelines.mapping.article_grouping import group_articles
from magspec_pipelines.tenancy import load_registry
from magspec_pipelines.tenancy.catalog import CatalogSettings
from magspec_pipelines.tenancy.registry import RegistryLoadError
from magspec_pipelines_tests import REPO
from magspec_sandbox.luma import load_catalog

LUMA = load_catalog()


def _registry_errors(tmp_path: Path, monkeypatch, catalog: dict) -> list[str]:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tenants").mkdir(exist_ok=True)
    entry = yaml.safe_load((REPO / "tenants" / "acme.yaml").read_text(encoding="utf-8"))
    entry["catalog"] = {**entry["catalog"], **catalog}
    (tmp_path / "tenants" / "acme.yaml").write_text(yaml.safe_dump(entry), encoding="utf-8")
    with pytest.raises(RegistryLoadError) as raised:
        load_registry("tenants").raise_for_errors()
    return [str(e) for e in raised.value.errors]


def test_an_unknown_article_language_is_refused_with_the_allowed_ones(tmp_path, monkeypatch):
    [error] = _registry_errors(tmp_path, monkeypatch, {"article_language": "SV"})
    assert error.startswith("tenants/acme.yaml: tenant 'acme': catalog.article_language:")
    assert "'SV' is not a Specter language" in error and "SE EN NO" in error


def test_translation_settings_are_checked_per_language(tmp_path, monkeypatch):
    errors = _registry_errors(
        tmp_path,
        monkeypatch,
        {"name_translations": {"XX": {"MH01": "Hoodie"}, "EN": "../other/names.csv"}},
    )
    text = "\n".join(errors)
    assert "catalog.name_translations.XX: 'XX' is not a Specter language" in text
    assert "catalog.name_translations.EN: '../other/names.csv' is not a CSV file name" in text

    [error] = _registry_errors(tmp_path, monkeypatch, {"name_translations": {"SE": {"A": "b"}}})
    assert "catalog.name_translations.SE: 'SE' is the article language" in error


def test_translation_files_are_read_from_the_tenant_folder_with_clear_errors(tmp_path):
    (tmp_path / "names_en.csv").write_text("sku,name\nMH01,Hoodie\n", encoding="utf-8")
    settings = CatalogSettings(
        name_translations={"EN": "names_en.csv", "NO": {"MH01": " Hettegenser "}}
    )
    assert read_name_translations(settings, tmp_path, "tenants/acme.yaml") == {
        "EN": {"MH01": "Hoodie"},
        "NO": {"MH01": "Hettegenser"},
    }
    (tmp_path / "names_en.csv").write_text("article,title\nMH01,Hoodie\n", encoding="utf-8")
    with pytest.raises(TranslationFileError, match="needs the columns sku and name"):
        read_name_translations(settings, tmp_path, "tenants/acme.yaml")
    missing = CatalogSettings(name_translations={"EN": "names_fi.csv"})
    with pytest.raises(TranslationFileError, match=r"name_translations\.EN of tenants/acme"):
        read_name_translations(missing, tmp_path, "tenants/acme.yaml")


def test_only_store_views_in_another_language_with_a_translation_get_a_name():
    shops = load_registry(str(REPO / "tenants")).tenant("acme").shops  # se SE, en EN, b2b SE
    names = {"MH01": "Chaz Tröja", "24-MB01": "Joust Väska", "MH02": "Teton Tröja"}
    translations = {"EN": {"MH01": "Chaz Hoodie", "MH02": "Teton Tröja"}, "NO": {"MH01": "x"}}
    wanted = wanted_names(shops, "SE", names, translations)
    # MH02's translation equals the global name: inheriting gives the same, nothing to write.
    assert wanted == {"en": {"MH01": "Chaz Hoodie"}}
    assert wanted_names(shops, "EN", names, translations) == {}  # no SE translations


def _plan(parent: str):
    luma = LUMA.products
    articles = [
        Article(
            article_no=sku,
            name=luma[sku].name,
            price_excl_vat=luma[sku].price,
            vat_percent=Decimal(25),
            weight=luma[sku].weight,
        )
        for sku in (*luma[parent].children, "24-MB01")
    ]
    tenant = load_registry(str(REPO / "tenants")).tenant("acme")
    return group_articles(articles, tenant.catalog.grouping, tenant_file="tenants/acme.yaml")


@pytest.mark.parametrize("state_url", ["sqlite"], indirect=True)
def test_translated_names_reach_their_store_view_only_and_once(world):
    magspec = world.resource()
    tenant = magspec.tenant("acme")
    inst = world.sandboxes.magento.instance("acme")
    child = LUMA.products["MH01"].children[0]
    translations = {"EN": {"MH01": "Chaz Kangeroo Hoodie (EN)", child: "Hoodie XS (EN)"}}

    def engine() -> ProductsToMagento:
        return ProductsToMagento(
            tenant,
            magspec.state,
            lambda shop: magspec.magento(tenant, shop),
            tenant_file="tenants/acme.yaml",
            translations=translations,
        )

    plan = _plan("MH01")
    first = engine().sync(plan, full=False)
    assert not first.failed
    assert {o.key for o in first.names_written} == {f"en:{child}", "en:MH01"}
    views = {code: inst.stores.by_code(code).id for code in ("se", "en", "b2b")}
    parent = inst.catalog.get("MH01")
    # Only the name, only in the EN store view: every other value still uses the default.
    assert parent.store_values.get(views["en"]) == {"name": "Chaz Kangeroo Hoodie (EN)"}
    assert not parent.store_values.get(views["se"]) and not parent.store_values.get(views["b2b"])
    assert parent.values["name"] == LUMA.products["MH01"].name  # the global name is Specter's
    assert inst.catalog.get(child).store_values.get(views["en"]) == {"name": "Hoodie XS (EN)"}
    assert first.shops["en"].as_dict()["store view names"] == {"updated": 2}
    meta = report_metadata(first, time.monotonic())
    assert meta["wrote nothing"] is False and meta["store view names"] == {"updated": 2}
    assert set(meta["store view names written"]) == {f"en:{child}", "en:MH01"}

    again = engine().sync(plan, full=False)
    assert again.written == 0 and again.names_written == []
    assert report_metadata(again, time.monotonic())["wrote nothing"] is True

    # A hand edit of the EN name is left by a delta run and repaired by the full compare.
    inst.catalog.get("MH01").store_values[views["en"]]["name"] = "Edited by hand"
    assert engine().sync(plan, full=False).written == 0
    compare = engine().sync(plan, full=True)
    [repaired] = compare.repaired
    assert repaired.key == "en:MH01" and "Edited by hand" in repaired.drift[0]
    assert inst.catalog.get("MH01").value("name", views["en"]) == "Chaz Kangeroo Hoodie (EN)"
    assert compare.shops["en"].names["unchanged"] == 1
