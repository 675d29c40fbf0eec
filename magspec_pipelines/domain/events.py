"""System-neutral order events: what happened to an order in the business system.

An event names the order on both sides' terms (the business system's order number and the
external order number the shop sent), what happened, and what it carried: the delivered rows and
their tracking numbers, or the invoice. `key` identifies the event among the order's events, so
the same delivery seen twice (a replayed batch, a callback and a queue item) is one event.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class EventKind(StrEnum):
    DELIVERED = "delivered"
    PARTLY_DELIVERED = "partly_delivered"
    INVOICED = "invoiced"
    PAID = "paid"
    CANCELLED = "cancelled"

    @property
    def is_delivery(self) -> bool:
        return self in (EventKind.DELIVERED, EventKind.PARTLY_DELIVERED)


class DeliveredRow(_Model):
    article_no: str
    quantity: Decimal


class OrderEvent(_Model):
    """One thing that happened to an order. `key` is unique among one order's events."""

    kind: EventKind
    specter_order_no: str
    external_order_no: str | None = None
    key: str
    delivery_no: str | None = None
    rows: tuple[DeliveredRow, ...] = ()
    tracking_numbers: tuple[str, ...] = ()
    delivery_method: str | None = None
    invoice_no: str | None = None
    source: str = "queue"

    @property
    def label(self) -> str:
        """How support reads it: `delivered (delivery 12)`, `invoiced (invoice 5)`."""
        if self.delivery_no:
            return f"{self.kind.value} (delivery {self.delivery_no})"
        if self.invoice_no:
            return f"{self.kind.value} (invoice {self.invoice_no})"
        return self.kind.value
