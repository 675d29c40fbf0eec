"""Variant grouping, the tenant's three ways, and what is parked; SKU rules for Specter."""

from __future__ import annotations

from decimal import Decimal

from magspec_pipelines.domain.catalog import Article, ParkedArticle
from magspec_pipelines.mapping.article_grouping import group_articles
from magspec_pipelines.mapping.articles import article_number
from magspec_pipelines.tenancy.catalog import ArticleNumbers, CatalogSettings, VariantGrouping


def _a(no: str, name: str = "x") -> Article:
    return Article(article_no=no, name=name, price_excl_vat=Decimal(10), vat_percent=Decimal(25))


def test_article_number_pattern_groups_luma_variants_and_leaves_gear_simple():
    plan = group_articles(
        [
            _a("MH01-XS-Black", "Hoodie-XS-Black"),
            _a("MH01-S-Black", "Hoodie-S-Black"),
            _a("24-MB01", "Bag"),
        ],
        VariantGrouping(),
        tenant_file="tenants/acme.yaml",
    )
    [group] = plan.groups
    assert (group.parent_sku, group.name, group.axes) == ("MH01", "Hoodie", ("color", "size"))
    assert {v.article.article_no: v.options["size"] for v in group.variants} == {
        "MH01-XS-Black": "XS",
        "MH01-S-Black": "S",
    }
    assert [a.article_no for a in plan.simples] == ["24-MB01"]


def test_name_form_groups_by_product_name_and_maps_groups_to_attributes():
    grouping = VariantGrouping(by="name", attributes={"Storlek": "size", "Färg": "color"})
    plan = group_articles(
        [
            _a("TS-10-S", "T-shirt - Storlek : S - Färg : Röd"),
            _a("TS-10-M", "T-shirt - Storlek : M - Färg : Röd"),
            _a("HAT-1-L", "Hatt - Bredd : L"),
            _a("SKO-1-42", "Sko - Längd : 42"),
        ],
        grouping,
        tenant_file="tenants/x.yaml",
    )
    hat, group = plan.groups
    assert (hat.parent_sku, hat.name, hat.axes) == ("HAT-1", "Hatt", ("bredd",))
    assert group.name == "T-shirt" and group.axes == ("color", "size")
    assert {v.options["size"] for v in group.variants} == {"S", "M"}
    # "Längd" names no attribute (no mapping, not a valid code): a simple product, not a guess.
    assert [a.article_no for a in plan.simples] == ["SKO-1-42"]


def test_mapping_file_and_conflicting_variants_are_parked_with_the_reason():
    rows = [
        {"article_no": "A1", "parent": "P", "parent_name": "Parent", "size": "S"},
        {"article_no": "A2", "parent": "P", "parent_name": "", "size": "S"},
        {"article_no": "B1", "parent": "Q", "parent_name": "Q", "size": "M"},
    ]
    grouping = VariantGrouping(by="mapping_file", file="variants.csv", ungrouped="park")
    plan = group_articles(
        [_a("A1"), _a("A2"), _a("B1"), _a("LONE")],
        grouping,
        tenant_file="tenants/x.yaml",
        mapping_rows=rows,
    )
    assert [g.parent_sku for g in plan.groups] == ["Q"]
    parked = {p.key: p for p in plan.parked}
    assert set(parked) == {"A1", "A2", "LONE"}
    assert "same variant" in parked["A1"].reason
    assert "not in the mapping file" in parked["LONE"].reason
    assert parked["LONE"].fix.startswith("tenants/x.yaml: catalog.grouping.file")


def test_skus_specter_refuses_are_mapped_by_rule_or_parked_never_changed_silently():
    plain = CatalogSettings()
    ruled = CatalogSettings(
        article_numbers=ArticleNumbers(mapping={"KAFFE#1": "KAFFE-1"}, replacements={"ö": "o"})
    )
    assert isinstance(article_number("Mössa", plain, "t.yaml"), ParkedArticle)
    assert article_number("Mössa", ruled, "t.yaml").article_no == "Mossa"
    assert article_number("KAFFE#1", ruled, "t.yaml").article_no == "KAFFE-1"
    parked = article_number("A B,C", ruled, "t.yaml")
    assert isinstance(parked, ParkedArticle) and "space" in parked.reason
    assert article_number("MH01-XS-Black", plain, "t.yaml").mapped is False
