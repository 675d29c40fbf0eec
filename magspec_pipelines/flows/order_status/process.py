"""Processing staged order events: each event's mapped Magento actions, and a report of them.

Plain Python over the state store and a Magento client per shop, so the assets, the demo and
the tests share one implementation. A staged item is marked processed once every event it holds
is handled (done, skipped, parked or not ours); an item with a transient failure stays staged
and the run fails after everything else is handled, so Dagster's run retries take it again.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from magspec_pipelines.domain.events import OrderEvent
from magspec_pipelines.flows.order_status.apply import (
    ActionFailed,
    ActionParked,
    ActionTaken,
    OrderActions,
)
from magspec_pipelines.flows.order_status.confirm import DROPPED, unconfirmed
from magspec_pipelines.flows.order_status.stage import SOURCE_CALLBACK, SOURCE_QUEUE
from magspec_pipelines.magento.client import MagentoClient
from magspec_pipelines.magento.errors import MagentoAuthError, MagentoError, MagentoTransientError
from magspec_pipelines.mapping.status import (
    change_from_payload,
    events_from_callback,
    events_from_change,
)
from magspec_pipelines.state import OrderBinding, StateStore
from magspec_pipelines.state.order_status import OrderStatusState, StagedEvent
from magspec_pipelines.tenancy import Shop, Tenant, UnknownShop

FLOW = "order_status"
log = logging.getLogger("magspec.order_status")


@dataclass
class EventOutcome:
    """What one event did to one Magento order."""

    specter_order_no: str
    event: str
    kind: str
    shop: str = ""
    increment_id: str = ""
    result: str = "done"  # done, already done, parked, failed, not ours, dropped
    actions: list[ActionTaken] = field(default_factory=list)
    reason: str = ""
    fix: str = ""

    def actions_text(self) -> str:
        return "; ".join(a.text() for a in self.actions) or "-"


@dataclass
class StatusReport:
    outcomes: list[EventOutcome] = field(default_factory=list)
    staged_processed: int = 0
    nudges: int = 0

    def counts(self) -> dict[str, int]:
        counted = Counter(o.result for o in self.outcomes)
        results = ("done", "already done", "parked", "failed", "not ours", DROPPED)
        return {r: counted.get(r, 0) for r in results}

    def actions_done(self) -> dict[str, int]:
        return dict(
            Counter(a.action for o in self.outcomes for a in o.actions if a.result == "done")
        )

    @property
    def parked(self) -> list[EventOutcome]:
        return [o for o in self.outcomes if o.result == "parked"]

    @property
    def failed(self) -> list[EventOutcome]:
        return [o for o in self.outcomes if o.result == "failed"]


def parked_event_key(binding: OrderBinding, event: OrderEvent) -> str:
    """The key an event parks under: the order's (`shop:entity_id`) and the event's."""
    return f"{binding.shop}:{binding.magento_entity_id}:{event.key}"


def events_of(staged: StagedEvent) -> list[OrderEvent]:
    if staged.source == SOURCE_QUEUE:
        return events_from_change(change_from_payload(staged.payload))
    if staged.source == SOURCE_CALLBACK:
        return events_from_callback(staged.payload)
    return []  # a nudge: the queue drained before this run is its content


class StatusProcessor:
    """Applies a tenant's staged order events to Magento."""

    def __init__(
        self,
        tenant: Tenant,
        store: StateStore,
        magento_for: Callable[[Tenant, Shop], MagentoClient],
    ) -> None:
        self.tenant = tenant
        self.store = store
        self.state = OrderStatusState(store)
        self._magento_for = magento_for
        self._clients: dict[str, MagentoClient] = {}

    def magento(self, shop: Shop) -> MagentoClient:
        if shop.code not in self._clients:
            self._clients[shop.code] = self._magento_for(self.tenant, shop)
        return self._clients[shop.code]

    @property
    def clients(self) -> dict[str, MagentoClient]:
        return dict(self._clients)

    def process_pending(self) -> StatusReport:
        report = StatusReport()
        for staged in self.state.pending_events(self.tenant.id):
            events = events_of(staged)
            if not events:
                report.nudges += 1
                self.state.mark_processed(self.tenant.id, [staged.id], "nudge")
                continue
            if staged.source == SOURCE_CALLBACK:
                # Never on a callback's word alone: Specter's order feed must say the same.
                reason = unconfirmed(staged, self.state)
                if reason is not None:
                    report.outcomes += [self._drop(staged, event, reason) for event in events]
                    continue
            outcomes = [self.process(event) for event in events]
            report.outcomes += outcomes
            if not any(o.result == "failed" for o in outcomes):
                summary = ", ".join(sorted({o.result for o in outcomes}))
                self.state.mark_processed(self.tenant.id, [staged.id], summary)
                report.staged_processed += 1
        return report

    def process(self, event: OrderEvent) -> EventOutcome:
        outcome = EventOutcome(event.specter_order_no, event.label, event.kind.value)
        binding = self.state.binding_for(
            self.tenant.id, event.specter_order_no, event.external_order_no
        )
        if binding is None:
            outcome.result = "not ours"
            outcome.reason = "no Magento order of this tenant is bound to this Specter order"
            return outcome
        outcome.shop, outcome.increment_id = binding.shop, binding.magento_increment_id
        rule = self.tenant.order_status.rule(event.kind.value)
        try:
            shop = self.tenant.shop(binding.shop)
        except UnknownShop:
            return self._park(
                outcome,
                binding,
                event,
                f"shop {binding.shop!r} is no longer in the tenant",
                f"tenants/{self.tenant.id}.yaml: shops",
            )
        actions = OrderActions(self.tenant, self.state, self.magento(shop), binding, event, rule)
        todo = actions.pending_actions()
        if not todo:
            outcome.result = "already done" if rule.actions else "done"
            return outcome
        for action in todo:
            try:
                outcome.actions.append(actions.run(action))
            except ActionParked as parked:
                outcome.actions.append(ActionTaken(action, "parked", parked.reason))
                return self._park(outcome, binding, event, parked.reason, parked.fix)
            except (ActionFailed, MagentoTransientError) as exc:
                outcome.actions.append(ActionTaken(action, "failed", str(exc)))
                outcome.result, outcome.reason = "failed", str(exc)
                return outcome
            except MagentoAuthError:
                raise  # the token's fault, not the order's: the run fails, nothing is parked
            except MagentoError as exc:
                outcome.actions.append(ActionTaken(action, "parked", exc.message))
                return self._park(
                    outcome, binding, event, f"Magento: {exc.message}",
                    f"the order in Magento; then `magspec parked retry {self.tenant.id}`",
                )  # fmt: skip
        self.store.resolve_parked(self.tenant.id, FLOW, parked_event_key(binding, event))
        done_now = any(a.result in ("done", "skipped") for a in outcome.actions)
        outcome.result = "done" if done_now else "already done"
        return outcome

    def _drop(self, staged: StagedEvent, event: OrderEvent, reason: str) -> EventOutcome:
        log.warning(
            "%s: callback %s for Specter order %s dropped: %s",
            self.tenant.id, event.label, event.specter_order_no, reason,
        )  # fmt: skip
        self.state.mark_processed(self.tenant.id, [staged.id], f"{DROPPED}: {reason}")
        outcome = EventOutcome(event.specter_order_no, event.label, event.kind.value)
        binding = self.state.binding_for(self.tenant.id, event.specter_order_no)
        if binding is not None:
            outcome.shop, outcome.increment_id = binding.shop, binding.magento_increment_id
        outcome.result, outcome.reason = DROPPED, reason
        return outcome

    def _park(
        self,
        outcome: EventOutcome,
        binding: OrderBinding,
        event: OrderEvent,
        reason: str,
        fix: str,
    ) -> EventOutcome:
        self.store.park(
            self.tenant.id,
            FLOW,
            parked_event_key(binding, event),
            reason=reason,
            fix_path=fix,
            payload={"event": event.model_dump(mode="json")},
            shop=binding.shop,
            source_fingerprint=event.key,
        )
        outcome.result, outcome.reason, outcome.fix = "parked", reason, fix
        return outcome
