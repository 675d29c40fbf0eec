"""The catalog flows against the sandboxes, with the demo tenants: acme (erp, Specter leads),
fjall (ecom) and brisk (combo, Magento leads)."""

from __future__ import annotations

import dagster as dg
import pytest

from magspec_pipelines.flows.products_to_magento import definitions as to_magento
from magspec_pipelines.flows.products_to_magento.assets import MAGENTO_PRODUCTS, REGISTER
from magspec_pipelines.flows.products_to_specter import definitions as to_specter
from magspec_pipelines.flows.products_to_specter.assets import SPECTER_ARTICLES
from magspec_pipelines.flows.shared.schedules import asset_config
from magspec_pipelines.state import StateStore
from magspec_pipelines.state.catalog import CatalogState
from magspec_pipelines.tenancy import load_registry
from magspec_sandbox.luma import load_catalog

LUMA = load_catalog()
# The full-catalog runs take seconds each; the backends are covered by the delta test below and
# by test_catalog_state.py, so these run on SQLite only.
SQLITE_ONLY = pytest.mark.parametrize("state_url", ["sqlite"], indirect=True)
REMOVED = ("MH01", "MH02", "WJ03")
TO_MAGENTO = "products_to_magento"
TO_SPECTER = "products_to_specter"


def _defs(world) -> dg.Definitions:
    registry = load_registry(str(world.tenants_dir))
    return dg.Definitions.merge(
        to_magento.build(registry),
        to_specter.build(registry),
        dg.Definitions(resources={"magspec": world.resource()}),
    )


def _run(world, job: str, tenant: str, mode: str = "delta", dry_run=False, raise_on_error=True):
    keys = [REGISTER, MAGENTO_PRODUCTS] if job == TO_MAGENTO else [SPECTER_ARTICLES]
    config = asset_config(keys, {"mode": mode, "dry_run": dry_run})
    return (
        _defs(world)
        .resolve_job_def(job)
        .execute_in_process(
            partition_key=tenant,
            instance=world.instance,
            run_config=config,
            raise_on_error=raise_on_error,
        )
    )


def _meta(result, key: dg.AssetKey) -> dict:
    [event] = [e for e in result.get_asset_materialization_events() if e.asset_key == key]
    return {k: v.value for k, v in event.materialization.metadata.items()}


def _without_families(world, instance: str, parents) -> None:
    products = world.sandboxes.magento.instance(instance).catalog
    for parent in parents:
        for child in list(products.children(parent)):
            products.delete(child.sku)
        products.delete(parent)


def _structure(world, instance: str, parent: str) -> tuple[str, dict[str, dict[str, str]]]:
    """(type, {child sku: {size, color} labels}) of a product in a Magento sandbox."""
    inst = world.sandboxes.magento.instance(instance)
    products = inst.catalog
    product = products.get(parent)
    labels = {
        code: {str(o["value"]): o["label"] for o in inst.attributes.get(code).options_json()}
        for code in ("size", "color")
    }
    children = {
        c.sku: {code: labels[code].get(str(c.values.get(code)), "") for code in ("size", "color")}
        for c in products.children(parent)
    }
    return product.type_id, children


@SQLITE_ONLY
def test_erp_initial_sync_recreates_configurables_with_their_variant_structure(world):
    _without_families(world, "acme", REMOVED)
    dry = _run(world, TO_MAGENTO, "acme", mode="full", dry_run=True)
    preview = _meta(dry, MAGENTO_PRODUCTS)
    assert preview["created"] == len(REMOVED)
    assert all(f"created: group:{p}" in preview["would write"] for p in REMOVED)
    products = world.sandboxes.magento.instance("acme").catalog
    assert not any(p in products.by_sku for p in REMOVED), "a dry run wrote to Magento"

    result = _run(world, TO_MAGENTO, "acme", mode="full")
    meta = _meta(result, MAGENTO_PRODUCTS)
    assert meta["created"] == len(REMOVED)
    assert meta["progress"] == f"{meta['configurables'] + meta['simple products']}" + "/" + str(
        meta["configurables"] + meta["simple products"]
    )
    for parent in REMOVED:
        kind, children = _structure(world, "acme", parent)
        assert kind == "configurable"
        luma = LUMA.products[parent]
        assert set(children) == set(luma.children)
        for sku, options in children.items():
            assert options == {
                "size": LUMA.products[sku].options["size"],
                "color": LUMA.products[sku].options["color"],
            }
        websites = {w for w, _ in world.sandboxes.magento.instance("acme").stores.websites.values()}
        assert set(products.get(parent).website_ids) >= websites
    assert "FRAKT" not in products.by_sku, "the freight pseudo article became a product"

    again = _meta(_run(world, TO_MAGENTO, "acme"), MAGENTO_PRODUCTS)
    assert again["wrote nothing"] is True
    assert again["created"] == again["updated"] == 0
    assert again["magento API calls"] <= 2


@SQLITE_ONLY
def test_erp_compare_repairs_a_hand_edit_in_magento(world):
    _run(world, TO_MAGENTO, "acme", mode="full")
    products = world.sandboxes.magento.instance("acme").catalog
    child = products.get("MH03-M-Blue")
    child.values["name"] = "Edited by hand"
    products.remove_child("MH03", "MH03-L-Blue")

    delta = _meta(_run(world, TO_MAGENTO, "acme"), MAGENTO_PRODUCTS)
    assert delta["wrote nothing"] is True  # nothing changed in Specter: the delta leaves it
    compare = _meta(_run(world, TO_MAGENTO, "acme", mode="full"), MAGENTO_PRODUCTS)
    assert compare["updated"] == 1
    [repaired] = compare["repaired"]
    assert repaired.startswith("group:MH03") and "Edited by hand" in repaired
    assert products.get("MH03-M-Blue").values["name"] == LUMA.products["MH03-M-Blue"].name
    assert products.get("MH03-L-Blue").id in products.get("MH03").links


def test_erp_specter_change_travels_as_a_delta(world):
    _run(world, TO_MAGENTO, "acme", mode="full")
    world.specter("1001").patch_article("24-MB01", {"name": "Joust Duffle Bag XL"})
    meta = _meta(_run(world, TO_MAGENTO, "acme"), MAGENTO_PRODUCTS)
    assert meta["updated"] == 1 and meta["written"] == ["updated: simple:24-MB01"]
    assert set(meta["per shop"]) == {"se", "en", "b2b"}
    products = world.sandboxes.magento.instance("acme").catalog
    assert products.get("24-MB01").values["name"] == "Joust Duffle Bag XL"


@SQLITE_ONLY
def test_erp_interrupted_initial_sync_resumes(world, state_url):
    _without_families(world, "acme", REMOVED)
    faults = world.sandboxes.magento.faults
    # Saving the last removed family fails: the run stops halfway, the first two are written.
    faults.add(kind="error", match="WJ03", method="POST", status=400)
    first = _run(world, TO_MAGENTO, "acme", mode="full", raise_on_error=False)
    assert not first.success
    faults.clear()
    store = StateStore.from_url(state_url)
    [sync] = CatalogState(store).syncs("acme", "products_to_magento:magento:se")
    assert not sync.finished and sync.done > 0
    assert sync.cursor < "group:WJ03"
    products = world.sandboxes.magento.instance("acme").catalog
    assert "MH01" in products.by_sku and "WJ03" not in products.by_sku

    second = _meta(_run(world, TO_MAGENTO, "acme", mode="full"), MAGENTO_PRODUCTS)
    assert second["resumed"] is True
    assert second["done before resuming"] == sync.done
    [sync] = CatalogState(store).syncs("acme", "products_to_magento:magento:se")
    assert sync.finished and sync.resumes == 1
    assert second["created"] == len(REMOVED)  # two before the interruption, one after
    assert "WJ03" in products.by_sku


@SQLITE_ONLY
@pytest.mark.parametrize("tenant, instance", [("fjall", "fjall"), ("brisk", "brisk")])
def test_magento_leads_products_become_specter_articles(world, tenant, instance):
    sbm = {"fjall": "1002", "brisk": "1003"}[tenant]
    account = world.specter(sbm)
    missing = [s for s in LUMA.products["MJ01"].children if s not in account.articles]
    dry = _meta(
        _run(world, TO_SPECTER, tenant, mode="full", dry_run=True),
        SPECTER_ARTICLES,
    )
    assert dry["created"] >= len(missing)
    assert all(s not in account.articles for s in missing)

    meta = _meta(_run(world, TO_SPECTER, tenant, mode="full"), SPECTER_ARTICLES)
    assert meta["created"] == dry["created"]
    for sku in LUMA.products["MJ01"].children:
        article = account.articles[sku]
        assert article["parentArticleNo"] == "MJ01"
        assert "size=" in article["variantAttributes"]
    assert ("MJ01" in account.articles) is (tenant == "brisk")  # parents per tenant choice

    again = _meta(_run(world, TO_SPECTER, tenant), SPECTER_ARTICLES)
    assert again["wrote nothing"] is True and again["specter API calls"] == 0


@SQLITE_ONLY
def test_bad_skus_are_mapped_by_the_tenant_rule_or_parked(world):
    inst = world.sandboxes.magento.instance("fjall")
    inst.catalog.save({"sku": "Fjäll Mössa", "name": "Fjällmössa", "price": 199}, "all", "x")
    inst.catalog.save({"sku": "KAFFE#1", "name": "Kaffe", "price": 59}, "all", "x")
    result = _run(world, TO_SPECTER, "fjall", raise_on_error=False)
    meta = _meta(result, SPECTER_ARTICLES)
    assert "Fjäll Mössa → Fjall-Mossa" in meta["mapped SKUs"]
    assert "Fjall-Mossa" in world.specter("1002").articles
    assert "KAFFE#1" not in world.specter("1002").articles
    parked = {
        p.entity_key: p for p in world.resource().state.parked("fjall", "products_to_specter")
    }
    assert "KAFFE#1" in parked and "#" in parked["KAFFE#1"].reason
    assert "catalog.article_numbers" in parked["KAFFE#1"].fix_path


@SQLITE_ONLY
def test_checks_pass_after_full_syncs(world):
    for job, tenant in ((TO_SPECTER, "fjall"), (TO_MAGENTO, "acme")):
        result = _run(world, job, tenant, mode="full")
        checks = {e.check_name: e.passed for e in result.get_asset_check_evaluations()}
        assert checks and all(checks.values()), checks


@SQLITE_ONLY
def test_article_queue_sensor_stages_then_asks_once(world):
    from magspec_pipelines.flows.products_to_magento.triggers import evaluate_article_queue

    magspec = world.resource()
    tenant = magspec.tenant("acme")
    [request] = evaluate_article_queue(tenant, magspec)
    assert request.partition_key == "acme" and request.run_key.startswith("articles:acme:")
    assert len(CatalogState(magspec.state).articles("acme")) == len(world.specter("1001").articles)
    assert evaluate_article_queue(tenant, magspec) == []  # staged and acknowledged: no repeat
    world.specter("1001").patch_article("24-MB01", {"name": "Renamed"})
    [again] = evaluate_article_queue(tenant, magspec)
    assert again.run_key != request.run_key
    assert CatalogState(magspec.state).articles("acme", ["24-MB01"])["24-MB01"]["name"] == "Renamed"
