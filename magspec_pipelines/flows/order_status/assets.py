"""The order_status assets: Specter's order events → shipments, invoices, cancellations and
comments in Magento, per tenant whose mode and package include it.

Two assets per tenant partition: the staged events (the change queue drained into the state
store before each batch is acknowledged, next to the callbacks the receiver staged) and the
Magento updates made for them. The check reads Magento back: every order Specter delivered is
shipped there.
"""

import time
from collections import Counter

import dagster as dg

from magspec_pipelines.flows.order_status.process import EventOutcome, StatusProcessor, StatusReport
from magspec_pipelines.flows.order_status.stage import StageReport, stage_queue
from magspec_pipelines.flows.shared.metadata import fail_for, table
from magspec_pipelines.flows.shared.resources import MagspecResource
from magspec_pipelines.state.order_status import OrderStatusState
from magspec_pipelines.tenancy import Flow

FLOW = Flow.ORDER_STATUS
SPECTER_ORDER_EVENTS = dg.AssetKey([FLOW.value, "specter_order_events"])
MAGENTO_ORDER_UPDATES = dg.AssetKey([FLOW.value, "magento_order_updates"])
JOB_NAME = FLOW.value
ROWS_SHOWN = 50


def _events_table(outcomes: list[EventOutcome]) -> dg.MetadataValue:
    rows = [
        {
            "shop": o.shop,
            "order": o.increment_id,
            "specter order": o.specter_order_no,
            "event": o.event,
            "result": o.result,
            "actions": o.actions_text(),
            "reason": o.reason,
        }
        for o in outcomes
    ]
    columns = ["shop", "order", "specter order", "event", "result", "actions", "reason"]
    return table(rows, columns, limit=ROWS_SHOWN)


def _parked_table(outcomes: list[EventOutcome]) -> dg.MetadataValue:
    rows = [
        {
            "shop": o.shop,
            "order": o.increment_id,
            "event": o.event,
            "reason": o.reason,
            "fix": o.fix,
        }
        for o in outcomes
    ]
    return table(rows, ["shop", "order", "event", "reason", "fix"], limit=ROWS_SHOWN)


def order_events_asset(partitions: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    @dg.asset(
        key=SPECTER_ORDER_EVENTS,
        partitions_def=partitions,
        group_name=FLOW.value,
        kinds={"specter"},
        description="Specter's order change queue drained into the state store (each batch "
        "staged before it is acknowledged), next to the invoice and removal callbacks.",
    )
    def specter_order_events(
        context: dg.AssetExecutionContext, magspec: MagspecResource
    ) -> dg.Output[StageReport]:
        tenant = magspec.tenant(context.partition_key)
        specter = magspec.specter(tenant)
        state = OrderStatusState(magspec.state)
        started = time.monotonic()
        report = stage_queue(tenant, specter, state)
        waiting = state.pending_events(tenant.id)
        return dg.Output(
            report,
            metadata={
                "batches": report.batches,
                "changes": report.items,
                "recovered batches": report.recovered,
                "new events staged": report.new_events,
                "more waiting": report.more,
                "staged, not processed": len(waiting),
                "of them callbacks": sum(1 for e in waiting if e.source != "queue"),
                "specter API calls": specter.stats.requests,
                "duration (s)": round(time.monotonic() - started, 3),
            },
        )

    return specter_order_events


def order_updates_asset(partitions: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    @dg.asset(
        key=MAGENTO_ORDER_UPDATES,
        partitions_def=partitions,
        group_name=FLOW.value,
        kinds={"magento"},
        deps=[SPECTER_ORDER_EVENTS],
        description="Each staged order event applied to Magento as the tenant maps it: "
        "shipments with tracking, invoices that capture, cancellations, comments; each once.",
    )
    def magento_order_updates(
        context: dg.AssetExecutionContext, magspec: MagspecResource
    ) -> dg.Output[StatusReport]:
        tenant = magspec.tenant(context.partition_key)
        started = time.monotonic()
        processor = StatusProcessor(tenant, magspec.state, magspec.magento)
        report = processor.process_pending()
        _log_events(context, report)
        metadata = _updates_metadata(report, processor, started)
        # Run retries (dagster.yaml) take the failed events again; done actions are recorded
        # and are not repeated.
        fail_for(report.failed, "event(s) could not reach Magento", metadata)
        return dg.Output(report, metadata=metadata)

    return magento_order_updates


def _log_events(context: dg.AssetExecutionContext, report: StatusReport) -> None:
    for outcome in report.outcomes:
        if outcome.result in ("done", "parked", "failed"):
            context.log.info(
                f"{outcome.shop} order {outcome.increment_id} ← Specter "
                f"{outcome.specter_order_no} {outcome.event}: {outcome.actions_text()}"
            )


def _updates_metadata(report: StatusReport, processor: StatusProcessor, started: float) -> dict:
    counts = report.counts()
    per_shop = Counter(o.shop for o in report.outcomes if o.shop)
    return {
        "events": len(report.outcomes),
        "done": counts["done"],
        "already done": counts["already done"],
        "parked": counts["parked"],
        "failed": counts["failed"],
        "not ours": counts["not ours"],
        # Callbacks Specter's order feed did not confirm (forged or stale): logged, not acted on.
        "callbacks dropped": counts["dropped"],
        "actions": report.actions_done(),
        "per shop": dict(per_shop),
        "events and actions": _events_table([o for o in report.outcomes if o.result != "not ours"]),
        "parked events": _parked_table(report.parked),
        "magento API calls": {code: c.stats.requests for code, c in processor.clients.items()},
        "duration (s)": round(time.monotonic() - started, 3),
    }
