"""What each flow module contributes to the code location."""

from __future__ import annotations

from dataclasses import dataclass, field

import dagster as dg


@dataclass
class FlowDefinitions:
    """One flow's assets, checks, jobs, sensors and schedules; `definitions.py` merges them."""

    assets: list[dg.AssetsDefinition] = field(default_factory=list)
    asset_checks: list[dg.AssetChecksDefinition] = field(default_factory=list)
    jobs: list = field(default_factory=list)
    sensors: list[dg.SensorDefinition] = field(default_factory=list)
    schedules: list[dg.ScheduleDefinition] = field(default_factory=list)

    def __iadd__(self, other: FlowDefinitions) -> FlowDefinitions:
        self.assets += other.assets
        self.asset_checks += other.asset_checks
        self.jobs += other.jobs
        self.sensors += other.sensors
        self.schedules += other.schedules
        return self
