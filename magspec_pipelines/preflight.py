"""`magspec preflight TENANT`: can this tenant be synced, and if not, what exactly is missing?

Checks the secrets, the Specter account (credentials, the modules magspec needs, the web shops the
tenant's shops name) and each Magento installation (access, store views, currencies, order read
access), and says in plain words what to fix. Nothing is written to either system.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum

from magspec_pipelines.flows.shared.installations import installations
from magspec_pipelines.magento.client import MagentoClient
from magspec_pipelines.magento.errors import MagentoError
from magspec_pipelines.magento.search import SearchCriteria
from magspec_pipelines.specter.client import SpecterClient
from magspec_pipelines.specter.errors import (
    OutcomeUnknown,
    SpecterAuthError,
    SpecterError,
    SpecterTransientError,
    SpecterUnsupported,
)
from magspec_pipelines.tenancy import Shop, Tenant, missing_secrets

# Specter modules by the code the account-modules read answers (an assumed read, see README).
REQUIRED_MODULES = {"ORDER": "Order/Faktura", "WEBSHOP": "Webshopkoppling"}
OPTIONAL_MODULES = {"BOOKKEEPING": "Bokföring"}


class Verdict(StrEnum):
    OK = "ok"
    WARN = "warn"  # cannot be confirmed through the API, or works but looks wrong
    FAIL = "fail"


@dataclass(frozen=True)
class Check:
    system: str
    subject: str
    verdict: Verdict
    message: str

    def line(self) -> str:
        mark = {Verdict.OK: "ok  ", Verdict.WARN: "WARN", Verdict.FAIL: "FAIL"}[self.verdict]
        return f"[{mark}] {self.system:8} {self.subject}: {self.message}"


MagentoFactory = Callable[[Tenant, Shop], MagentoClient]
SpecterFactory = Callable[[Tenant], SpecterClient]


def _secrets(tenant: Tenant) -> Iterator[Check]:
    missing = missing_secrets(tenant.secret_env_names())
    if missing:
        yield Check(
            "magspec",
            "secrets",
            Verdict.FAIL,
            "these environment variables are not set: " + ", ".join(missing),
        )
    else:
        yield Check("magspec", "secrets", Verdict.OK, "every credential variable is set")


def _specter(tenant: Tenant, specter: SpecterClient) -> Iterator[Check]:
    account = f"account {tenant.specter.sbm_id}"
    try:
        # checkAccountSettings without templates changes nothing but proves the key.
        specter.register_callbacks()
    except SpecterAuthError:
        yield Check(
            "specter",
            account,
            Verdict.FAIL,
            "Specter refused the credentials: check sbm_id, api_user_id and the two keys "
            f"(API v{tenant.specter.api_version}) with the values Specter gave you",
        )
        return
    except (SpecterTransientError, OutcomeUnknown) as exc:
        yield Check("specter", account, Verdict.FAIL, f"Specter cannot be reached: {exc}")
        return
    yield Check("specter", account, Verdict.OK, "credentials accepted")
    yield from _modules(specter)
    yield from _webshops(tenant, specter)


def _modules(specter: SpecterClient) -> Iterator[Check]:
    try:
        modules = {m.code: m for m in specter.account_modules()}
    except SpecterUnsupported:
        yield Check(
            "specter",
            "modules",
            Verdict.WARN,
            "the account's modules cannot be read through the API; confirm with Specter that "
            + " and ".join(REQUIRED_MODULES.values())
            + " are active",
        )
        return
    for code, name in REQUIRED_MODULES.items():
        module = modules.get(code)
        if module and module.active:
            yield Check("specter", f"module {name}", Verdict.OK, "active")
        else:
            yield Check(
                "specter",
                f"module {name}",
                Verdict.FAIL,
                f"not active; magspec needs {name} (ask Specter to activate it)",
            )
    for code, name in OPTIONAL_MODULES.items():
        module = modules.get(code)
        active = bool(module and module.active)
        yield Check(
            "specter",
            f"module {name}",
            Verdict.OK,
            "active" if active else "not active (optional: invoices are not booked)",
        )


def _webshops(tenant: Tenant, specter: SpecterClient) -> Iterator[Check]:
    try:
        known = {w.webshop_id: w for w in specter.webshops()}
    except SpecterUnsupported:
        yield Check(
            "specter",
            "web shops",
            Verdict.WARN,
            "the account's web shops cannot be read through the API; confirm that "
            + ", ".join(s.webshop_id or "(default)" for s in tenant.shops)
            + " exist in Specter",
        )
        return
    for shop in tenant.shops:
        if not shop.webshop_id:
            continue
        if shop.webshop_id in known:
            yield Check(
                "specter",
                f"shop {shop.code}",
                Verdict.OK,
                f"web shop {shop.webshop_id} is {known[shop.webshop_id].name!r}",
            )
        else:
            yield Check(
                "specter",
                f"shop {shop.code}",
                Verdict.FAIL,
                f"Specter has no web shop {shop.webshop_id} (it has "
                f"{', '.join(sorted(known)) or 'none'}): fix shops[].webshop_id "
                f"in tenants/{tenant.id}.yaml",
            )


def _magento(tenant: Tenant, shops: list[Shop], client: MagentoClient) -> Iterator[Check]:
    where = tenant.magento_for(shops[0]).base_url
    try:
        views = {v["code"]: v for v in client.store_views()}
        configs = {c["code"]: c for c in client.store_configs()}
    except MagentoError as exc:
        yield Check("magento", where, Verdict.FAIL, str(exc))
        return
    yield Check("magento", where, Verdict.OK, f"reachable, {len(views)} store view(s)")
    for shop in shops:
        view = views.get(shop.store_code)
        if view is None:
            yield Check(
                "magento",
                f"shop {shop.code}",
                Verdict.FAIL,
                f"Magento has no store view {shop.store_code!r} (it has "
                f"{', '.join(sorted(views))}): fix shops[].store_code in tenants/{tenant.id}.yaml",
            )
            continue
        currency = (configs.get(shop.store_code) or {}).get("base_currency_code")
        shown = (configs.get(shop.store_code) or {}).get("default_display_currency_code")
        if shop.currency not in {currency, shown}:
            yield Check(
                "magento",
                f"shop {shop.code}",
                Verdict.WARN,
                f"store view {shop.store_code} uses {currency or '?'}, the tenant file says "
                f"{shop.currency}",
            )
        else:
            yield Check("magento", f"shop {shop.code}", Verdict.OK, f"store view {shop.store_code}")
    try:
        client.search_orders(SearchCriteria().page(size=1, current=1))
    except MagentoError as exc:
        yield Check("magento", "order access", Verdict.FAIL, str(exc))
    else:
        yield Check("magento", "order access", Verdict.OK, "orders can be read")


def preflight(
    tenant: Tenant, make_magento: MagentoFactory, make_specter: SpecterFactory
) -> list[Check]:
    checks = list(_secrets(tenant))
    if any(c.verdict is Verdict.FAIL for c in checks):
        return checks
    try:
        checks += _specter(tenant, make_specter(tenant))
    except SpecterError as exc:
        checks.append(Check("specter", "account", Verdict.FAIL, str(exc)))
    for installation in installations(tenant):
        shops = list(installation.shops)
        checks += _magento(tenant, shops, make_magento(tenant, shops[0]))
    return checks
