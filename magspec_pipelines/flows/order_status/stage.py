"""Staging Specter's order events: the change queue and the callbacks, into the state store.

The queue is drained with `SpecterClient.drain`, whose `stage` step writes the batch to the
state store in one transaction before the batch is acknowledged. Each item is keyed by its
batch, order and content, so a batch staged again (recovered after a crash or a lost
acknowledgement) adds nothing, while the same order coming back in a later batch with news is
staged again. Callbacks carry ids only; they are staged under their kind and id.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import uuid4

from magspec_pipelines.domain.fingerprints import canonical_json, short_digest
from magspec_pipelines.mapping.status import (
    CALLBACK_INVOICE,
    CALLBACK_REMOVAL,
    callback_payload,
    change_payload,
)
from magspec_pipelines.specter.callbacks import (
    CallbackEvent,
    InvoiceCreated,
    OrderChanged,
    OrderRemoved,
)
from magspec_pipelines.specter.client import SpecterClient
from magspec_pipelines.specter.queues import Batch, QueueKind
from magspec_pipelines.state.order_status import OrderStatusState, StagedItem
from magspec_pipelines.tenancy import Tenant

SOURCE_QUEUE = "queue"
SOURCE_CALLBACK = "callback"
SOURCE_NUDGE = "nudge"


@dataclass(frozen=True)
class StageReport:
    batches: int
    items: int
    recovered: int
    new_events: int
    more: bool


def _digest(payload: dict[str, Any]) -> str:
    return short_digest(canonical_json(payload, compact=False))


def queue_items(batch: Batch[Any]) -> list[StagedItem]:
    items = []
    for change in batch.items:
        payload = change_payload(change)
        key = f"{SOURCE_QUEUE}:{batch.batch_no}:{change.order_no}:{_digest(payload)}"
        items.append(StagedItem(key, change.order_no, payload))
    return items


def stage_queue(tenant: Tenant, specter: SpecterClient, state: OrderStatusState) -> StageReport:
    """Drain the tenant's order change queue into the state store, batch by batch."""
    new = 0

    def stage(batch: Batch[Any]) -> None:
        nonlocal new
        new += state.stage(tenant.id, SOURCE_QUEUE, queue_items(batch))

    result = specter.drain(QueueKind.ORDERS, stage, max_batches=tenant.order_status.max_batches)
    return StageReport(result.batches, result.items, result.recovered, new, result.more)


def stage_callback(tenant_id: str, event: CallbackEvent, state: OrderStatusState) -> int:
    """Stage one callback; returns 1 when it was news, 0 when it was already staged. Order-change
    nudges are staged too: they tell the sensor that the queue has work."""
    if isinstance(event, InvoiceCreated):
        order_no = event.order_id or ""
        payload = callback_payload(CALLBACK_INVOICE, order_no, event.invoice_id)
        key = f"{SOURCE_CALLBACK}:{CALLBACK_INVOICE}:{event.invoice_id}"
        return state.stage(tenant_id, SOURCE_CALLBACK, [StagedItem(key, order_no, payload)])
    if isinstance(event, OrderRemoved):
        payload = callback_payload(CALLBACK_REMOVAL, event.order_no)
        key = f"{SOURCE_CALLBACK}:{CALLBACK_REMOVAL}:{event.order_no}"
        return state.stage(tenant_id, SOURCE_CALLBACK, [StagedItem(key, event.order_no, payload)])
    if isinstance(event, OrderChanged):
        # One waiting nudge per order is enough; a processed one lets the next one in.
        order_no = event.order_id or ""
        waiting = state.pending_events(tenant_id)
        if any(e.source == SOURCE_NUDGE and e.specter_order_no == order_no for e in waiting):
            return 0
        key = f"{SOURCE_NUDGE}:{order_no}:{uuid4().hex}"
        payload = {"callback": "order_change", "order_no": order_no}
        return state.stage(tenant_id, SOURCE_NUDGE, [StagedItem(key, order_no, payload)])
    return 0
