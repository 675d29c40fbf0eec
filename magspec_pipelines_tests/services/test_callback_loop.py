"""The receiver keeps answering while the state store is slow: the store is synchronous, so its
calls run in a worker thread and never hold the event loop. Shown by ordering, not by timing: a
staging call is held until another request has been answered on the same loop."""

from __future__ import annotations

import asyncio
import threading

import httpx
import pytest

from magspec_pipelines.services.callbacks import build_callback_app
from magspec_pipelines.state.order_status import OrderStatusState
from magspec_pipelines_tests.services.test_callback_receiver import (
    SECRET,
    shipped,  # noqa: F401 - the fixture
)

# Only reached when the loop is blocked (the test then fails instead of hanging).
PATIENCE = 20.0


def test_a_slow_state_call_does_not_hold_up_other_callbacks(
    shipped,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    registry, store = shipped
    entered, release = threading.Event(), threading.Event()
    seen: list[str] = []
    stage = OrderStatusState.stage

    def slow_stage(self: OrderStatusState, *args: object, **kwargs: object) -> int:
        seen.append("staging started")
        entered.set()
        seen.append("staging released" if release.wait(PATIENCE) else "staging gave up waiting")
        return stage(self, *args, **kwargs)

    monkeypatch.setattr(OrderStatusState, "stage", slow_stage)

    async def scenario() -> tuple[httpx.Response, httpx.Response, httpx.Response]:
        app = build_callback_app(registry, store)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://receiver") as client:
            slow = asyncio.create_task(
                client.get("/specter/acme/remove_order", params={"orderNo": "7", "pskey": SECRET})
            )
            assert await asyncio.to_thread(entered.wait, PATIENCE)
            refused = await client.get("/specter/acme/remove_order", params={"orderNo": "8"})
            unknown = await client.get("/specter/acme/whatever", params={"pskey": SECRET})
            seen.append("others answered")
            release.set()
            staged = await slow
            seen.append("slow call answered")
        return staged, refused, unknown

    staged, refused, unknown = asyncio.run(scenario())
    assert seen == [
        "staging started",
        "others answered",
        "staging released",
        "slow call answered",
    ]
    assert (refused.status_code, refused.text) == (403, "0;403;refused")
    assert (unknown.status_code, unknown.text) == (404, "0;404;unknown callback")
    assert staged.status_code == 200 and staged.text.startswith("1;Done")
    assert [e.specter_order_no for e in OrderStatusState(store).pending_events("acme")] == ["7"]
