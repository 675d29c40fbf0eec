"""The demo world: the Magento installations and Specter accounts behind the demo tenants.

`tenants/*.yaml` point at these (ports 8781 and 8782 by default) and name the env vars in
`DEMO_SECRETS`; the demo sets those variables to the values below when they are not set.
The values are sandbox credentials, public on purpose.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from magspec_sandbox.luma import load_catalog
from magspec_sandbox.magento import InstanceSpec, MagentoSandbox, StoreViewSpec
from magspec_sandbox.specter import AccountSpec, SpecterSandbox, WebshopSpec
from magspec_sandbox.specter.accounts import PriceListSpec, default_price_lists

MAGENTO_PORT = 8781
SPECTER_PORT = 8782
ADMIN_PREFIX = "/__sandbox__"
EXTRAS_EVERY = 5

DEMO_SECRETS: dict[str, str] = {
    "MAGSPEC_ACME_MAGENTO_TOKEN": "sandbox-acme-integration-token",
    "MAGSPEC_ACME_SPECTER_API_USER_KEY": "sandbox-acme-api-user-key",
    "MAGSPEC_ACME_SPECTER_INTEGRATION_KEY": "sandbox-acme-integration-key",
    "MAGSPEC_ACME_CALLBACK_SECRET": "sandbox-acme-callback-secret",
    "MAGSPEC_FJALL_MAGENTO_TOKEN": "sandbox-fjall-integration-token",
    "MAGSPEC_FJALL_SPECTER_API_USER_KEY": "sandbox-fjall-api-user-key",
    "MAGSPEC_FJALL_SPECTER_INTEGRATION_KEY": "sandbox-fjall-integration-key",
    "MAGSPEC_BRISK_MAGENTO_TOKEN": "sandbox-brisk-integration-token",
    "MAGSPEC_BRISK_SPECTER_API_USER_KEY": "sandbox-brisk-api-user-key",
    "MAGSPEC_BRISK_SPECTER_INTEGRATION_KEY": "sandbox-brisk-integration-key",
    "MAGSPEC_BRISK_CALLBACK_SECRET": "sandbox-brisk-callback-secret",
}

_SE = dict(currency="SEK", locale="sv_SE", timezone="Europe/Stockholm", tax_percent=25)


def _jackets_missing_in_specter() -> tuple[str, ...]:
    # Fjällgården never created two jacket families in Specter: their orders show how an
    # article Specter does not know is parked with its fix.
    catalog = load_catalog()
    return tuple(sku for parent in ("MJ01", "MJ02") for sku in catalog.products[parent].children)


def store_view(code: str, name: str, website: str, website_name: str, **kw) -> StoreViewSpec:
    """A store view with Swedish settings (SEK, sv_SE, Stockholm, 25 % tax) unless `kw` says
    otherwise."""
    settings = {**_SE, **kw}
    return StoreViewSpec(
        code=code, name=name, website_code=website, website_name=website_name, **settings
    )


def _instance(name: str, seed: int, views: list[StoreViewSpec], days: int, per_day: int):
    return InstanceSpec(
        name=name,
        integration_token=DEMO_SECRETS[f"MAGSPEC_{name.upper()}_MAGENTO_TOKEN"],
        integration_as_bearer=True,
        store_views=views,
        orders_per_day=per_day,
        days=days,
        seed=seed,
        # Some orders carry gift cards, fees, shipping discounts... so the demo meets them.
        extras_every=EXTRAS_EVERY,
    )


def magento_instances(days: int = 7, orders_per_day: int = 6) -> list[InstanceSpec]:
    return [
        _instance(
            "acme",
            1,
            [
                store_view("se", "Svenska", "se", "Sverige"),
                store_view("en", "English", "eu", "Europe", currency="EUR", locale="en_GB"),
                store_view("b2b", "Återförsäljare", "se", "Sverige"),
            ],
            days,
            orders_per_day,
        ),
        _instance(
            "fjall",
            2,
            [store_view("default", "Default Store View", "base", "Main Website")],
            days,
            orders_per_day,
        ),
        _instance(
            "brisk",
            3,
            [
                store_view("se", "Butik", "se", "Brisk Sverige"),
                store_view("b2b", "Återförsäljare", "b2b", "Brisk B2B"),
            ],
            days,
            orders_per_day,
        ),
    ]


def _account(tenant: str, sbm_id: str, api_user_id: str, shops: list[str], **kw) -> AccountSpec:
    prefix = f"MAGSPEC_{tenant.upper()}_SPECTER"
    return AccountSpec(
        sbm_id=sbm_id,
        api_user_id=api_user_id,
        api_user_key=DEMO_SECRETS[f"{prefix}_API_USER_KEY"],
        integration_key=DEMO_SECRETS[f"{prefix}_INTEGRATION_KEY"],
        webshops=[WebshopSpec(webshop_id=str(i), name=n) for i, n in enumerate(shops, start=1)],
        **kw,
    )


def _acme_price_lists() -> tuple[PriceListSpec, ...]:
    # ACME's English shop sells in euro from a list of its own; the base and retailer lists
    # stay in SEK. Prices in the euro list are a tenth of the SEK price (Luma's SEK ×10).
    euro = PriceListSpec("3", "Europa EUR", percent=Decimal(10), currency="EUR")
    return (*default_price_lists(), euro)


def specter_accounts() -> list[AccountSpec]:
    return [
        _account(
            "acme",
            "1001",
            "7",
            ["ACME Sverige", "ACME Europe", "ACME Återförsäljare"],
            price_lists=_acme_price_lists(),
        ),
        _account(
            "fjall", "1002", "3", ["Fjällgården"], missing_articles=_jackets_missing_in_specter()
        ),
        _account("brisk", "1003", "5", ["Brisk", "Brisk B2B"]),
    ]


@dataclass
class DemoWorld:
    magento: MagentoSandbox
    specter: SpecterSandbox


def build_world(now: datetime | None = None, days: int = 7, orders_per_day: int = 6) -> DemoWorld:
    return DemoWorld(
        magento=MagentoSandbox(
            magento_instances(days, orders_per_day), admin_prefix=ADMIN_PREFIX, now=now
        ),
        specter=SpecterSandbox(specter_accounts(), admin_prefix=ADMIN_PREFIX),
    )
