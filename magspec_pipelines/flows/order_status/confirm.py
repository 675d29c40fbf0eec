"""Confirming a callback with Specter before anything is done in Magento for it.

A callback is authenticated only by the `pskey` in its URL, and a URL leaks (a proxy's access
log, a copied template, a former employee's notes). Whoever has it must not be able to cancel,
ship, invoice, comment or e-mail. So an invoice or removal callback is acted on only when
Specter's own order feed says the same: the feed is read by the client with the account's API
key, and every item of it is staged in `order_status_events` before it is acknowledged (the
first asset of each run drains it, before the callbacks are processed). The newest staged item
of the callback's order must show:

- `remove_order`: the order removed (`statusId` 5);
- `new_invoice`: the callback's invoice as the order's invoice (so an invoice that does not
  exist, or that belongs to another order, is not confirmed).

Otherwise the callback is dropped: logged, and marked processed with `dropped: <reason>` so
support can see it. Dropping loses nothing genuine: whatever Specter changes reaches the order
feed, whose events are applied on their own, with the same event keys, so a confirmed callback
and the feed's item never act twice.
"""

from __future__ import annotations

from magspec_pipelines.flows.order_status.stage import SOURCE_QUEUE
from magspec_pipelines.mapping.status import (
    CALLBACK_INVOICE,
    CALLBACK_REMOVAL,
    change_from_payload,
)
from magspec_pipelines.state.order_status import OrderStatusState, StagedEvent

DROPPED = "dropped"


def unconfirmed(staged: StagedEvent, state: OrderStatusState) -> str | None:
    """None when Specter's order feed confirms the staged callback; otherwise why it does not."""
    payload = staged.payload
    kind = payload.get("callback")
    order_no = str(payload.get("order_no") or "")
    if kind not in (CALLBACK_INVOICE, CALLBACK_REMOVAL):
        return f"callback {kind!r} is not one magspec acts on"
    latest = state.latest_event(staged.tenant, SOURCE_QUEUE, order_no)
    if latest is None:
        return f"Specter's order feed has reported nothing on order {order_no}"
    change = change_from_payload(latest.payload)
    if kind == CALLBACK_REMOVAL:
        if change.is_cancelled:
            return None
        status = change.status_id or "none"
        return f"Specter reports order {order_no} active (statusId {status}), not removed"
    invoice_no = str(payload.get("invoice_no") or "")
    if change.invoice_no == invoice_no:
        return None
    if change.invoice_no is None:
        return f"Specter reports no invoice on order {order_no}, not invoice {invoice_no}"
    return f"Specter reports invoice {change.invoice_no} on order {order_no}, not {invoice_no}"


def dropped_callbacks(tenant_id: str, state: OrderStatusState) -> list[StagedEvent]:
    """The callbacks dropped for `tenant_id`, oldest first; `outcome` holds the reason."""
    return state.events_with_outcome(tenant_id, f"{DROPPED}:")
