"""What the price, tier-price and stock engines share: the tenant's targets, parking with a
reason and a fix, resolving what went through, waiting for async bulk, counting API calls."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from magspec_pipelines.flows.shared.compare import ValuePlan
from magspec_pipelines.flows.shared.installations import (
    MakeClient,
    ShopTarget,
    Targets,
    resolve_targets,
)
from magspec_pipelines.flows.shared.shop_report import ParkedItem, ShopReport, SyncReport
from magspec_pipelines.magento.client import MagentoClient
from magspec_pipelines.magento.models import FailedRow
from magspec_pipelines.specter.client import SpecterClient
from magspec_pipelines.state import StateStore
from magspec_pipelines.tenancy import Tenant

BULK_TIMEOUT_SECONDS = 300.0
BULK_POLL_SECONDS = 0.2


class PricingEngine:
    """Base of the three engines; `flow` is the flow name parked records carry."""

    flow = ""

    def __init__(
        self,
        tenant: Tenant,
        state: StateStore,
        make_client: MakeClient,
        config_path: Callable[[str], str],
    ) -> None:
        self.tenant = tenant
        self.state = state
        self.make_client = make_client
        self.config_path = config_path
        self._parked_keys: set[str] | None = None

    def targets(self, report: SyncReport) -> Targets:
        targets = resolve_targets(self.tenant, self.make_client, self.config_path)
        for code, error in targets.errors.items():
            if error.config:
                self.park(report.shop(code), f"{code}:shop", str(error), error.fix)
            else:
                report.shop(code).error = str(error)
        return targets

    # -- parking ----------------------------------------------------------------------------
    def park(
        self,
        shop: ShopReport,
        key: str,
        reason: str,
        fix: str,
        payload: dict[str, Any] | None = None,
    ) -> None:
        self.state.park(
            self.tenant.id,
            self.flow,
            key,
            reason=reason,
            fix_path=fix,
            payload=payload,
            shop=shop.shop,
        )
        shop.parked.append(ParkedItem(shop.shop, key, reason, fix))

    def resolve(self, keys: Iterable[str]) -> None:
        """Resolve parked records of keys that went through (only those parked: one read)."""
        if self._parked_keys is None:
            self._parked_keys = {p.entity_key for p in self.state.parked(self.tenant.id, self.flow)}
        for key in keys:
            if key in self._parked_keys:
                self.state.resolve_parked(self.tenant.id, self.flow, key)
                self._parked_keys.discard(key)

    # -- writes -----------------------------------------------------------------------------
    @staticmethod
    def refused(client: MagentoClient, result: Any) -> dict[str, str]:
        """SKU → reason for every row Magento refused, waiting for async bulk where used."""
        out: dict[str, str] = {}
        for row in result.failed:
            _add_failure(out, row)
        for submission in result.bulk:
            status = client.wait_for_bulk(
                submission.bulk_uuid, timeout=BULK_TIMEOUT_SECONDS, interval=BULK_POLL_SECONDS
            )
            out.update(status.failures(submission))
        return out

    def record_written(
        self,
        shop: ShopReport,
        entity: str,
        written: list[str],
        plan: ValuePlan,
        old: Mapping[str, str],
        new: Mapping[str, str],
    ) -> None:
        """What went through: counted as repaired (drift), updated or created, fingerprinted so
        the next run skips it, and its parked record (if any) resolved."""
        drift = set(plan.drifted)
        for sku in written:
            if sku in drift:
                shop.repaired += 1
            elif sku in old:
                shop.updated += 1
            else:
                shop.created += 1
        code = shop.shop
        self.state.set_fingerprints(self.tenant.id, entity, code, {s: new[s] for s in written})
        self.resolve(f"{code}:{s}" for s in written)

    @staticmethod
    def count_calls(shop: ShopReport, target: ShopTarget, before: int) -> None:
        shop.magento_calls += target.client.stats.requests - before


def _add_failure(out: dict[str, str], row: FailedRow) -> None:
    out[row.sku or "?"] = row.message_rendered


class PriceListEngine(PricingEngine):
    """An engine that reads Specter's price lists (through the API or the export files)."""

    def __init__(
        self,
        tenant: Tenant,
        state: StateStore,
        specter: SpecterClient,
        make_client: MakeClient,
        *,
        config_path: Callable[[str], str],
        registry_dir: Path,
    ) -> None:
        super().__init__(tenant, state, make_client, config_path)
        self.specter = specter
        self.registry_dir = registry_dir
