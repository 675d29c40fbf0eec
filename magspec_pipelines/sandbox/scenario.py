"""The demo world: the Magento installations and Specter accounts behind the demo tenants.

`tenants/*.yaml` point at these (ports 8781 and 8782 by default) and name the env vars in
`DEMO_SECRETS`; the demo sets those variables to the values below when they are not set.
The values are sandbox credentials, public on purpose.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from magspec_pipelines.sandbox.luma import load_catalog
from magspec_pipelines.sandbox.magento import InstanceSpec, MagentoSandbox, StoreViewSpec
from magspec_pipelines.sandbox.specter import AccountSpec, SpecterSandbox, WebshopSpec

MAGENTO_PORT = 8781
SPECTER_PORT = 8782
ADMIN_PREFIX = "/__sandbox__"

DEMO_SECRETS: dict[str, str] = {
    "MAGSPEC_ACME_MAGENTO_TOKEN": "sandbox-acme-integration-token",
    "MAGSPEC_ACME_SPECTER_API_USER_KEY": "sandbox-acme-api-user-key",
    "MAGSPEC_ACME_SPECTER_INTEGRATION_KEY": "sandbox-acme-integration-key",
    "MAGSPEC_FJALL_MAGENTO_TOKEN": "sandbox-fjall-integration-token",
    "MAGSPEC_FJALL_SPECTER_API_USER_KEY": "sandbox-fjall-api-user-key",
    "MAGSPEC_FJALL_SPECTER_INTEGRATION_KEY": "sandbox-fjall-integration-key",
    "MAGSPEC_BRISK_MAGENTO_TOKEN": "sandbox-brisk-integration-token",
    "MAGSPEC_BRISK_SPECTER_API_USER_KEY": "sandbox-brisk-api-user-key",
    "MAGSPEC_BRISK_SPECTER_INTEGRATION_KEY": "sandbox-brisk-integration-key",
}

_SE = dict(currency="SEK", locale="sv_SE", timezone="Europe/Stockholm", tax_percent=25)


def _jackets_missing_in_specter() -> tuple[str, ...]:
    # Fjällgården never created two jacket families in Specter: their orders show how an
    # article Specter does not know is parked with its fix.
    catalog = load_catalog()
    return tuple(sku for parent in ("MJ01", "MJ02") for sku in catalog.products[parent].children)


def magento_instances(days: int = 7, orders_per_day: int = 6) -> list[InstanceSpec]:
    return [
        InstanceSpec(
            name="acme",
            integration_token=DEMO_SECRETS["MAGSPEC_ACME_MAGENTO_TOKEN"],
            integration_as_bearer=True,
            store_views=[
                StoreViewSpec(
                    code="se", name="Svenska", website_code="se", website_name="Sverige", **_SE
                ),
                StoreViewSpec(
                    code="en",
                    name="English",
                    website_code="eu",
                    website_name="Europe",
                    currency="EUR",
                    locale="en_GB",
                    timezone="Europe/Stockholm",
                    tax_percent=25,
                ),
            ],
            orders_per_day=orders_per_day,
            days=days,
            seed=1,
        ),
        InstanceSpec(
            name="fjall",
            integration_token=DEMO_SECRETS["MAGSPEC_FJALL_MAGENTO_TOKEN"],
            integration_as_bearer=True,
            store_views=[
                StoreViewSpec(
                    code="default",
                    name="Default Store View",
                    website_code="base",
                    website_name="Main Website",
                    **_SE,
                ),
            ],
            orders_per_day=orders_per_day,
            days=days,
            seed=2,
        ),
        InstanceSpec(
            name="brisk",
            integration_token=DEMO_SECRETS["MAGSPEC_BRISK_MAGENTO_TOKEN"],
            integration_as_bearer=True,
            store_views=[
                StoreViewSpec(
                    code="se", name="Butik", website_code="se", website_name="Brisk Sverige", **_SE
                ),
                StoreViewSpec(
                    code="b2b",
                    name="Återförsäljare",
                    website_code="b2b",
                    website_name="Brisk B2B",
                    **_SE,
                ),
            ],
            orders_per_day=orders_per_day,
            days=days,
            seed=3,
        ),
    ]


def specter_accounts() -> list[AccountSpec]:
    return [
        AccountSpec(
            sbm_id="1001",
            api_user_id="7",
            api_user_key=DEMO_SECRETS["MAGSPEC_ACME_SPECTER_API_USER_KEY"],
            integration_key=DEMO_SECRETS["MAGSPEC_ACME_SPECTER_INTEGRATION_KEY"],
            webshops=[
                WebshopSpec(webshop_id="1", name="ACME Sverige"),
                WebshopSpec(webshop_id="2", name="ACME Europe"),
            ],
        ),
        AccountSpec(
            sbm_id="1002",
            api_user_id="3",
            api_user_key=DEMO_SECRETS["MAGSPEC_FJALL_SPECTER_API_USER_KEY"],
            integration_key=DEMO_SECRETS["MAGSPEC_FJALL_SPECTER_INTEGRATION_KEY"],
            webshops=[WebshopSpec(webshop_id="1", name="Fjällgården")],
            missing_articles=_jackets_missing_in_specter(),
        ),
        AccountSpec(
            sbm_id="1003",
            api_user_id="5",
            api_user_key=DEMO_SECRETS["MAGSPEC_BRISK_SPECTER_API_USER_KEY"],
            integration_key=DEMO_SECRETS["MAGSPEC_BRISK_SPECTER_INTEGRATION_KEY"],
            webshops=[
                WebshopSpec(webshop_id="1", name="Brisk"),
                WebshopSpec(webshop_id="2", name="Brisk B2B"),
            ],
        ),
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
