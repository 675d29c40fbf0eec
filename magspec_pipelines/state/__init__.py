"""Durable sync state: order bindings, watermarks, parked records and fingerprints."""

from magspec_pipelines.state.rows import (
    BindingNotFound,
    BindingStateError,
    DuplicateSpecterOrder,
    OrderBinding,
    ParkedRecord,
    StateError,
    UnsupportedDatabase,
    Watermark,
)
from magspec_pipelines.state.schema import BindingState
from magspec_pipelines.state.store import StateStore
from magspec_pipelines.state.urls import state_url

__all__ = [
    "BindingNotFound",
    "BindingState",
    "BindingStateError",
    "DuplicateSpecterOrder",
    "OrderBinding",
    "ParkedRecord",
    "StateError",
    "StateStore",
    "UnsupportedDatabase",
    "Watermark",
    "state_url",
]
