"""A Specter account served over the legacy action protocol (`getInfo.asp` / `putInfo.asp`).

Seeded from the Luma catalog: customers, orders, invoices and deliveries, articles with stock per
stock site, price lists, change queues with batches, callbacks, the assumed reads, admin routes
for what staff do in Specter, and fault injection. It imports nothing from the Specter client: it
is a second reading of the protocol reference. What that reference leaves open is decided in
`assumed.py`.
"""

from .accounts import AccountSpec, ModuleSpec, PriceListSpec, StockSiteSpec, WebshopSpec
from .app import SpecterSandbox
from .errors import (
    ActionRefused,
    BatchStillOpen,
    InvalidAccountSpec,
    SpecterSandboxError,
    UnknownAccount,
)
from .state import AccountState

__all__ = [
    "AccountSpec",
    "AccountState",
    "ActionRefused",
    "BatchStillOpen",
    "InvalidAccountSpec",
    "ModuleSpec",
    "PriceListSpec",
    "SpecterSandbox",
    "SpecterSandboxError",
    "StockSiteSpec",
    "UnknownAccount",
    "WebshopSpec",
]
