"""What the order mapping tests share: the shipped acme tenant, and a copy with other order settings."""

from __future__ import annotations

from functools import cache

from magspec_pipelines.tenancy import Tenant, load_registry
from magspec_pipelines_tests import REPO


@cache
def shipped_tenant(tenant_id: str) -> Tenant:
    return load_registry(str(REPO / "tenants")).tenants[tenant_id]


def with_orders(tenant: Tenant, **changes) -> Tenant:
    """`tenant` with some `orders:` settings replaced (unvalidated, as a test wants them)."""
    return tenant.model_copy(update={"orders": tenant.orders.model_copy(update=changes)})
