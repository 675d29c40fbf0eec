"""Fixtures for the sandbox tests: Magento sandboxes served on a free local port."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import UTC, datetime

import httpx
import pytest

from magspec_sandbox.magento import InstanceSpec, MagentoSandbox, StoreViewSpec
from magspec_sandbox.server import BackgroundServer

MAGENTO_NOW = datetime(2025, 3, 14, 12, 0, 0, tzinfo=UTC)
MAGENTO_TOKEN = "tok-acme"


def magento_spec(**overrides: object) -> InstanceSpec:
    """The shop most tests use: a Swedish and a B2B store view on two websites."""
    fields: dict[str, object] = {
        "name": "acme",
        "integration_token": MAGENTO_TOKEN,
        "integration_as_bearer": True,
        "store_views": [
            StoreViewSpec(
                code="se",
                name="Svenska",
                website_code="se",
                website_name="Sverige",
                currency="SEK",
                locale="sv_SE",
                timezone="Europe/Stockholm",
                tax_percent=25,
            ),
            StoreViewSpec(
                code="b2b_fi",
                name="Suomi B2B",
                website_code="fi",
                website_name="Suomi",
                currency="EUR",
                locale="fi_FI",
                timezone="Europe/Helsinki",
                tax_percent=25.5,
            ),
        ],
        "orders_per_day": 6,
        "days": 7,
        "seed": 1,
        "input_limits": False,
    }
    fields.update(overrides)
    return InstanceSpec(**fields)  # type: ignore[arg-type]


class MagentoHandle:
    """A served sandbox: the object (for inspection) and an HTTP client on its URL."""

    def __init__(self, sandbox: MagentoSandbox, url: str) -> None:
        self.sandbox = sandbox
        self.url = url
        self.http = httpx.Client(base_url=url, timeout=10)
        self.inst = sandbox.instance("acme")

    def rest(
        self, method: str, path: str, token: str | None = MAGENTO_TOKEN, **kwargs: object
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return self.http.request(method, f"/acme/rest{path}", headers=headers, **kwargs)  # type: ignore[arg-type]

    def admin(self, method: str, path: str, **kwargs: object) -> httpx.Response:
        return self.http.request(method, f"/__sandbox__{path}", **kwargs)  # type: ignore[arg-type]


MagentoServe = Callable[..., MagentoHandle]


@pytest.fixture
def magento_serve() -> Iterator[MagentoServe]:
    """Serve a fresh sandbox built from `magento_spec(**overrides)`."""
    with ExitStack() as stack:

        def serve(**overrides: object) -> MagentoHandle:
            sandbox = MagentoSandbox([magento_spec(**overrides)], now=MAGENTO_NOW)
            server = stack.enter_context(BackgroundServer(sandbox.app))
            handle = MagentoHandle(sandbox, server.url)
            stack.callback(handle.http.close)
            return handle

        yield serve


@pytest.fixture(scope="module")
def magento_shared() -> Iterator[MagentoHandle]:
    """One sandbox for tests that only read; tests that change state use `magento_serve`."""
    sandbox = MagentoSandbox([magento_spec()], now=MAGENTO_NOW)
    with BackgroundServer(sandbox.app) as server:
        handle = MagentoHandle(sandbox, server.url)
        yield handle
        handle.http.close()
