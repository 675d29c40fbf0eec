"""What starts the catalog flows: a nightly compare per tenant on its cron (`mode: full`), and
for Specter-led tenants a sensor on Specter's article queue that stages the changes (durably,
then ack) and asks for a delta run."""

import dagster as dg

from magspec_pipelines.flows.catalog import TENANT_TAG, TO_MAGENTO_JOB
from magspec_pipelines.flows.catalog_staging import stage_article_queue
from magspec_pipelines.flows.resources import MagspecResource
from magspec_pipelines.state.catalog import CatalogState
from magspec_pipelines.tenancy import Tenant
from magspec_pipelines.tenancy.modes import Flow


def compare_schedule(tenant: Tenant, job, flow: Flow) -> dg.ScheduleDefinition | None:
    cron = tenant.cron_for(flow)
    if cron is None:
        return None

    @dg.schedule(
        name=f"{flow.value}_compare_{tenant.id}",
        cron_schedule=cron,
        job=job,
        execution_timezone=tenant.timezone,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description=f"Full compare of {tenant.name}'s products: repairs drift, reports it.",
        tags={TENANT_TAG: tenant.id},
    )
    def _compare(context: dg.ScheduleEvaluationContext):
        moment = context.scheduled_execution_time
        return dg.RunRequest(
            run_key=f"{flow.value}:{tenant.id}:{moment.isoformat() if moment else 'now'}",
            partition_key=tenant.id,
            run_config=_run_config(job.name, "full"),
            tags={TENANT_TAG: tenant.id, "magspec/trigger": "nightly compare"},
        )

    return _compare


def _run_config(job_name: str, mode: str) -> dict:
    keys = (
        ["catalog__specter_article_register", "catalog__magento_products"]
        if job_name == TO_MAGENTO_JOB
        else ["catalog__specter_articles"]
    )
    return {"ops": {key: {"config": {"mode": mode}} for key in keys}}


def evaluate_article_queue(tenant: Tenant, magspec: MagspecResource) -> list[dg.RunRequest]:
    """One tick of the article-queue sensor: stage what waits (durably, then ack) and ask for
    a delta run when anything was staged; the run key names the batches, so a repeat is one run."""
    staged = stage_article_queue(tenant.id, magspec.specter(tenant), CatalogState(magspec.state))
    if not staged.batch_nos:
        return []
    return [
        dg.RunRequest(
            run_key=f"articles:{tenant.id}:{','.join(staged.batch_nos)[:200]}",
            partition_key=tenant.id,
            tags={TENANT_TAG: tenant.id, "magspec/trigger": "article queue"},
        )
    ]


def article_queue_sensor(tenant: Tenant, job) -> dg.SensorDefinition:
    @dg.sensor(
        name=f"products_to_magento_queue_{tenant.id}",
        job=job,
        minimum_interval_seconds=60,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description=f"Specter's article queue of {tenant.name} has changes → a delta run.",
        tags={TENANT_TAG: tenant.id},
    )
    def _tick(context: dg.SensorEvaluationContext, magspec: MagspecResource):
        requests = evaluate_article_queue(tenant, magspec)
        if not requests:
            return dg.SkipReason("the article queue is empty")
        return requests

    return _tick
