"""Secrets are read from the environment at run time, and a missing one names only the variable."""

from __future__ import annotations

import pytest

from magspec_pipelines.tenancy import MissingSecret, missing_secrets, resolve_secret


def test_resolves_the_value_of_the_named_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAGSPEC_ACME_MAGENTO_TOKEN", "tok-123")
    assert resolve_secret("MAGSPEC_ACME_MAGENTO_TOKEN") == "tok-123"
    assert resolve_secret("OTHER", environ={"OTHER": "v"}) == "v"


def test_missing_secret_names_the_variable_and_no_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MAGSPEC_ACME_MAGENTO_TOKEN", raising=False)
    monkeypatch.setenv("MAGSPEC_BETA_MAGENTO_TOKEN", "beta-secret-value")

    with pytest.raises(MissingSecret) as caught:
        resolve_secret("MAGSPEC_ACME_MAGENTO_TOKEN")
    assert caught.value.env_name == "MAGSPEC_ACME_MAGENTO_TOKEN"
    assert "MAGSPEC_ACME_MAGENTO_TOKEN" in str(caught.value)
    assert "beta-secret-value" not in str(caught.value)


def test_empty_value_counts_as_missing() -> None:
    with pytest.raises(MissingSecret):
        resolve_secret("MAGSPEC_ACME_MAGENTO_TOKEN", environ={"MAGSPEC_ACME_MAGENTO_TOKEN": " "})
    assert missing_secrets(["A", "B", "C"], environ={"A": "x", "B": ""}) == ["B", "C"]
