"""How a run that could not finish everything fails: one sentence naming what failed."""

from __future__ import annotations

from types import SimpleNamespace

import dagster as dg
import pytest

from magspec_pipelines.flows.shared.metadata import fail_for


def test_nothing_failed_is_no_failure():
    fail_for([], "event(s) could not reach Magento", {"events": 3})


def test_a_failure_names_the_count_and_the_first_five_with_their_reasons():
    failed = [SimpleNamespace(increment_id=f"1000000{i}", reason=f"timeout {i}") for i in range(7)]
    with pytest.raises(dg.Failure) as raised:
        fail_for(failed, "event(s) could not reach Magento", {"events": 7})
    assert raised.value.description == (
        "7 event(s) could not reach Magento: 10000000: timeout 0; 10000001: timeout 1; "
        "10000002: timeout 2; 10000003: timeout 3; 10000004: timeout 4"
    )
    assert raised.value.metadata["events"].value == 7
