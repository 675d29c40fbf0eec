"""A tenant's Magento installations, and where its prices and stock go.

An installation is the shops that share one Magento base URL and token (`installation_key`):
one client serves them all. Every flow groups shops with `installations`. For the price and
stock engines: each shop's website, store view and source, which shop writes for a website or
source several shops share, and which SKUs the installation has. Dagster-free.
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
# (base URL, token env-var name): the shops with the same key are one installation.
InstallationKey = tuple[str, str]


def installation_key(tenant: Tenant, shop: Shop) -> InstallationKey:
    """(base URL, token env-var name) of the Magento installation a shop lives in."""
    source = tenant.magento_for(shop)
    return source.base_url, source.token_env


@dataclass(frozen=True)
class Installation:
    """One Magento installation of a tenant: the shops (store views) it serves, in the order
    of the tenant file; the first shop's settings reach it."""

    key: InstallationKey
    shops: tuple[Shop, ...]

    @property
    def base_url(self) -> str:
        return self.key[0]

    @property
    def target(self) -> str:
        """The installation's name in the state store (fingerprints, sync progress)."""
        return f"magento:{self.shops[0].code}"


def installations(tenant: Tenant) -> list[Installation]:
    """The tenant's shops grouped by installation, in the order of their first shop."""
    groups: dict[InstallationKey, list[Shop]] = {}
    for shop in tenant.shops:
        groups.setdefault(installation_key(tenant, shop), []).append(shop)
    return [Installation(key, tuple(shops)) for key, shops in groups.items()]


class TargetError(Exception):
    """A shop whose Magento scope cannot be resolved (unknown store view or website)."""

    def __init__(self, message: str, fix: str, *, config: bool = True) -> None:
        super().__init__(message)
        self.fix = fix
        # False: Magento did not answer as expected (the shop fails, the run is retried);
        # True: the tenant file names something Magento does not have (the shop is parked).
        self.config = config


@dataclass
class InstallationReads:
    """What a run learns of one installation once, through one client."""

    installation: Installation
    client: MagentoClient
    _products: dict[str, str] | None = None
    _views: list[dict[str, Any]] | None = None
    _websites: list[dict[str, Any]] | None = None
    _groups: dict[str, str] | None = None

    @property
    def key(self) -> InstallationKey:
        return self.installation.key

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
    installation: InstallationReads
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
    of_shop = {shop.code: inst for inst in installations(tenant) for shop in inst.shops}
    reads: dict[InstallationKey, InstallationReads] = {}
    for index, shop in enumerate(tenant.shops):
        installation = of_shop[shop.code]
        try:
            read = reads.get(installation.key)
            if read is None:
                client = make_client(tenant, shop)
                out.clients.append(client)
                read = reads[installation.key] = InstallationReads(installation, client)
            out.found[shop.code] = _target(shop, index, read, config_path)
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
    shop: Shop, index: int, installation: InstallationReads, config_path: Callable[[str], str]
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
    writes for; `key` names the scope (website for prices, source for stock). The scope lives in
    the Magento at a base URL whatever token reaches it: two integrations of one Magento still
    share its websites and sources, so they get one writer, not two fighting over a price."""
    groups: dict[Any, list[ShopTarget]] = {}
    for target in sorted(targets.values(), key=lambda t: t.index):
        base_url, _token = target.installation.key
        groups.setdefault((base_url, key(target)), []).append(target)
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
