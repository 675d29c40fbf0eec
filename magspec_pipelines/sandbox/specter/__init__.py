"""A Specter account served over the legacy action protocol (`getInfo.asp` / `putInfo.asp`).

Seeded from the Luma catalog, with the write actions the order flow needs (`newCustomerSubmit`,
`newOrderSubmit`, `newInvoiceSubmit`), admin inspection routes and fault injection. It imports
nothing from the Specter client: it is a second reading of the protocol reference. What that
reference leaves open is decided in `assumed.py`.
"""

from .accounts import AccountSpec, WebshopSpec
from .app import SpecterSandbox
from .errors import ActionRefused, InvalidAccountSpec, SpecterSandboxError, UnknownAccount
from .state import AccountState

__all__ = [
    "AccountSpec",
    "AccountState",
    "ActionRefused",
    "InvalidAccountSpec",
    "SpecterSandbox",
    "SpecterSandboxError",
    "UnknownAccount",
    "WebshopSpec",
]
