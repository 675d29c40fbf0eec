"""One Magento instance's state: store views, orders, tokens and settings.

Orders are replaced, never changed in place, when the sandbox updates them: a request being
answered from another thread keeps a consistent snapshot without holding a lock while it renders.
"""

from __future__ import annotations

import random
import secrets
import threading
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime, timedelta
from typing import Any

from magspec_sandbox.luma import load_catalog
from magspec_sandbox.magento import assumed, errors
from magspec_sandbox.magento.admin_inputs import SettingsChanges
from magspec_sandbox.magento.attributes import Attributes
from magspec_sandbox.magento.bulk import BulkQueue
from magspec_sandbox.magento.catalog import Catalog, Product
from magspec_sandbox.magento.columns import ORDER_COLUMNS
from magspec_sandbox.magento.criteria import Limits, SearchResult, parse_search_criteria
from magspec_sandbox.magento.inventory import Inventory, default_sources
from magspec_sandbox.magento.oauth import Credentials, OAuthVerifier
from magspec_sandbox.magento.order_actions import COMMENT_RULES, OrderActions
from magspec_sandbox.magento.order_extras import KINDS, OrderExtras
from magspec_sandbox.magento.orders import (
    STATE_OF_STATUS,
    OrderGenerator,
    format_date,
    parse_date,
)
from magspec_sandbox.magento.prices import PriceBook
from magspec_sandbox.magento.search import key_page, search
from magspec_sandbox.magento.stores import InstanceSpec, Stores
from magspec_sandbox.validation import InvalidInput, parse


@dataclass
class Settings:
    """Switches of an instance that tests and demos flip at run time."""

    input_limits: bool = False  # webapi/validation/input_limit_enabled
    integration_as_bearer: bool = True  # oauth/consumer/enable_integration_as_bearer
    clamp_past_end_page: bool = True  # Collection::getCurPage clamps to the last page
    comment_status_rule: str = "state"  # which release's order-comment status rule (§2.4)
    bulk_delay_seconds: float = 0.0  # how long async bulk operations stay open (§7)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def update(self, changes: dict[str, Any]) -> None:
        """Change the settings in `changes`, all or (`InvalidSetting`) none of them."""
        known = {f.name for f in fields(self)}
        for key in changes:
            if key not in known:
                raise errors.InvalidSetting(f"unknown setting {key!r}; known: {sorted(known)}")
        try:
            checked = parse(SettingsChanges, changes)
        except InvalidInput as exc:
            raise errors.InvalidSetting(str(exc)) from None
        for key, value in checked.model_dump(exclude_unset=True).items():
            setattr(self, key, value)


def _as_datetime(value: datetime | str | None, default: datetime) -> datetime:
    if value is None:
        return default
    if isinstance(value, str):
        return parse_date(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class MagentoInstance:
    """A Magento installation: generated order history ending at `now`, plus what happens next."""

    def __init__(self, spec: InstanceSpec, now: datetime, clock: Callable[[], datetime]) -> None:
        self.spec = spec
        self.name = spec.name
        self.stores = Stores(spec.store_views, spec.base_url or f"https://{spec.name}.example.com/")
        self.settings = Settings(
            input_limits=spec.input_limits,
            integration_as_bearer=spec.integration_as_bearer,
            clamp_past_end_page=spec.clamp_past_end_page,
            comment_status_rule=spec.comment_status_rule,
            bulk_delay_seconds=spec.bulk_delay_seconds,
        )
        if spec.comment_status_rule not in COMMENT_RULES:
            raise ValueError(f"comment_status_rule is one of {COMMENT_RULES}")
        self.orders: dict[int, dict[str, Any]] = {}
        self._clock = clock
        self.lock = self._lock = threading.RLock()
        self._admin_tokens: set[str] = set()
        total = max(0, spec.orders_per_day * spec.days)
        self._generator = OrderGenerator(spec.name, spec.seed, total)
        self._seed_history(now, total)
        luma = load_catalog()
        ids = self._generator.ids
        self.attributes = Attributes(ids)
        self.catalog = Catalog(luma, ids, self.attributes, self.stores, format_date(now))
        self.prices = PriceBook()
        sources = list(spec.sources) or default_sources(self.stores)
        self.inventory = Inventory(self.stores, sources, luma, ids.products)
        self.actions = OrderActions(self)
        self.bulk = BulkQueue(self)
        self.oauth = OAuthVerifier(self.oauth_credentials)

    def _seed_history(self, now: datetime, total: int) -> None:
        timeline = random.Random(f"magento:{self.name}:{self.spec.seed}:timeline")
        window = max(60, self.spec.days * 86400 - 60)
        start = now - timedelta(days=self.spec.days)
        moments = sorted(
            start + timedelta(seconds=timeline.randint(0, window)) for _ in range(total)
        )
        every = self.spec.extras_every
        for number, moment in enumerate(moments, start=1):
            view = timeline.choice(self.stores.views)
            extras = None
            if every and number % every == 0:
                kind = KINDS[(number // every) % len(KINDS)]
                extras_rng = random.Random(f"magento:{self.name}:{self.spec.seed}:extras:{number}")
                extras = OrderExtras.of_kind(kind, extras_rng, view.tax_rate)
            order = self._generator.order(view, moment, now, extras=extras)
            self.orders[order["entity_id"]] = order

    def now(self) -> datetime:
        return self._clock().replace(microsecond=0)

    def now_text(self) -> str:
        return format_date(self.now())

    @property
    def oauth_credentials(self) -> Credentials | None:
        """The integration's four OAuth values; None without an integration token."""
        spec = self.spec
        if not spec.integration_token:
            return None
        return Credentials(
            consumer_key=spec.oauth_consumer_key or f"{spec.name}-consumer-key",
            consumer_secret=spec.oauth_consumer_secret or f"{spec.name}-consumer-secret",
            access_token=spec.integration_token,
            access_token_secret=spec.oauth_access_token_secret or f"{spec.name}-token-secret",
        )

    def history_entry(
        self, order_id: int, status: str | None, comment: str | None, at: str
    ) -> dict[str, Any]:
        return self._generator.history(order_id, status, comment, at)

    # -- catalog ---------------------------------------------------------------------------------
    def product_json(self, product: Product, store_id: int) -> dict[str, Any]:
        """A product as `GET /V1/products/{sku}` shows it in that store scope, with stock."""
        out = self.catalog.json(product, store_id)
        view = self.stores.by_id(store_id)
        if view is not None and self.spec.price_scope_website:
            price = self.prices.website_prices.get((product.sku, view.website_id))
            if price is not None:
                out["price"] = int(price) if float(price).is_integer() else price
        if product.type_id == "simple":
            stock = self.inventory.items.get((product.sku, "default"))
            out["extension_attributes"]["stock_item"] = {
                "item_id": product.id,
                "product_id": product.id,
                "stock_id": 1,
                "qty": stock["quantity"] if stock else 0,
                "is_in_stock": bool(stock and stock["status"] == 1),
            }
        return out

    # -- orders ----------------------------------------------------------------------------------
    def place_order(
        self,
        store_code: str | None = None,
        status: str = "processing",
        created_at: datetime | str | None = None,
        extras: OrderExtras | None = None,
        **overrides: Any,
    ) -> dict[str, Any]:
        """A new generated order (next entity_id) placed now; `overrides` replace top-level keys;
        `extras` adds gift cards, fees, shipping discounts... as Magento computes them."""
        view = self.stores.by_code(store_code)
        if view is None:
            raise errors.UnknownStoreView(f"{self.name} has no store view {store_code!r}")
        with self._lock:
            now = self.now()
            moment = _as_datetime(created_at, now)
            order = self._generator.order(view, moment, max(now, moment), status, extras=extras)
            order.update(overrides)
            self.orders[order["entity_id"]] = order
            return order

    def add_raw_order(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Store and serve `payload` as it is; an integer entity_id is assigned if it has none."""
        with self._lock:
            order = dict(payload)
            seq = self._generator.seq
            entity_id = order.get("entity_id")
            if isinstance(entity_id, int) and not isinstance(entity_id, bool):
                seq.entity_id = max(seq.entity_id, entity_id + 1)
            else:
                entity_id = order["entity_id"] = seq.take("entity_id")
            self.orders[entity_id] = order
            return order

    def set_status(self, entity_id: int, status: str, state: str | None = None) -> dict[str, Any]:
        """Change status (and state), add a history entry and bump updated_at."""
        with self._lock:
            current = self.orders.get(entity_id)
            if current is None:
                raise errors.UnknownOrder(f"{self.name} has no order {entity_id}")
            order = dict(current)
            previous_state, previous_status = order.get("state"), order.get("status")
            try:
                last = parse_date(str(order.get("updated_at")))
                moment = max(self.now(), last + timedelta(seconds=1))
            except ValueError:
                moment = self.now()
            at = format_date(moment)
            order["status"] = status
            order["state"] = state or STATE_OF_STATUS.get(status, previous_state)
            if order["state"] == "holded" and previous_state != "holded":
                order["hold_before_state"] = previous_state
                order["hold_before_status"] = previous_status
            elif order["state"] != "holded":
                order.pop("hold_before_state", None)
                order.pop("hold_before_status", None)
            order["updated_at"] = at
            histories = order.get("status_histories")
            entry = self._generator.history(entity_id, status, None, at)
            order["status_histories"] = [entry, *(histories if isinstance(histories, list) else [])]
            self.orders[entity_id] = order
            return order

    def search_orders(self, pairs: Iterable[tuple[str, str]]) -> SearchResult:
        criteria = parse_search_criteria(pairs)
        limits = Limits(
            input_limits=self.settings.input_limits,
            clamp_past_end_page=self.settings.clamp_past_end_page,
            columns=ORDER_COLUMNS,
        )
        with self._lock:
            by_key = key_page(sorted(self.orders), criteria, limits)
            if by_key is not None:
                return SearchResult([self.orders[k] for k in by_key[0]], criteria, by_key[1])
            rows = [self.orders[key] for key in sorted(self.orders)]
        return search(rows, criteria, limits)

    def get_order(self, entity_id: int) -> dict[str, Any]:
        order = self.orders.get(entity_id)
        if order is None:
            raise errors.NoSuchEntityError(errors.NO_SUCH_ENTITY)
        return order

    # -- auth ------------------------------------------------------------------------------------
    def issue_admin_token(self, username: str, password: str) -> str:
        if username != self.spec.admin_username or password != self.spec.admin_password:
            raise errors.AuthorizationError(assumed.ADMIN_SIGN_IN_FAILED)
        token = secrets.token_hex(16)
        with self._lock:
            self._admin_tokens.add(token)
        return token

    def accepts_bearer(self, token: str) -> bool:
        """Admin tokens always; the integration token only while integration-as-bearer is on."""
        if token in self._admin_tokens:
            return True
        integration = self.spec.integration_token
        return bool(integration) and self.settings.integration_as_bearer and token == integration
