"""What starts products_to_magento besides its nightly compare: a sensor per tenant on Specter's
article queue that stages the changes (durably, then ack) and asks for a delta run."""

import dagster as dg

from magspec_pipelines.flows.shared.article_register import stage_article_queue
from magspec_pipelines.flows.shared.resources import MagspecResource
from magspec_pipelines.flows.shared.schedules import AssetJob, tenant_run, tenant_sensor
from magspec_pipelines.state.catalog import CatalogState
from magspec_pipelines.tenancy import Tenant

ARTICLE_SENSOR_INTERVAL_SECONDS = 60


def evaluate_article_queue(tenant: Tenant, magspec: MagspecResource) -> list[dg.RunRequest]:
    """One tick of the article-queue sensor: stage what waits (durably, then ack) and ask for
    a delta run when anything was staged; the run key names the batches, so a repeat is one run."""
    staged = stage_article_queue(tenant.id, magspec.specter(tenant), CatalogState(magspec.state))
    if not staged.batch_nos:
        return []
    run_key = f"articles:{tenant.id}:{','.join(staged.batch_nos)[:200]}"
    return [tenant_run(tenant, run_key, "article queue")]


def article_queue_sensor(tenant: Tenant, job: AssetJob) -> dg.SensorDefinition:
    def tick(context: dg.SensorEvaluationContext, magspec: MagspecResource):
        requests = evaluate_article_queue(tenant, magspec)
        if not requests:
            return dg.SkipReason("the article queue is empty")
        return requests

    return tenant_sensor(
        tenant,
        name=f"products_to_magento_queue_{tenant.id}",
        job=job,
        interval_seconds=ARTICLE_SENSOR_INTERVAL_SECONDS,
        description=f"Specter's article queue of {tenant.name} has changes → a delta run.",
        evaluate=tick,
    )
