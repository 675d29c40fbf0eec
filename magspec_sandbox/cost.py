"""The sandboxes' cost model: what a request costs the server that answers it.

A real Magento or Specter answers slower than the sandbox does, and more slowly the more it has
to write. The model makes the sandboxes cost the same for every client compared against them:

- `latency_seconds` (L) per request, read or write;
- `item_seconds` (c) per item a write request writes: one product, price row, source item,
  order, customer or article. A read costs L only, however much it returns (one page is one
  query);
- `concurrency` (K): at most K requests are served at once; the others wait their turn, first
  come first served, and the waiting is part of what the caller sees.

A request's service time is `max(real handling time, L + items * c)`: the sandbox's own Python
time is hidden inside the modelled time instead of being added to it. `FaultInjector` applies
the model (see `faults.py`); a classifier per sandbox tells it whether a request writes and how
many items.

Magento (`magento_classify`), by method and the route after `/V1/`:

| request                                                         | write | items       |
|-----------------------------------------------------------------|-------|-------------|
| GET                                                             | no    | 0           |
| POST `integration/admin/token` (any `integration/...`),         | no    | 0           |
| `/oauth/token/...`                                              |       |             |
| POST `products/base-prices-information`,                        | no    | 0           |
| `products/tier-prices-information`,                             |       |             |
| `products/special-price-information`                            |       |             |
| any other POST, PUT, DELETE or PATCH                            | yes   | see below   |

Items of a write, from its JSON body: a list (async bulk: one element per operation) is the sum
over its elements; an object with a list under `prices`, `sourceItems`, `items` or `skus` is the
length of that list; anything else (one product, one order action, a body-less DELETE) is 1.

Specter (`specter_classify`), by the action named in `action=` (query string or form body):

| action                                                          | write | items       |
|-----------------------------------------------------------------|-------|-------------|
| putInfo.asp newCustomerSubmit, newOrderSubmit,                  | yes   | 1           |
| newInvoiceSubmit, newDeliverySubmit                             |       |             |
| putInfo.asp newArticleSubmit                                    | yes   | articles in |
|                                                                 |       | the batch   |
| getInfo.asp change-queue reads (`get...ExternalNeedUpdate`)     | no    | 0           |
| getInfo.asp acks (`update...FromBatch`, `clearArticleBatch`)    | no    | 0           |
| getInfo.asp other reads (`checkAccountSettings`, `getPDFLink`,  | no    | 0           |
| `getStockSites`, `getWebshops`, `getPriceLists`,                |       |             |
| `getPriceListPrices`, `getAccountModules`, `getInvoiceStatus`)  |       |             |
| anything else (the invoice PDF, unknown actions, a write action | no    | 0           |
| sent to getInfo.asp, which refuses it)                          |       |             |

A write counts whether or not the server accepts it (a refused order was still work for it);
answers a fault rule makes up never reach the server and count nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import parse_qsl

# (method, path, query string, body) -> (is the request a write, items it writes)
Classifier = Callable[[str, str, str, bytes], tuple[bool, int]]


@dataclass(frozen=True)
class CostModel:
    """Latency per request, cost per written item and how many requests are served at once.

    `concurrency` None (or 0) means no limit. The default model costs nothing.
    """

    latency_seconds: float = 0.0
    item_seconds: float = 0.0
    concurrency: int | None = None

    def __post_init__(self) -> None:
        for name in ("latency_seconds", "item_seconds"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise ValueError(f"{name} must be a number >= 0, not {value!r}")
            object.__setattr__(self, name, float(value))
        concurrency = self.concurrency
        if concurrency is not None and (
            isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 0
        ):
            raise ValueError(
                f"concurrency must be a whole number >= 1 or null, not {concurrency!r}"
            )
        if concurrency == 0:
            object.__setattr__(self, "concurrency", None)

    @property
    def active(self) -> bool:
        """Whether the model changes anything at all."""
        return bool(self.latency_seconds or self.item_seconds or self.concurrency)

    def service_seconds(self, items: int) -> float:
        """The modelled time of a request that writes `items` items (0 for a read)."""
        return self.latency_seconds + items * self.item_seconds

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, payload: Mapping[str, Any]) -> CostModel:
        """A model from `{"latency_seconds", "item_seconds", "concurrency"}`; missing keys take
        their defaults, unknown keys are refused."""
        if not isinstance(payload, Mapping):
            raise ValueError("a cost model is a JSON object")
        known = {"latency_seconds", "item_seconds", "concurrency"}
        unknown = sorted(set(payload) - known)
        if unknown:
            raise ValueError(f"unknown cost model keys {unknown}; known: {sorted(known)}")
        return cls(**dict(payload))


def no_writes(method: str, path: str, query: str, body: bytes) -> tuple[bool, int]:
    """The classifier of a server nobody wrote one for: everything is a read."""
    return False, 0


# -- Magento ---------------------------------------------------------------------------------------
_MAGENTO_READ_ONLY_POSTS = (
    "/V1/products/base-prices-information",
    "/V1/products/tier-prices-information",
    "/V1/products/special-price-information",
)
_MAGENTO_ITEM_LISTS = ("prices", "sourceItems", "items", "skus")
_MAGENTO_WRITE_METHODS = frozenset({"POST", "PUT", "DELETE", "PATCH"})
_V1 = re.compile(r"/V1/")


def magento_classify(method: str, path: str, query: str, body: bytes) -> tuple[bool, int]:
    """Whether a Magento REST request writes, and how many items (table in the module doc)."""
    if method.upper() not in _MAGENTO_WRITE_METHODS:
        return False, 0
    found = _V1.search(path)
    route = path[found.start() :] if found else path
    if "/oauth/token" in path or route.startswith("/V1/integration/"):
        return False, 0
    if route.rstrip("/") in _MAGENTO_READ_ONLY_POSTS:
        return False, 0
    try:
        payload = json.loads(body) if body.strip() else None
    except (ValueError, UnicodeDecodeError):
        return True, 1
    if isinstance(payload, list):
        return True, sum(_magento_items(element) for element in payload)
    return True, _magento_items(payload)


def _magento_items(payload: Any) -> int:
    if isinstance(payload, dict):
        for name in _MAGENTO_ITEM_LISTS:
            if isinstance(payload.get(name), list):
                return len(payload[name])
    return 1


# -- Specter ---------------------------------------------------------------------------------------
SPECTER_WRITE_ACTIONS = frozenset(
    {"newcustomersubmit", "newordersubmit", "newinvoicesubmit", "newdeliverysubmit"}
)
SPECTER_ARTICLE_BATCH = "newarticlesubmit"
_ARTICLE_NO_FIELD = re.compile(r"articleno_\d+", re.IGNORECASE)


def specter_classify(method: str, path: str, query: str, body: bytes) -> tuple[bool, int]:
    """Whether a Specter protocol request writes, and how many items (table in the module doc)."""
    if path.rstrip("/").rsplit("/", 1)[-1].lower() != "putinfo.asp":
        return False, 0
    # The protocol is Latin-1 (`protocol.py`); the query string is looked at before the form.
    pairs = parse_qsl(query, keep_blank_values=True, encoding="latin-1")
    if body:
        pairs += parse_qsl(body.decode("latin-1"), keep_blank_values=True, encoding="latin-1")
    action = next((value.strip().lower() for name, value in pairs if name.lower() == "action"), "")
    if action in SPECTER_WRITE_ACTIONS:
        return True, 1
    if action == SPECTER_ARTICLE_BATCH:
        numbers = {name.lower() for name, _ in pairs if _ARTICLE_NO_FIELD.fullmatch(name)}
        return True, len(numbers)
    return False, 0
