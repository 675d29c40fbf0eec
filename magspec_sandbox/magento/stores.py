"""Instance and store view specs, and the store structure Magento derives from them (§6).

Store views are numbered 1.. in spec order, websites 1.. in order of first appearance, one store
group per website. The admin entries (id 0) appear in the lists as Magento's repositories load
them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from magspec_sandbox.magento import assumed
from magspec_sandbox.magento.groups import DEFAULT_CUSTOMER_GROUPS, CustomerGroupSpec

if TYPE_CHECKING:
    from magspec_sandbox.magento.inventory import SourceSpec


@dataclass(frozen=True)
class StoreViewSpec:
    code: str
    name: str = "Default Store View"
    website_code: str = "base"
    website_name: str = "Main Website"
    currency: str = "SEK"
    locale: str = "sv_SE"
    timezone: str = "Europe/Stockholm"
    tax_percent: float | int | Decimal = 25
    is_active: bool = True


@dataclass(frozen=True)
class InstanceSpec:
    """One Magento installation served under `/<name>/rest/...`."""

    name: str
    integration_token: str = ""
    integration_as_bearer: bool = True
    store_views: list[StoreViewSpec] = field(
        default_factory=lambda: [StoreViewSpec(code=assumed.DEFAULT_STORE_ALIAS)]
    )
    orders_per_day: int = 6
    days: int = 7
    seed: int = 1
    input_limits: bool = True  # on by default here, as Magento 2.4.3 enforced them (§1.5)
    clamp_past_end_page: bool = True
    admin_username: str = assumed.DEFAULT_ADMIN_USERNAME
    admin_password: str = assumed.DEFAULT_ADMIN_PASSWORD
    base_url: str = ""  # shown in storeConfigs; defaults to https://<name>.example.com/
    customer_groups: tuple[CustomerGroupSpec, ...] = DEFAULT_CUSTOMER_GROUPS
    # MSI sources; empty: `default` plus `<website_code>_warehouse` per website
    sources: tuple[SourceSpec, ...] = ()
    msi: bool = True  # False: MSI uninstalled, `/V1/inventory/*` answers 404 (§5)
    price_scope_website: bool = assumed.PRICE_SCOPE_WEBSITE  # catalog/price/scope (§3.3)
    custom_statuses: dict[str, str] = field(default_factory=dict)  # status → state (§2.3)
    comment_status_rule: str = "state"  # "state" | "2.4.7" | "legacy" (§2.4)
    bulk_delay_seconds: float = 0.0  # async operations run this long after acceptance (§7)
    # Every Nth generated order carries one extra kind of amount (gift card, fee, shipping
    # discount, store credit, reward points, gift wrapping, mixed VAT; order_extras.py); 0: none.
    extras_every: int = 0
    # OAuth 1.0a credentials of the integration (§1.3); the access token is integration_token.
    # Empty: derived from the instance name (`<name>-consumer-key`, ...).
    oauth_consumer_key: str = ""
    oauth_consumer_secret: str = ""
    oauth_access_token_secret: str = ""


@dataclass(frozen=True)
class StoreView:
    """A store view with the ids Magento gave it and the ids of its website and group."""

    spec: StoreViewSpec
    id: int
    website_id: int
    group_id: int
    group_name: str

    @property
    def code(self) -> str:
        return self.spec.code

    @property
    def store_name(self) -> str:
        # Magento writes the scope path, one name per line, into sales_order.store_name.
        return f"{self.spec.website_name}\n{self.group_name}\n{self.spec.name}"

    @property
    def tax_rate(self) -> Decimal:
        return Decimal(str(self.spec.tax_percent)) / 100


class Stores:
    """The store structure of one instance and its `/V1/store/*` answers."""

    def __init__(self, specs: list[StoreViewSpec], base_url: str) -> None:
        if not specs:
            raise ValueError("an instance needs at least one store view")
        codes = [s.code for s in specs]
        if len(set(codes)) != len(codes):
            raise ValueError(f"store view codes must be unique: {codes}")
        self.base_url = base_url
        self.websites: dict[str, tuple[int, str]] = {}
        for spec in specs:
            self.websites.setdefault(spec.website_code, (len(self.websites) + 1, spec.website_name))
        self.views: list[StoreView] = []
        for number, spec in enumerate(specs, start=1):
            website_id, website_name = self.websites[spec.website_code]
            self.views.append(
                StoreView(spec, number, website_id, website_id, f"{website_name} Store")
            )

    def by_code(self, code: str | None) -> StoreView | None:
        """The store view for a URL store code; None and `default` mean the default one."""
        if code is None:
            return self.views[0]
        for view in self.views:
            if view.code == code:
                return view
        return self.views[0] if code == assumed.DEFAULT_STORE_ALIAS else None

    def by_id(self, store_id: int) -> StoreView | None:
        return next((v for v in self.views if v.id == store_id), None)

    def _first_view(self, website_id: int) -> StoreView:
        return next(v for v in self.views if v.website_id == website_id)

    def websites_json(self) -> list[dict[str, Any]]:
        out = [{"id": 0, "code": "admin", "name": "Admin", "default_group_id": 0}]
        for code, (website_id, name) in self.websites.items():
            out.append(
                {"id": website_id, "code": code, "name": name, "default_group_id": website_id}
            )
        return out

    def groups_json(self) -> list[dict[str, Any]]:
        out = [
            {
                "id": 0,
                "website_id": 0,
                "root_category_id": 0,
                "default_store_id": 0,
                "name": "Default",
                "code": "default",
            }
        ]
        for code, (website_id, name) in self.websites.items():
            out.append(
                {
                    "id": website_id,
                    "website_id": website_id,
                    "root_category_id": assumed.ROOT_CATEGORY_ID,
                    "default_store_id": self._first_view(website_id).id,
                    "name": f"{name} Store",
                    "code": f"{code}_store",
                }
            )
        return out

    def views_json(self) -> list[dict[str, Any]]:
        out = [
            {
                "id": 0,
                "code": "admin",
                "name": "Admin",
                "website_id": 0,
                "store_group_id": 0,
                "is_active": 1,
            }
        ]
        for view in self.views:
            out.append(
                {
                    "id": view.id,
                    "code": view.code,
                    "name": view.spec.name,
                    "website_id": view.website_id,
                    "store_group_id": view.group_id,
                    "is_active": int(view.spec.is_active),
                }
            )
        return out

    def configs_json(self, codes: list[str] | None = None) -> list[dict[str, Any]]:
        """storeConfigs: the store views (no admin entry), optionally only the given codes."""
        out = []
        for view in self.views:
            if codes is not None and view.code not in codes:
                continue
            base = self.base_url.rstrip("/") + "/"
            out.append(
                {
                    "id": view.id,
                    "code": view.code,
                    "website_id": view.website_id,
                    "locale": view.spec.locale,
                    "base_currency_code": view.spec.currency,
                    "default_display_currency_code": view.spec.currency,
                    "timezone": view.spec.timezone,
                    "weight_unit": "kgs",
                    "base_url": base,
                    "base_link_url": base,
                    "base_static_url": f"{base}static/",
                    "base_media_url": f"{base}media/",
                    "secure_base_url": base,
                    "secure_base_link_url": base,
                    "secure_base_static_url": f"{base}static/",
                    "secure_base_media_url": f"{base}media/",
                }
            )
        return out
