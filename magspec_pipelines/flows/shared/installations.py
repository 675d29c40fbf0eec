"""Where a tenant's prices and stock go: each shop's Magento installation, website, store view
and source, which shop writes for a website or source several shops share, and which SKUs the
installation has. Dagster-free; the price and stock engines use it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from magspec_pipelines.magento.catalog import SKU_LOOKUP_LIMIT
from magspec_pipelines.magento.client import MagentoClient
from magspec_pipelines.magento.search import SearchCriteria
from magspec_pipelines.tenancy import Shop, Tenant

MakeClient = Callable[[Tenant, Shop], MagentoClient]


class TargetError(Exception):
    """A shop whose Magento scope cannot be resolved (unknown store view or website)."""

    def __init__(self, message: str, fix: str, *, config: bool = True) -> None:
        super().__init__(message)
        self.fix = fix
        # False: Magento did not answer as expected (the shop fails, the run is retried);
        # True: the tenant file names something Magento does not have (the shop is parked).
        self.config = config


@dataclass
class Installation:
    """One Magento installation and what a run learns of it once."""

    base_url: str
    client: MagentoClient
    _products: dict[str, str] | None = None
    _views: list[dict[str, Any]] | None = None
    _websites: list[dict[str, Any]] | None = None
    _groups: dict[str, str] | None = None

    def products(self) -> dict[str, str]:
        """SKU → product type of every product (keyset paging, largest pages)."""
        if self._products is None:
            self._products = {
                str(p["sku"]): str(p.get("type_id") or "")
                for p in self.client.iter_products(
                    SearchCriteria(),
                    page_size=self.client.limits.page_size,
                    fields=("sku", "type_id"),
                )
            }
        return self._products

    def existing(self, skus: Collection[str]) -> set[str]:
        """Which of `skus` Magento has: looked up by SKU when they are few, else from the whole
        catalog (read once per run)."""
        if self._products is None and len(skus) <= SKU_LOOKUP_LIMIT:
            return set(self.client.products_by_sku(sorted(skus), fields=("sku",))) & set(skus)
        products = self.products()
        return {sku for sku in skus if sku in products}

    def store_views(self) -> list[dict[str, Any]]:
        if self._views is None:
            self._views = self.client.store_views()
        return self._views

    def websites(self) -> list[dict[str, Any]]:
        if self._websites is None:
            self._websites = self.client.websites()
        return self._websites

    def customer_groups(self) -> dict[str, str]:
        """Folded code → code as Magento spells it (Magento matches codes ignoring case)."""
        if self._groups is None:
            result = self.client.customer_groups(SearchCriteria().page(size=100))
            self._groups = {str(g["code"]).casefold(): str(g["code"]) for g in result.items}
        return self._groups


@dataclass
class ShopTarget:
    shop: Shop
    index: int
    installation: Installation
    website_id: int
    store_id: int

    @property
    def client(self) -> MagentoClient:
        return self.installation.client


@dataclass
class Targets:
    found: dict[str, ShopTarget] = field(default_factory=dict)
    errors: dict[str, TargetError] = field(default_factory=dict)
    clients: list[MagentoClient] = field(default_factory=list)


def resolve_targets(
    tenant: Tenant, make_client: MakeClient, config_path: Callable[[str], str]
) -> Targets:
    """Each shop's website and store view ids; a shop that cannot be resolved is an error of
    that shop alone."""
    out = Targets()
    installations: dict[str, Installation] = {}
    for index, shop in enumerate(tenant.shops):
        base_url = tenant.magento_for(shop).base_url
        try:
            installation = installations.get(base_url)
            if installation is None:
                client = make_client(tenant, shop)
                out.clients.append(client)
                installation = installations[base_url] = Installation(base_url, client)
            out.found[shop.code] = _target(shop, index, installation, config_path)
        except TargetError as exc:
            out.errors[shop.code] = exc
        except Exception as exc:  # noqa: BLE001 - one shop's failure must not stop the others
            out.errors[shop.code] = TargetError(
                f"{type(exc).__name__}: {exc}",
                "check the shop's Magento installation",
                config=False,
            )
    return out


def _target(
    shop: Shop, index: int, installation: Installation, config_path: Callable[[str], str]
) -> ShopTarget:
    websites = {str(w["code"]): int(w["id"]) for w in installation.websites()}
    if shop.website not in websites:
        raise TargetError(
            f"Magento has no website {shop.website!r} (it has {', '.join(sorted(websites))})",
            config_path(f"shops[{index}].website"),
        )
    view = next((v for v in installation.store_views() if v["code"] == shop.store_code), None)
    if view is None:
        raise TargetError(
            f"Magento has no store view {shop.store_code!r}",
            config_path(f"shops[{index}].store_code"),
        )
    website_id = websites[shop.website]
    if int(view.get("website_id", -1)) != website_id:
        raise TargetError(
            f"store view {shop.store_code!r} belongs to another website than {shop.website!r}",
            config_path(f"shops[{index}].website"),
        )
    return ShopTarget(shop, index, installation, website_id, int(view["id"]))


def writers(
    targets: dict[str, ShopTarget], key: Callable[[ShopTarget], Any]
) -> dict[str, list[ShopTarget]]:
    """The shop that writes for each shared scope (the first in the file), with the shops it
    writes for; `key` names the scope (website for prices, source for stock)."""
    groups: dict[Any, list[ShopTarget]] = {}
    for target in sorted(targets.values(), key=lambda t: t.index):
        groups.setdefault((target.installation.base_url, key(target)), []).append(target)
    return {group[0].shop.code: group for group in groups.values()}


def present_skus(
    target: ShopTarget, new: dict[str, str], old: dict[str, str], compare: bool
) -> set[str]:
    """The SKUs of `new` (SKU → wanted fingerprint) that exist in the shop's Magento.

    A SKU whose stored fingerprint equals the wanted one was written, so it exists (a product
    deleted in Magento since then is found by the compare run, which reads the whole catalog);
    only the others are looked up, so a run with nothing changed reads no catalog at all.
    """
    installation = target.installation
    if compare:
        products = installation.products()
        return {s for s in new if s in products}
    unchanged = {s for s, value in new.items() if old.get(s) == value}
    return unchanged | installation.existing([s for s in new if s not in unchanged])
