"""The tenant entry: one merchant's shops, Specter account, order settings, flows and package.

The models validate one YAML file of the tenant registry. Unknown keys are rejected so that a typo
fails loudly instead of silently falling back to a default. Validators raise `FieldProblems` with
the exact path of what is wrong, so the registry can say which key to fix and what is allowed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from magspec_pipelines.tenancy.catalog import CatalogSettings
from magspec_pipelines.tenancy.modes import FLOWS_BY_MODE, Flow, Mode
from magspec_pipelines.tenancy.order_status import OrderStatusSettings
from magspec_pipelines.tenancy.orders import OrderSettings
from magspec_pipelines.tenancy.pricing import PricingSettings
from magspec_pipelines.tenancy.validators import (
    CODE,
    CURRENCY,
    TENANT_ID,
    FieldProblems,
    IdText,
    Path,
    as_text,
    check_digits,
    check_env_name,
    check_timezone,
    check_url,
    cron_problem,
    fail,
)


class TenancyError(Exception):
    """Base of the errors of the tenant registry."""


class UnknownShop(TenancyError, KeyError):
    def __init__(self, tenant_id: str, code: str) -> None:
        self.tenant_id, self.code = tenant_id, code
        super().__init__(f"tenant {tenant_id!r} has no shop {code!r}")

    def __str__(self) -> str:
        return str(self.args[0])


class Package(StrEnum):
    P100 = "100"
    P200 = "200"
    P400 = "400"
    P800 = "800"
    PREMIUM = "premium"


@dataclass(frozen=True)
class PackageInfo:
    """What a package includes. `monthly_order_quota` None means unlimited."""

    name: Package
    monthly_order_quota: int | None
    order_status: bool

    def allows(self, flow: Flow) -> bool:
        return flow is not Flow.ORDER_STATUS or self.order_status


# Assumption: quotas follow the package names and "order status only from 400 up" is the
# project's own split; nearest analogue is Sharespine's "Paket 100/200" (orders per month, with
# order-status feedback in the larger packages), see connector-anchors.md §3.1.
PACKAGES: dict[Package, PackageInfo] = {
    Package.P100: PackageInfo(Package.P100, 100, order_status=False),
    Package.P200: PackageInfo(Package.P200, 200, order_status=False),
    Package.P400: PackageInfo(Package.P400, 400, order_status=True),
    Package.P800: PackageInfo(Package.P800, 800, order_status=True),
    Package.PREMIUM: PackageInfo(Package.PREMIUM, None, order_status=True),
}

SPECTER_LANGUAGES: tuple[str, ...] = ("SE", "EN", "NO", "FI", "DA", "ES", "DE")


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class MagentoInstallation(_Model):
    base_url: str
    token_env: str

    @field_validator("base_url")
    @classmethod
    def _url(cls, value: str) -> str:
        return check_url(value)

    @field_validator("token_env")
    @classmethod
    def _env_name(cls, value: str) -> str:
        return check_env_name(value)


_KEY_NAMES = {
    "api_user_key_env": "ApiUserKey",
    "integration_key_env": "IntegrationKey",
    "md5_key1_env": "Md5 Key 1",
    "md5_key2_env": "Md5 Key 2",
}


class SpecterAccount(_Model):
    base_url: str
    sbm_id: IdText
    api_user_id: IdText
    api_version: Literal[1, 2] = 2
    api_user_key_env: str | None = None
    integration_key_env: str | None = None
    md5_key1_env: str | None = None
    md5_key2_env: str | None = None

    @field_validator("base_url")
    @classmethod
    def _url(cls, value: str) -> str:
        return check_url(value)

    @field_validator("sbm_id", "api_user_id")
    @classmethod
    def _ids(cls, value: str) -> str:
        return check_digits(value, "Specter id")

    @field_validator("api_user_key_env", "integration_key_env", "md5_key1_env", "md5_key2_env")
    @classmethod
    def _env_names(cls, value: str | None) -> str | None:
        return None if value is None else check_env_name(value)

    @model_validator(mode="after")
    def _keys_for_version(self) -> SpecterAccount:
        allowed = "allowed: the name of the env var holding the Specter"
        problems: list[tuple[Path, str]] = [
            (
                (name,),
                f"is required with api_version {self.api_version} ({allowed} {_KEY_NAMES[name]})",
            )
            for name in self.key_env_fields
            if getattr(self, name) is None
        ]
        if problems:
            raise FieldProblems(problems)
        return self

    @property
    def key_env_fields(self) -> tuple[str, str]:
        """The two key fields the account's API version signs requests with (key 1, key 2)."""
        if self.api_version == 2:
            return ("api_user_key_env", "integration_key_env")
        return ("md5_key1_env", "md5_key2_env")

    @property
    def key_env_names(self) -> tuple[str, str]:
        first, second = self.key_env_fields
        return (getattr(self, first), getattr(self, second))


class Shop(_Model):
    code: str
    store_code: str
    website: str
    currency: str
    language: str
    webshop_id: IdText | None = None
    timezone: str | None = None
    magento: MagentoInstallation | None = None
    stock_site_id: IdText | None = None
    # Specter price list whose prices are this shop's base prices (None: the article's price).
    price_list_id: IdText | None = None
    # MSI source this shop's stock goes to; None: the legacy stock item (`default` source).
    stock_source: str | None = None
    # Whether the shop's catalog prices include VAT (Magento's tax/calculation/price_includes_tax).
    prices_include_tax: bool = False

    @field_validator("code", "store_code", "website")
    @classmethod
    def _code(cls, value: str) -> str:
        if not CODE.fullmatch(value):
            raise fail(
                f"{value!r} is not a valid code (allowed: lower-case letter first, then "
                "lower-case letters, digits or underscores, at most 32)"
            )
        return value

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str) -> str:
        if not CURRENCY.fullmatch(value):
            raise fail(f"{value!r} is not an ISO 4217 code (allowed: three upper-case letters)")
        return value

    @field_validator("language")
    @classmethod
    def _language(cls, value: str) -> str:
        if value not in SPECTER_LANGUAGES:
            raise fail(
                f"{value!r} is not a Specter language (allowed: {' '.join(SPECTER_LANGUAGES)})"
            )
        return value

    @field_validator("webshop_id", "stock_site_id", "price_list_id")
    @classmethod
    def _ids(cls, value: str | None) -> str | None:
        return None if value is None else check_digits(value, "Specter id")

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str | None) -> str | None:
        return None if value is None else check_timezone(value)


class CronSettings(_Model):
    """Schedules per flow (5-field cron, in the tenant's time zone); None means no schedule."""

    # A safety net only: the new-order sensor does the prompt work.
    orders: str = "*/15 * * * *"
    order_status: str | None = None
    prices: str | None = None
    price_lists: str | None = None
    stock: str | None = None
    products_to_magento: str | None = None
    products_to_specter: str | None = None

    @field_validator("*")
    @classmethod
    def _cron(cls, value: str | None) -> str | None:
        if value is not None and (problem := cron_problem(value)):
            raise fail(problem)
        return value


class Tenant(_Model):
    id: str
    name: str = Field(min_length=1)
    mode: Mode
    package: Annotated[Package, BeforeValidator(as_text)]
    timezone: str = "Europe/Stockholm"
    magento: MagentoInstallation
    specter: SpecterAccount
    shops: list[Shop] = Field(min_length=1)
    orders: OrderSettings
    cron: CronSettings = Field(default_factory=lambda: CronSettings())
    catalog: CatalogSettings = Field(default_factory=lambda: CatalogSettings())
    pricing: PricingSettings = Field(default_factory=lambda: PricingSettings())
    order_status: OrderStatusSettings = Field(default_factory=lambda: OrderStatusSettings())
    plugins: list[str] = Field(default_factory=list)

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not TENANT_ID.fullmatch(value):
            raise fail(
                f"{value!r} is not a tenant id (allowed: lower-case letter first, then 1-30 "
                "lower-case letters, digits or underscores)"
            )
        return value

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        return check_timezone(value)

    @model_validator(mode="after")
    def _shops_fit_together(self) -> Tenant:
        problems: list[tuple[Path, str]] = []
        for i, shop in enumerate(self.shops):
            earlier = self.shops[:i]
            if any(s.code == shop.code for s in earlier):
                why = f"{shop.code!r} is used by an earlier shop (allowed: codes unique in the tenant)"
                problems.append((("shops", i, "code"), why))
            url = self.magento_for(shop).base_url
            if any(
                s.store_code == shop.store_code and self.magento_for(s).base_url == url
                for s in earlier
            ):
                why = (
                    f"{shop.store_code!r} is used by an earlier shop of the same Magento "
                    "installation (allowed: one shop per store view)"
                )
                problems.append((("shops", i, "store_code"), why))
        if len(self.shops) > 1:
            if self.specter.api_version != 2:
                why = (
                    f"{self.specter.api_version} cannot serve {len(self.shops)} shops "
                    "(allowed: 2; multishop needs Specter API v2)"
                )
                problems.append((("specter", "api_version"), why))
            ids = Counter(s.webshop_id for s in self.shops if s.webshop_id is not None)
            for i, shop in enumerate(self.shops):
                if shop.webshop_id is None:
                    why = (
                        "is required with more than one shop "
                        "(allowed: the shop's Specter webshopId, digits)"
                    )
                elif ids[shop.webshop_id] > 1:
                    why = (
                        f"{shop.webshop_id!r} is used by another shop "
                        "(allowed: a distinct Specter webshopId per shop)"
                    )
                else:
                    continue
                problems.append((("shops", i, "webshop_id"), why))
        problems += self.pricing.shop_problems([s.code for s in self.shops])
        if problems:
            raise FieldProblems(problems)
        return self

    @model_validator(mode="after")
    def _callbacks_need_a_secret(self) -> Tenant:
        # Specter's callbacks are authenticated only by the secret in the registered URL: a
        # tenant that receives them without one would let anybody who guesses a URL cancel orders.
        if Flow.ORDER_STATUS in self.flows and self.order_status.callback_secret_env is None:
            raise fail(
                "is required when the order status flow runs (allowed: the name of the env var "
                f"holding the secret Specter's callbacks carry as pskey, e.g. "
                f"MAGSPEC_{self.id.upper()}_CALLBACK_SECRET)",
                ("order_status", "callback_secret_env"),
            )
        return self

    @property
    def package_info(self) -> PackageInfo:
        return PACKAGES[self.package]

    @property
    def flows(self) -> frozenset[Flow]:
        """The flows this tenant runs: those of its mode that its package includes."""
        return frozenset(f for f in FLOWS_BY_MODE[self.mode] if self.package_info.allows(f))

    @property
    def is_multishop(self) -> bool:
        return len(self.shops) > 1

    def shop(self, code: str) -> Shop:
        for shop in self.shops:
            if shop.code == code:
                return shop
        raise UnknownShop(self.id, code)

    def shop_for_store_code(self, store_code: str) -> Shop | None:
        return next((s for s in self.shops if s.store_code == store_code), None)

    def magento_for(self, shop: Shop) -> MagentoInstallation:
        return shop.magento or self.magento

    def timezone_for(self, shop: Shop) -> ZoneInfo:
        return ZoneInfo(shop.timezone or self.timezone)

    def cron_for(self, flow: Flow | str) -> str | None:
        return getattr(self.cron, Flow(flow).value)

    def secret_env_names(self) -> list[str]:
        """Every env-var name this tenant's secrets are read from, sorted and without repeats."""
        names = {self.magento.token_env, *self.specter.key_env_names}
        names.update(s.magento.token_env for s in self.shops if s.magento is not None)
        if self.order_status.callback_secret_env is not None:
            names.add(self.order_status.callback_secret_env)
        return sorted(names)
