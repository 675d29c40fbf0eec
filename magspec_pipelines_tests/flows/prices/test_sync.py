"""Prices and price lists → tier prices, end to end: Specter sandbox → Dagster run → Magento
sandbox, for the demo tenants."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from magspec_pipelines.flows.price_lists.assets import TIER_PRICES
from magspec_pipelines.flows.prices.assets import BASE_PRICES
from magspec_pipelines.flows.shared.schedules import asset_config
from magspec_pipelines.flows.stock.assets import STOCK_LEVELS

# The state store runs on both backends in the first test; the rest need one (their state
# behaviour is the same, and a run against the sandboxes takes seconds).
SQLITE_ONLY = pytest.mark.parametrize("state_url", ["sqlite"], indirect=True)
SKU = "24-MB01"  # a Luma gear simple
CHILD = "MJ01-XS-Yellow"  # a configurable's child


def run(world, job: str, tenant: str, *, compare: bool = False, raise_on_error: bool = True):
    key = {"prices": BASE_PRICES, "price_lists": TIER_PRICES, "stock": STOCK_LEVELS}[job]
    config = asset_config([key], {"compare": True}) if compare else None
    return (
        world.definitions()
        .resolve_job_def(job)
        .execute_in_process(
            partition_key=tenant,
            instance=world.instance,
            run_config=config,
            raise_on_error=raise_on_error,
        )
    )


def metadata(result, node: str) -> dict:
    [materialization] = result.asset_materializations_for_node(node)
    return {k: getattr(v, "value", v) for k, v in materialization.metadata.items()}


def gross(amount: Decimal, vat: int = 25) -> Decimal:
    return (amount * (100 + vat) / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def website(world, instance: str, code: str) -> int:
    return world.sandboxes.magento.instance(instance).stores.websites[code][0]


def website_price(world, instance: str, sku: str, code: str) -> Decimal:
    book = world.sandboxes.magento.instance(instance).prices
    return Decimal(str(book.website_prices[(sku, website(world, instance, code))]))


def tiers(world, instance: str, sku: str) -> list[dict]:
    return list(world.sandboxes.magento.instance(instance).prices.tiers.get(sku, []))


def test_base_prices_per_shop_currency_and_vat_then_a_rerun_writes_nothing(world):
    acme = world.specter("1001")
    own = acme.articles[SKU]["priceExclVAT"]

    first = metadata(run(world, "prices", "acme"), "prices__base_prices")

    # Swedish website: the base list in SEK with VAT added (the shop's prices include VAT).
    assert website_price(world, "acme", SKU, "se") == gross(own)
    # European website: its own EUR list (a tenth of the SEK price) with VAT.
    euro = (own * Decimal(10) / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert website_price(world, "acme", SKU, "eu") == gross(euro)
    assert first["created"] > 1000
    assert first["per shop"]["b2b"]["written with shop"] == "se"

    writes_before = dict(world.sandboxes.magento.faults.stats()["requests"])
    second = metadata(run(world, "prices", "acme"), "prices__base_prices")
    writes_after = world.sandboxes.magento.faults.stats()["requests"]
    assert second["created"] == second["updated"] == 0
    assert second["unchanged"] == first["created"]
    assert second["summary"].startswith("nothing changed")
    posted = [k for k in writes_after if "base-prices" in k and "information" not in k]
    assert all(writes_after[k] == writes_before.get(k, 0) for k in posted)

    # A price change in Specter travels, and only that one (the euro list follows the
    # article's own price in the sandbox, so the EN shop gets its one change too).
    acme.set_prices("1", [(SKU, Decimal(1), Decimal("100"))])
    third = metadata(run(world, "prices", "acme"), "prices__base_prices")
    assert third["per shop"]["se"]["updated"] == 1
    assert third["per shop"]["en"]["updated"] == 1
    assert third["created"] == 0
    assert website_price(world, "acme", SKU, "se") == Decimal("125.00")


@SQLITE_ONLY
def test_hand_edit_in_magento_is_repaired_by_the_compare(world):
    run(world, "prices", "acme")
    book = world.sandboxes.magento.instance("acme").prices
    key = (SKU, website(world, "acme", "se"))
    right = book.website_prices[key]
    book.website_prices[key] = 1.0  # someone edits the price by hand in the admin

    regular = metadata(run(world, "prices", "acme"), "prices__base_prices")
    assert regular["updated"] == regular["repaired"] == 0  # fingerprints alone cannot see it
    compared = metadata(run(world, "prices", "acme", compare=True), "prices__base_prices")
    assert compared["repaired"] == 1
    assert book.website_prices[key] == right


def test_retailer_list_becomes_tiers_and_unmanaged_tiers_survive(world):
    magento = world.sandboxes.magento.instance("acme")
    se = website(world, "acme", "se")
    # Set by hand before magspec runs: a Wholesale tier (unmanaged group) and a stale Retailer
    # tier at a quantity the price list does not have (managed: must go).
    magento.prices.tiers[SKU] = [
        {"sku": SKU, "price": 5, "price_type": "fixed", "website_id": se,
         "customer_group": "Wholesale", "quantity": 3},
        {"sku": SKU, "price": 9, "price_type": "fixed", "website_id": se,
         "customer_group": "Retailer", "quantity": 50},
    ]  # fmt: skip
    own = world.specter("1001").articles[SKU]["priceExclVAT"]

    first = metadata(run(world, "price_lists", "acme"), "price_lists__tier_prices")

    rows = {
        (r["customer_group"], Decimal(str(r["quantity"]))): r for r in tiers(world, "acme", SKU)
    }
    assert ("Wholesale", Decimal(3)) in rows
    assert ("Retailer", Decimal(50)) not in rows
    retail = [k for k in rows if k[0] == "Retailer"]
    assert sorted(q for _, q in retail) == [Decimal(1), Decimal(10)]  # one piece and the break
    at_ten = (own * 75 / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert Decimal(str(rows[("Retailer", Decimal(10))]["price"])) == gross(at_ten)
    assert all(r["website_id"] == se for k, r in rows.items() if k[0] == "Retailer")
    # The EUR website gets no SEK retailer tiers.
    eu = website(world, "acme", "eu")
    assert not [r for r in tiers(world, "acme", CHILD) if r["website_id"] == eu]
    assert first["created"] > 1000

    second = metadata(run(world, "price_lists", "acme"), "price_lists__tier_prices")
    assert second["created"] == second["updated"] == second["deleted"] == 0

    check = run(world, "price_lists", "acme").get_asset_check_evaluations()
    assert check == [] or all(e.passed for e in check)


@SQLITE_ONLY
def test_unknown_customer_group_is_parked_not_sent(world, tmp_path):
    path = world.tenants_dir / "acme.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "customer_group: Retailer", "customer_group: Resellers"
        ),
        encoding="utf-8",
    )
    meta = metadata(run(world, "price_lists", "acme"), "price_lists__tier_prices")
    assert meta["created"] == 0
    assert not [r for r in tiers(world, "acme", SKU) if r["customer_group"] != "Wholesale"]
    parked = world.resource().state.parked("acme", "price_lists")
    assert [p.entity_key for p in parked] == ["se:group:Resellers"]
    assert "Resellers" in parked[0].reason
    assert parked[0].fix_path.endswith("pricing.tier_prices[0].customer_group")


@SQLITE_ONLY
def test_website_zero_tier_conflict_is_parked(world):
    magento = world.sandboxes.magento.instance("acme")
    magento.prices.tiers[SKU] = [
        {"sku": SKU, "price": 7, "price_type": "fixed", "website_id": 0,
         "customer_group": "Retailer", "quantity": 10},
    ]  # fmt: skip
    meta = metadata(run(world, "price_lists", "acme"), "price_lists__tier_prices")
    keys = [p.entity_key for p in world.resource().state.parked("acme", "price_lists")]
    assert any(k.startswith(f"se:{SKU}:Retailer:10") for k in keys)
    assert meta["parked"] >= 1
    # The all-websites row is not touched.
    assert {"website_id": 0, "quantity": 10}.items() <= tiers(world, "acme", SKU)[0].items()


@SQLITE_ONLY
def test_one_shop_failing_does_not_stop_the_others(world):
    path = world.tenants_dir / "acme.yaml"
    text = path.read_text(encoding="utf-8")
    broken = text.replace(
        '    webshop_id: "2"\n',
        '    webshop_id: "2"\n    magento:\n'
        f"      base_url: {world.magento_url}/nowhere\n"
        "      token_env: MAGSPEC_ACME_MAGENTO_TOKEN\n",
    )
    path.write_text(broken, encoding="utf-8")
    result = run(world, "prices", "acme", raise_on_error=False)
    assert not result.success
    own = world.specter("1001").articles[SKU]["priceExclVAT"]
    assert website_price(world, "acme", SKU, "se") == gross(own)  # se went through
    assert (SKU, website(world, "acme", "eu")) not in world.sandboxes.magento.instance(
        "acme"
    ).prices.website_prices


@SQLITE_ONLY
def test_account_without_price_list_reads_uses_the_export_file(world):
    import dataclasses

    brisk = world.specter("1003")
    export = brisk.export_price_list("1")
    brisk.spec = dataclasses.replace(brisk.spec, assumed_reads=False)

    # No folder configured: parked with the fix, nothing written.
    meta = metadata(run(world, "prices", "brisk"), "prices__base_prices")
    assert meta["created"] == 0
    parked = world.resource().state.parked("brisk", "prices")
    assert any("pricing.price_list_folder" in p.fix_path for p in parked)

    folder: Path = world.tenants_dir / "price-lists"
    folder.mkdir()
    (folder / "grundprislista.csv").write_bytes(export)
    (folder / "retailer.csv").write_bytes(world.specter("1003").export_price_list("2"))
    path = world.tenants_dir / "brisk.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("\npricing:\n", "\npricing:\n  price_list_folder: price-lists\n"),
        encoding="utf-8",
    )
    meta = metadata(run(world, "prices", "brisk"), "prices__base_prices")
    assert meta["created"] > 1000
    assert "export files" in meta["source"]
    own = brisk.articles[SKU]["priceExclVAT"]
    assert website_price(world, "brisk", SKU, "se") == own  # brisk's prices exclude VAT
