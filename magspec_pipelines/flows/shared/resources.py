"""The one resource every flow uses: tenant registry, durable state and API clients.

Credentials are env-var names in the registry; they are read here, at run time, never at import,
and never put in logs or metadata.
"""

from __future__ import annotations

import os
from functools import cached_property
from typing import Any

import dagster as dg
from pydantic import PrivateAttr

from magspec_pipelines.flows.shared.installations import installation_key
from magspec_pipelines.http import RetryPolicy
from magspec_pipelines.magento.client import MagentoClient
from magspec_pipelines.specter.client import SpecterClient, SpecterCredentials
from magspec_pipelines.state import StateStore
from magspec_pipelines.tenancy import Registry, Shop, Tenant, load_registry, resolve_secret


def specter_credentials(tenant: Tenant) -> SpecterCredentials:
    cfg = tenant.specter
    if cfg.api_version == 1:
        return SpecterCredentials(
            sbm_id=cfg.sbm_id,
            api_user_id=cfg.api_user_id,
            md5_key1=resolve_secret(cfg.md5_key1_env),
            md5_key2=resolve_secret(cfg.md5_key2_env),
            api_version=1,
        )
    return SpecterCredentials(
        sbm_id=cfg.sbm_id,
        api_user_id=cfg.api_user_id,
        api_user_key=resolve_secret(cfg.api_user_key_env),
        integration_key=resolve_secret(cfg.integration_key_env),
        api_version=2,
    )


class MagspecResource(dg.ConfigurableResource):
    """Registry, state store and clients for a run. Empty settings fall back to the environment
    (`MAGSPEC_TENANTS_DIR`, `MAGSPEC_STATE_URL`)."""

    tenants_dir: str = ""
    state_url: str = ""
    http_timeout: float = 30.0
    max_attempts: int = 5
    max_concurrency: int = 4

    _clients: list[Any] = PrivateAttr(default_factory=list)

    @cached_property
    def registry(self) -> Registry:
        return load_registry(self.tenants_dir or os.environ.get("MAGSPEC_TENANTS_DIR") or None)

    @cached_property
    def state(self) -> StateStore:
        store = StateStore.from_url(self.state_url or None)
        store.upgrade()
        return store

    def tenant(self, tenant_id: str) -> Tenant:
        try:
            return self.registry.tenants[tenant_id]
        except KeyError:
            raise dg.Failure(
                f"tenant {tenant_id!r} is not in the registry (or its file has errors); "
                "run `magspec tenants validate`"
            ) from None

    def _retry(self) -> RetryPolicy:
        return RetryPolicy(max_attempts=self.max_attempts)

    def magento(self, tenant: Tenant, shop: Shop) -> MagentoClient:
        base_url, token_env = installation_key(tenant, shop)
        client = MagentoClient(
            base_url=base_url,
            token=resolve_secret(token_env),
            timeout=self.http_timeout,
            retry=self._retry(),
            max_concurrency=self.max_concurrency,
        )
        self._clients.append(client)
        return client

    def specter(self, tenant: Tenant) -> SpecterClient:
        client = SpecterClient(
            base_url=tenant.specter.base_url,
            credentials=specter_credentials(tenant),
            timeout=self.http_timeout,
            retry=self._retry(),
        )
        self._clients.append(client)
        return client

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        for client in self._clients:
            client.close()
        self._clients.clear()
        # Sensors build the resource on every tick: release the state store's connections too.
        if "state" in self.__dict__:
            self.__dict__.pop("state").dispose()
