"""Which shop writes a shared scope (a website's prices, a source's stock)."""

from __future__ import annotations

from types import SimpleNamespace

from magspec_pipelines.flows.shared.installations import (
    Installation,
    InstallationReads,
    ShopTarget,
    writers,
)


def target(code: str, index: int, url: str, token_env: str, website: int) -> ShopTarget:
    shop = SimpleNamespace(code=code)
    reads = InstallationReads(Installation((url, token_env), (shop,)), client=None)
    return ShopTarget(shop, index, reads, website_id=website, store_id=index + 1)


def test_one_writer_per_website_of_one_magento_whatever_token_reaches_it():
    targets = {
        "se": target("se", 0, "https://shop.example", "MAGSPEC_A_TOKEN", 1),
        "no": target("no", 1, "https://shop.example", "MAGSPEC_B_TOKEN", 1),
        "en": target("en", 2, "https://shop.example", "MAGSPEC_A_TOKEN", 2),
        "fi": target("fi", 3, "https://other.example", "MAGSPEC_A_TOKEN", 1),
    }
    groups = writers(targets, key=lambda t: t.website_id)
    assert {code: [t.shop.code for t in group] for code, group in groups.items()} == {
        "se": ["se", "no"],  # one Magento, one website: one writer for both integrations
        "en": ["en"],
        "fi": ["fi"],  # another Magento's website 1 is another scope
    }
