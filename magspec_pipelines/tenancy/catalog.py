"""Tenant settings: how Specter articles and Magento products map (variant grouping, article-number rules, initial sync)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class CatalogSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
