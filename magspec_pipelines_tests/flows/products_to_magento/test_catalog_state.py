"""The catalog state on both backends: staged articles, and full-sync progress that resumes."""

from __future__ import annotations

from magspec_pipelines.state.catalog import CatalogState


def test_staging_a_batch_twice_keeps_one_row_per_article(state_store):
    catalog = CatalogState(state_store)
    catalog.stage_articles("acme", "b1", {"A-1": {"name": "first"}, "A-2": {"name": "two"}})
    catalog.stage_articles("acme", "b1", {"A-1": {"name": "first"}, "A-2": {"name": "two"}})
    catalog.stage_articles("acme", "b2", {"A-1": {"name": "changed"}})
    assert catalog.articles("acme") == {"A-1": {"name": "changed"}, "A-2": {"name": "two"}}
    assert catalog.batch_staged("acme", "b1") and not catalog.batch_staged("fjall", "b1")
    assert catalog.articles("fjall") == {}


def test_an_unfinished_sync_is_found_again_and_resumed(state_store):
    catalog = CatalogState(state_store)
    assert catalog.open_sync("acme", "products_to_magento", dry_run=False) is None
    progress = catalog.begin_sync("acme", "products_to_magento", dry_run=False, total=10)
    progress.done, progress.cursor, progress.counts = 4, "group:MH04", {"created": 4}
    catalog.record_progress(progress)
    assert catalog.open_sync("acme", "products_to_magento", dry_run=True) is None

    again = catalog.open_sync("acme", "products_to_magento", dry_run=False)
    assert again is not None and again.sync_id == progress.sync_id
    assert (again.done, again.cursor, again.counts) == (4, "group:MH04", {"created": 4})
    catalog.record_progress(again, resumed=True)
    again.finished = True
    catalog.record_progress(again)
    assert catalog.open_sync("acme", "products_to_magento", dry_run=False) is None
    [done] = catalog.syncs("acme", "products_to_magento")
    assert done.finished and done.resumes == 1
