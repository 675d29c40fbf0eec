"""The rows the state store hands out (frozen dataclasses) and the store's errors."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row

from magspec_pipelines.state.schema import BindingState


class StateError(Exception):
    """Base of the state store's errors."""


class UnsupportedDatabase(StateError):
    pass


class BindingNotFound(StateError, LookupError):
    def __init__(self, tenant: str, shop: str, entity_id: int) -> None:
        super().__init__(
            f"no order binding for tenant {tenant!r}, shop {shop!r}, order {entity_id}"
        )


class BindingStateError(StateError):
    """A binding cannot make the requested move; `binding` is the row as it stands."""

    def __init__(self, binding: OrderBinding, wanted: BindingState) -> None:
        self.binding, self.wanted = binding, wanted
        super().__init__(
            f"order {binding.magento_increment_id} of tenant {binding.tenant!r} (shop "
            f"{binding.shop!r}) is {binding.state.value!r} and cannot move to {wanted.value!r}"
        )


class DuplicateSpecterOrder(StateError):
    """The Specter order number is already bound to another Magento order of the tenant."""


@dataclass(frozen=True)
class OrderBinding:
    tenant: str
    shop: str
    magento_entity_id: int
    magento_increment_id: str
    external_order_no: str
    day: date
    specter_customer_id: str | None
    specter_order_no: str | None
    specter_invoice_no: str | None
    state: BindingState
    attempts: int
    last_error: str | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class Watermark:
    tenant: str
    stream: str
    scope: str
    value: str
    extra: dict[str, Any]
    updated_at: datetime


@dataclass(frozen=True)
class ParkedRecord:
    tenant: str
    flow: str
    entity_key: str
    shop: str
    reason: str
    fix_path: str
    payload: dict[str, Any] | None
    source_fingerprint: str
    first_seen: datetime
    last_seen: datetime
    attempts: int
    resolved_at: datetime | None

    @property
    def is_parked(self) -> bool:
        return self.resolved_at is None


def binding_from_row(row: Row[Any]) -> OrderBinding:
    values = row._asdict()
    values.pop("id", None)
    values["state"] = BindingState(values["state"])
    return OrderBinding(**values)


def watermark_from_row(row: Row[Any]) -> Watermark:
    values = row._asdict()
    values.pop("id", None)
    values["extra"] = json.loads(values["extra"] or "{}")
    return Watermark(**values)


def parked_from_row(row: Row[Any]) -> ParkedRecord:
    values = row._asdict()
    values.pop("id", None)
    values["payload"] = None if values["payload"] is None else json.loads(values["payload"])
    return ParkedRecord(**values)


def to_json(value: Mapping[str, Any] | None) -> str | None:
    return None if value is None else json.dumps(value, sort_keys=True, default=str)
