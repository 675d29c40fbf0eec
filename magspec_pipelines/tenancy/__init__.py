"""The tenant registry: one YAML file per merchant, validated into `Tenant` models."""

from magspec_pipelines.tenancy.models import (
    FLOWS_BY_MODE,
    PACKAGES,
    CronSettings,
    Flow,
    MagentoInstallation,
    Mode,
    Package,
    PackageInfo,
    Shop,
    SpecterAccount,
    TenancyError,
    Tenant,
    UnknownShop,
)
from magspec_pipelines.tenancy.orders import PAY_TYPE_CODES, OrderSettings
from magspec_pipelines.tenancy.registry import (
    Registry,
    RegistryError,
    RegistryLoadError,
    UnknownTenant,
    format_registry_report,
    load_registry,
    registry_exit_status,
)
from magspec_pipelines.tenancy.secrets import MissingSecret, missing_secrets, resolve_secret

__all__ = [
    "CronSettings",
    "FLOWS_BY_MODE",
    "PACKAGES",
    "PAY_TYPE_CODES",
    "Flow",
    "MagentoInstallation",
    "MissingSecret",
    "Mode",
    "OrderSettings",
    "Package",
    "PackageInfo",
    "Registry",
    "RegistryError",
    "RegistryLoadError",
    "Shop",
    "SpecterAccount",
    "TenancyError",
    "Tenant",
    "UnknownShop",
    "UnknownTenant",
    "format_registry_report",
    "load_registry",
    "missing_secrets",
    "registry_exit_status",
    "resolve_secret",
]
