"""A Magento 2.4 REST sandbox: orders and their actions, products, prices, stock, async bulk, store
structure, auth (Bearer and OAuth 1.0a) and searchCriteria as Magento has them.

It reads the same references as the Magento client but imports nothing from it, so that a
misreading on either side shows up as a failing test.
"""

from magspec_sandbox.magento.app import MagentoSandbox
from magspec_sandbox.magento.errors import (
    SandboxError,
    UnknownInstance,
    UnknownOrder,
    UnknownStoreView,
)
from magspec_sandbox.magento.groups import CustomerGroupSpec
from magspec_sandbox.magento.inventory import SourceSpec
from magspec_sandbox.magento.oauth import Credentials
from magspec_sandbox.magento.state import MagentoInstance, Settings
from magspec_sandbox.magento.stores import InstanceSpec, StoreViewSpec

__all__ = [
    "Credentials",
    "CustomerGroupSpec",
    "SourceSpec",
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
