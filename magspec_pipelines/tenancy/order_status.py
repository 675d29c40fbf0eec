"""Tenant settings: what Specter's order events do in Magento."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class OrderStatusSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
