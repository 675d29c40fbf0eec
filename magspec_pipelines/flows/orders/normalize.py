"""The order export's first step: Magento orders translated to magspec's model, or parked with
their reason and fix. Dagster-free."""

from __future__ import annotations

from magspec_pipelines.flows.orders.outcomes import (
    FLOW,
    STAGE_TRANSLATE,
    FetchedOrder,
    Normalized,
    Outcome,
    Result,
    entity_key,
    fingerprint,
)
from magspec_pipelines.mapping.orders import as_problem, check_payloads, normalize_order
from magspec_pipelines.state import StateStore
from magspec_pipelines.tenancy import Tenant


def normalize(fetched: list[FetchedOrder], tenant: Tenant, state: StateStore) -> Normalized:
    """Translate raw orders; what cannot be translated is parked with its reason and fix.

    Translation is free, so a parked translation is tried again on every run: fixing the
    tenant's configuration (say, mapping a payment method) lets the order through.
    """
    out = Normalized()
    held = {
        p.entity_key
        for p in state.parked(tenant.id, FLOW)
        if (p.payload or {}).get("stage") == STAGE_TRANSLATE
    }
    for item in fetched:
        shop = tenant.shop(item.shop)
        entity_id = item.raw.get("entity_id")
        ident = (
            int(entity_id) if isinstance(entity_id, int | str) and str(entity_id).isdigit() else 0
        )
        key = entity_key(shop.code, ident)
        print_ = fingerprint(item.raw)
        try:
            order = normalize_order(item.raw, tenant, shop)
            # Everything that depends on the order alone is settled before any remote call:
            # a payload that cannot be built parks here, never half-way through the submit.
            check_payloads(order, tenant, shop)
        except Exception as exc:  # noqa: BLE001 - one order's data, however broken, is that order's
            problem = as_problem(exc, item.raw)
            state.park(
                tenant.id,
                FLOW,
                key,
                reason=problem.reason,
                fix_path=problem.fix,
                payload={"stage": STAGE_TRANSLATE, "order": item.raw},
                shop=shop.code,
                source_fingerprint=print_,
            )
            out.parked.append(
                Outcome(
                    shop=shop.code,
                    entity_id=ident,
                    increment_id=str(item.raw.get("increment_id", "")),
                    result=Result.PARKED,
                    reason=problem.reason,
                    fix=problem.fix,
                )
            )
            continue
        if key in held:
            state.resolve_parked(tenant.id, FLOW, key)
        out.orders.append(order)
        out.fingerprints[(shop.code, order.magento_entity_id)] = print_
    return out
