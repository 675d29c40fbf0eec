"""The orders assets: Magento orders → normalized orders → Specter documents, per tenant × day.

Each asset records what it did as metadata, so the UI answers "what happened to acme's orders of
the 14th" on the partition itself; the reconciliation check says whether every eligible order of
that day has exactly one Specter document.
"""

import time
from collections import Counter
from datetime import date

import dagster as dg

from magspec_pipelines.flows.orders.export import ExportHalted, OrderExporter
from magspec_pipelines.flows.orders.fetch import fetch_day
from magspec_pipelines.flows.orders.normalize import normalize
from magspec_pipelines.flows.orders.outcomes import (
    FLOW,
    ExportReport,
    FetchedOrder,
    Normalized,
    Outcome,
    Result,
)
from magspec_pipelines.flows.shared.metadata import fail_for, table
from magspec_pipelines.flows.shared.partitions import split_key
from magspec_pipelines.flows.shared.resources import MagspecResource
from magspec_pipelines.tenancy import Tenant

MAGENTO_ORDERS = dg.AssetKey([FLOW, "magento_orders"])
NORMALIZED_ORDERS = dg.AssetKey([FLOW, "normalized_orders"])
SPECTER_DOCUMENTS = dg.AssetKey([FLOW, "specter_documents"])
PARKED_ROWS_SHOWN = 25


class OrderExportConfig(dg.Config):
    retry_parked: bool = False
    """Send parked orders again even if they have not changed (after fixing the cause)."""


def outcome_table(outcomes: list[Outcome]) -> dg.MetadataValue:
    rows = [
        {"shop": o.shop, "order": o.increment_id, "reason": o.reason, "fix": o.fix}
        for o in outcomes
    ]
    return table(rows, ["shop", "order", "reason", "fix"], limit=PARKED_ROWS_SHOWN)


def magento_orders_asset(partitions: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    @dg.asset(
        key=MAGENTO_ORDERS,
        partitions_def=partitions,
        group_name=FLOW,
        kinds={"magento"},
        description="Eligible Magento orders (status in the tenant's trigger set) placed on the day.",
    )
    def magento_orders(
        context: dg.AssetExecutionContext, magspec: MagspecResource
    ) -> dg.Output[list[FetchedOrder]]:
        tenant_id, day = split_key(context)
        tenant = magspec.tenant(tenant_id)
        clients = []

        def make_client(t, shop):
            client = magspec.magento(t, shop)
            clients.append(client)
            return client

        started = time.monotonic()
        fetched, windows = fetch_day(tenant, day, make_client)
        per_shop = Counter(f.shop for f in fetched)
        return dg.Output(
            fetched,
            metadata={
                "orders read": len(fetched),
                "per shop": dict(per_shop) or {s.code: 0 for s in tenant.shops},
                "window": windows,
                "trigger statuses": ", ".join(tenant.orders.trigger_statuses),
                "magento API calls": sum(c.stats.requests for c in clients),
                "duration (s)": round(time.monotonic() - started, 3),
            },
        )

    return magento_orders


def normalized_orders_asset(partitions: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    @dg.asset(
        key=NORMALIZED_ORDERS,
        partitions_def=partitions,
        group_name=FLOW,
        ins={"magento_orders": dg.AssetIn(MAGENTO_ORDERS)},
        description="Orders translated to magspec's system-neutral model; untranslatable ones parked.",
    )
    def normalized_orders(
        context: dg.AssetExecutionContext,
        magspec: MagspecResource,
        magento_orders: list[FetchedOrder],
    ) -> dg.Output[Normalized]:
        tenant_id, _ = split_key(context)
        tenant = magspec.tenant(tenant_id)
        result = normalize(magento_orders, tenant, magspec.state)
        return dg.Output(
            result,
            metadata={
                "normalized": len(result.orders),
                "parked": len(result.parked),
                "parked orders": outcome_table(result.parked),
                "lines": sum(len(o.lines) for o in result.orders),
            },
        )

    return normalized_orders


def specter_documents_asset(partitions: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    @dg.asset(
        key=SPECTER_DOCUMENTS,
        partitions_def=partitions,
        group_name=FLOW,
        kinds={"specter"},
        ins={"normalized_orders": dg.AssetIn(NORMALIZED_ORDERS)},
        description="Each order as a Specter order or invoice (the tenant's choice), exactly once.",
    )
    def specter_documents(
        context: dg.AssetExecutionContext,
        config: OrderExportConfig,
        magspec: MagspecResource,
        normalized_orders: Normalized,
    ) -> dg.Output[ExportReport]:
        tenant_id, day = split_key(context)
        tenant = magspec.tenant(tenant_id)
        specter = magspec.specter(tenant)
        started = time.monotonic()
        exporter = OrderExporter(tenant, magspec.state, specter, retry_parked=config.retry_parked)
        try:
            report = exporter.export(normalized_orders)
        except ExportHalted as halted:
            # Not any order's fault: one plain sentence, nothing parked, the run fails.
            raise dg.Failure(description=str(halted), allow_retries=False) from None
        _log_created(context, report)
        metadata = _export_metadata(report, tenant, specter.stats.requests, started, day)
        # The run fails so that run retries (dagster.yaml) pick it up; everything that went
        # through is bound and will not be sent again.
        fail_for(report.failed, "order(s) could not reach Specter", metadata)
        return dg.Output(report, metadata=metadata)

    return specter_documents


def _log_created(context: dg.AssetExecutionContext, report: ExportReport) -> None:
    for outcome in report.outcomes:
        if outcome.result is Result.CREATED:
            context.log.info(
                f"{outcome.shop} order {outcome.increment_id} → Specter order "
                f"{outcome.specter_order_no}"
                + (f", invoice {outcome.specter_invoice_no}" if outcome.specter_invoice_no else "")
                + (f" ({outcome.notes})" if outcome.notes else "")
            )


def _export_metadata(
    report: ExportReport, tenant: Tenant, specter_calls: int, started: float, day: date
) -> dict:
    counts = report.counts()
    return {
        "orders": len(report.outcomes),
        "created": counts[Result.CREATED.value],
        "already present": counts[Result.ALREADY_PRESENT.value],
        "parked": counts[Result.PARKED.value],
        "failed": counts[Result.FAILED.value],
        "document": tenant.orders.document,
        "parked orders": outcome_table(report.parked),
        "transliterated": [f"{o.increment_id}: {o.notes}" for o in report.outcomes if o.notes],
        "specter API calls": specter_calls,
        "duration (s)": round(time.monotonic() - started, 3),
        "day": day.isoformat(),
    }
