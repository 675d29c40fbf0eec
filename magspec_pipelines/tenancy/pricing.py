"""Tenant settings: prices, price lists → tier prices, and stock."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class PricingSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
