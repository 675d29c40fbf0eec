"""Reconciliation of the order status flow: every order Specter says is delivered is shipped in
Magento (or parked with a reason). Dagster-free, so the CLI and tests can call it too."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from magspec_pipelines.flows.order_status.process import FLOW
from magspec_pipelines.flows.order_status.stage import SOURCE_QUEUE
from magspec_pipelines.magento.client import MagentoClient
from magspec_pipelines.mapping.status import change_from_payload, remaining
from magspec_pipelines.state import StateStore
from magspec_pipelines.state.order_status import OrderStatusState
from magspec_pipelines.tenancy import Shop, Tenant
from magspec_pipelines.tenancy.status_assumed import CHECK_LOOKBACK_DAYS


@dataclass
class ShippedCheck:
    delivered: int = 0
    shipped: list[str] = field(default_factory=list)
    not_shipped: list[str] = field(default_factory=list)
    parked: list[str] = field(default_factory=list)
    not_ours: int = 0

    @property
    def passed(self) -> bool:
        return not self.not_shipped


def check_delivered_are_shipped(
    tenant: Tenant,
    store: StateStore,
    magento_for: Callable[[Tenant, Shop], MagentoClient],
    lookback: timedelta = timedelta(days=CHECK_LOOKBACK_DAYS),
) -> ShippedCheck:
    """Reads back, for each Specter order whose latest staged state is delivered, the Magento
    order: nothing of it may be left to ship unless the order is parked."""
    state = OrderStatusState(store)
    since = datetime.now(UTC) - lookback
    parked = {p.entity_key.rsplit(":", 2)[0] for p in store.parked(tenant.id, FLOW)}
    result = ShippedCheck()
    clients: dict[str, MagentoClient] = {}
    for order_no, staged in sorted(state.latest_events(tenant.id, SOURCE_QUEUE, since).items()):
        change = change_from_payload(staged.payload)
        if not change.is_delivered or change.is_cancelled:
            continue
        result.delivered += 1
        binding = state.binding_for(tenant.id, order_no, change.external_order_no)
        if binding is None:
            result.not_ours += 1
            continue
        label = f"{binding.shop}:{binding.magento_increment_id} (Specter {order_no})"
        if f"{binding.shop}:{binding.magento_entity_id}" in parked:
            result.parked.append(label)
            continue
        shop = tenant.shop(binding.shop)
        if shop.code not in clients:
            clients[shop.code] = magento_for(tenant, shop)
        order = clients[shop.code].get_order(binding.magento_entity_id)
        rows = [r for r in order.get("items") or [] if r.get("parent_item_id") is None]
        if any(remaining(r, "qty_shipped") > 0 for r in rows):
            result.not_shipped.append(label)
        else:
            result.shipped.append(label)
    return result
