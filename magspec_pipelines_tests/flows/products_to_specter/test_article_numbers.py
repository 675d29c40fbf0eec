"""Magento leads: SKUs whose article numbers collide are parked together, and a name Specter can
only hold transliterated does not count as changed on every compare."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from magspec_pipelines.domain.catalog import Article
from magspec_pipelines.flows.products_to_specter.engine import ProductsToSpecter, read_articles
from magspec_pipelines.flows.shared.product_report import SyncReport
from magspec_pipelines.mapping.articles import article_differences, article_to_json
from magspec_pipelines.specter.codec import latin1
from magspec_pipelines.state.catalog import CatalogState
from magspec_pipelines.tenancy import load_registry
from magspec_pipelines.tenancy.catalog import ArticleNumbers
from magspec_pipelines_tests import REPO

TENANT_FILE = "tenants/fjall.yaml"


def _fjall(**numbers: Any):
    tenant = load_registry(str(REPO / "tenants")).tenant("fjall")
    if not numbers:
        return tenant
    catalog = tenant.catalog.model_copy(update={"article_numbers": ArticleNumbers(**numbers)})
    return tenant.model_copy(update={"catalog": catalog})


class _Magento:
    """Just enough of a Magento client for reading the catalog."""

    def __init__(self, products: list[dict[str, Any]]) -> None:
        self.products = products

    def iter_products(self, *args: Any, **kwargs: Any):
        return iter(self.products)

    def attribute_options(self, code: str) -> list[dict[str, Any]]:
        return []


class _Specter:
    def __init__(self) -> None:
        self.sent: list[list[str]] = []

    def submit_articles(self, articles, force_update: bool = False) -> None:
        self.sent.append([a.articleNo for a in articles])


def _product(pid: int, sku: str, name: str = "Mössa", price: float = 100) -> dict[str, Any]:
    return {
        "id": pid,
        "sku": sku,
        "name": name,
        "type_id": "simple",
        "price": price,
        "weight": 0.2,
        "custom_attributes": [{"attribute_code": "tax_class_id", "value": "2"}],
    }


def _read(tenant, products):
    report = SyncReport(full=False, dry_run=False)
    client = _Magento(products)
    articles, parked, _ = read_articles(tenant, lambda shop: client, report, TENANT_FILE)
    return articles, {p.key: p for p in parked}, report


def test_skus_colliding_after_the_replacement_rule_are_both_parked_naming_each_other(
    state_store,
):
    tenant = _fjall(replacements={"å": "a", " ": "-"})
    products = [
        _product(1, "Bål 1", "Bål"),
        _product(2, "Bal-1", "Bal"),
        _product(3, "KEPS-1", "Keps"),
    ]
    articles, parked, report = _read(tenant, products)
    assert set(articles) == {"KEPS-1"}, "one of the colliding SKUs won silently"
    assert set(parked) == {"Bål 1", "Bal-1"}
    assert "'Bal-1'" in parked["Bål 1"].reason and "'Bål 1'" in parked["Bal-1"].reason
    assert "catalog.article_numbers.mapping.Bål 1" in parked["Bål 1"].fix
    assert "change one SKU in Magento" in parked["Bal-1"].fix

    # The engine parks both with their fix and sends only the article that is clear.
    specter = _Specter()
    report.parked.extend(parked.values())
    engine = ProductsToSpecter(tenant, state_store, specter, tenant_file=TENANT_FILE)
    engine.sync(articles, report)
    assert specter.sent == [["KEPS-1"]]
    held = {p.entity_key: p for p in state_store.parked("fjall", "products_to_specter")}
    assert set(held) == {"Bål 1", "Bal-1"}
    assert held["Bal-1"].fix_path.startswith(TENANT_FILE)

    # The tenant gives one of them a number of its own: both travel, the parking is resolved.
    fixed = _fjall(replacements={"å": "a", " ": "-"}, mapping={"Bål 1": "BAAL-1"})
    articles, parked, report = _read(fixed, products)
    assert not parked and set(articles) == {"BAAL-1", "Bal-1", "KEPS-1"}
    ProductsToSpecter(fixed, state_store, specter, tenant_file=TENANT_FILE).sync(articles, report)
    assert sorted(specter.sent[-1]) == ["BAAL-1", "Bal-1"]
    assert state_store.parked("fjall", "products_to_specter") == []


def test_article_numbers_differing_only_in_case_collide():
    tenant = _fjall(replacements={" ": "-"})
    articles, parked, _ = _read(tenant, [_product(1, "Ab 1"), _product(2, "AB-1")])
    assert articles == {}
    assert set(parked) == {"Ab 1", "AB-1"}
    assert "ignoring case" in parked["AB-1"].reason and "'Ab 1'" in parked["AB-1"].reason


def test_distinct_article_numbers_are_not_collisions():
    articles, parked, _ = _read(_fjall(), [_product(1, "MOSSA-1"), _product(2, "MOSSA-2")])
    assert set(articles) == {"MOSSA-1", "MOSSA-2"} and not parked


def _article(name: str) -> Article:
    return Article(
        article_no="TS-1",
        name=name,
        price_excl_vat=Decimal("80.000"),
        vat_percent=Decimal(25),
        weight=Decimal("0.200"),
    )


def test_a_name_latin1_cannot_carry_is_compared_as_specter_holds_it():
    wanted = _article("Œuvre – “Tröja”")
    held = _article(latin1(wanted.name))
    assert held.name != wanted.name  # Specter holds it transliterated
    assert article_differences(wanted, held) == []
    assert article_differences(_article("Œuvre – “Tröja 2”"), held) == ["name"]


def test_a_second_full_compare_reports_a_transliterated_name_unchanged(state_store):
    tenant = _fjall()
    specter = _Specter()
    products = [_product(1, "TS-1", "Œuvre – “Tröja”")]
    articles, _, report = _read(tenant, [*products])
    catalog = CatalogState(state_store)
    # Specter's register as the article queue stages it after the first send: transliterated.
    sent = articles["TS-1"]
    catalog.stage_articles(
        "fjall",
        "b1",
        {"TS-1": article_to_json(sent.model_copy(update={"name": latin1(sent.name)}))},
    )
    compare = SyncReport(full=True, dry_run=False)
    ProductsToSpecter(tenant, state_store, specter, tenant_file=TENANT_FILE).sync(articles, compare)
    assert compare.counts["unchanged"] == 1 and compare.written == 0
    assert specter.sent == []
