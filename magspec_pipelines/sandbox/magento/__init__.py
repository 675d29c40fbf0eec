"""A Magento 2.4 REST sandbox: orders, store structure, auth and searchCriteria as Magento has them.

It reads the same references as the Magento client but imports nothing from it, so that a
misreading on either side shows up as a failing test.
"""

from magspec_pipelines.sandbox.magento.app import MagentoSandbox
from magspec_pipelines.sandbox.magento.errors import (
    SandboxError,
    UnknownInstance,
    UnknownOrder,
    UnknownStoreView,
)
from magspec_pipelines.sandbox.magento.state import MagentoInstance, Settings
from magspec_pipelines.sandbox.magento.stores import InstanceSpec, StoreViewSpec

__all__ = [
    "InstanceSpec",
    "MagentoInstance",
    "MagentoSandbox",
    "SandboxError",
    "Settings",
    "StoreViewSpec",
    "UnknownInstance",
    "UnknownOrder",
    "UnknownStoreView",
]
