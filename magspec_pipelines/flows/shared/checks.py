"""What the sampling checks of the price and stock flows share: a stable sample of SKUs, and
the shops to read grouped by what they write (a website, a source)."""

from collections.abc import Callable, Iterable
from typing import Any

import dagster as dg

from magspec_pipelines.domain.fingerprints import short_digest
from magspec_pipelines.flows.shared.installations import (
    ShopTarget,
    Targets,
    resolve_targets,
    writers,
)
from magspec_pipelines.flows.shared.resources import MagspecResource
from magspec_pipelines.tenancy import Tenant


def sample(keys: Iterable[str], size: int, salt: str) -> list[str]:
    """A stable spread of SKUs (by hash, not the first in the alphabet)."""
    return sorted(keys, key=lambda k: short_digest(f"{salt}:{k}", length=40))[:size]


def shop_targets(
    magspec: MagspecResource, tenant: Tenant, key: Callable[[ShopTarget], Any]
) -> tuple[Targets, dict[str, list[ShopTarget]]]:
    """The tenant's shops in Magento, and the writer of each scope `key` names."""
    targets = resolve_targets(
        tenant, magspec.magento, lambda k: magspec.registry.config_path(tenant.id, k)
    )
    return targets, writers(targets.found, key=key)


def sample_result(compared: int, mismatches: list[str], targets: Targets) -> dg.AssetCheckResult:
    """A sampling check's verdict: passed when every sampled SKU matched and every shop was
    reachable."""
    return dg.AssetCheckResult(
        passed=not mismatches and not targets.errors,
        metadata={
            "compared": compared,
            "mismatches": mismatches[:50],
            "shops not reachable": sorted(targets.errors),
        },
    )
