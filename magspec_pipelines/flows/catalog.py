"""The catalog flow's asset graph (being built)."""

from __future__ import annotations

from magspec_pipelines.flows.common import FlowDefinitions
from magspec_pipelines.tenancy import Registry


def build(registry: Registry) -> FlowDefinitions:
    return FlowDefinitions()
