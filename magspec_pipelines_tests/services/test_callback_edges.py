"""The callback receiver at its edges: exact answers, the limits themselves, what the log says,
the rate bound's arithmetic, and registration. Pinned by mutation testing
(`./dev mutate callbacks`)."""

from __future__ import annotations

import logging

import pytest

from magspec_pipelines.services.callbacks import (
    RateBound,
    callback_templates,
    register_callbacks,
)
from magspec_pipelines.tenancy import MissingSecret
from magspec_pipelines_tests.services.test_callback_receiver import (
    FORM,
    SECRET,
    _serving,
    _staged,
    shipped,  # noqa: F401 - the fixture
)

OK = {"orderNo": "50002", "pskey": SECRET}


def test_unknown_and_unreceived_kinds_answer_404_with_their_reason(shipped):  # noqa: F811
    with _serving(shipped) as client:
        unknown = client.get("/specter/acme/whatever", params=OK)
        unreceived = client.get("/specter/acme/stock_change", params=OK)
        put = client.put("/specter/acme/remove_order", params=OK)
    assert (unknown.status_code, unknown.text) == (404, "0;404;unknown callback")
    assert (unreceived.status_code, unreceived.text) == (404, "0;404;not received here")
    assert put.status_code == 405


def test_the_limits_themselves_are_allowed(shipped):  # noqa: F811
    with _serving(shipped, max_body=64) as client:
        body = "orderNo=50002&pskey=" + SECRET
        exact = body + "&x=" + "y" * (64 - len(body) - 3)
        assert len(exact) == 64
        at_limit = client.post("/specter/acme/remove_order", content=exact, headers=FORM)
        over = client.post("/specter/acme/remove_order", content=exact + "y", headers=FORM)
        query = "orderNo=50003&pskey=" + SECRET
        query_exact = query + "&x=" + "z" * (64 - len(query) - 3)
        at_query_limit = client.get("/specter/acme/remove_order?" + query_exact)
        over_query = client.get("/specter/acme/remove_order?" + query_exact + "z")

        def chunks():
            yield exact.encode()
            yield b"y"

        chunked = client.post("/specter/acme/remove_order", content=chunks(), headers=FORM)
    assert at_limit.text.startswith("1;Done")
    assert (over.status_code, over.text) == (413, "0;413;body over 64 bytes")
    assert (chunked.status_code, chunked.text) == (413, "0;413;body over 64 bytes")
    assert at_query_limit.text.startswith("1;Done")
    assert (over_query.status_code, over_query.text) == (414, "0;414;query over 64 bytes")


def test_a_form_that_is_not_a_form_and_a_malformed_callback(shipped):  # noqa: F811
    with _serving(shipped) as client:
        json_post = client.post(
            "/specter/acme/remove_order",
            params={"pskey": SECRET},
            content=b'{"orderNo": 1}',
            headers={"content-type": "application/json"},
        )
        malformed = client.get("/specter/acme/remove_order", params={"pskey": SECRET})
    assert json_post.status_code == 415 and json_post.text.startswith("0;415;")
    assert malformed.status_code == 400 and malformed.text.startswith("0;400;")
    assert "orderNo" in malformed.text
    assert _staged(shipped) == []


def test_the_log_says_why_without_the_key(shipped, caplog, monkeypatch):  # noqa: F811
    caplog.set_level(logging.INFO, logger="magspec.callbacks")
    with _serving(shipped) as client:
        client.get("/specter/acme/remove_order", params={"orderNo": "1"})
        client.get("/specter/acme/remove_order", params={"orderNo": "1", "pskey": "nope"})
        client.get("/specter/nobody/remove_order", params={"orderNo": "1", "pskey": "x"})
        client.get("/specter/acme/remove_order", params=OK)
        client.get("/specter/acme/remove_order", params=OK)
        client.get("/specter/acme/remove_order", params={"pskey": SECRET})
        monkeypatch.delenv("MAGSPEC_ACME_CALLBACK_SECRET")
        unset = client.get("/specter/acme/remove_order", params=OK)
    assert unset.status_code == 403  # an unset secret refuses, it does not crash
    lines = [r.getMessage() for r in caplog.records]
    assert lines == [
        "callback remove_order for 'acme' refused: pskey missing",
        "callback remove_order for 'acme' refused: pskey wrong",
        "callback remove_order for 'nobody' refused: unknown tenant or no order status flow",
        "callback remove_order for acme staged (new)",
        "callback remove_order for acme staged (seen)",
        "callback for acme malformed: remove_order: orderNo is missing",
        "callback remove_order for 'acme' refused: callback secret "
        "MAGSPEC_ACME_CALLBACK_SECRET is not set",
    ]
    assert all(SECRET not in line for line in lines)


def test_over_the_rate_bound_the_answer_says_when_to_come_back(shipped, caplog):  # noqa: F811
    clock = [0.0]
    bound = RateBound(per_second=0.5, burst=1, clock=lambda: clock[0])
    caplog.set_level(logging.WARNING, logger="magspec.callbacks")
    with _serving(shipped, rate=bound) as client:
        first = client.get("/specter/acme/remove_order", params=OK)
        second = client.get("/specter/acme/remove_order", params=OK)
    assert first.text.startswith("1;Done")
    assert (second.status_code, second.text) == (429, "0;429;too many callbacks")
    assert second.headers["retry-after"] == "2"  # one token at 0.5 a second
    assert "callback remove_order for acme over the rate bound" in caplog.messages


def test_the_rate_bound_refills_at_its_rate():
    clock = [0.0]
    bound = RateBound(per_second=2, burst=3, clock=lambda: clock[0])
    assert [bound.wait("a") for _ in range(3)] == [0, 0, 0]
    assert bound.wait("a") == pytest.approx(0.5)
    clock[0] = 0.25  # half a token back
    assert bound.wait("a") == pytest.approx(0.25)
    clock[0] = 10.0  # never more than the burst
    assert [bound.wait("a") for _ in range(3)] == [0, 0, 0]
    assert bound.wait("a") > 0
    assert bound.wait("b") == 0  # per key
    assert RateBound(per_second=0.001, burst=1).burst == 1
    for per_second, burst in ((0, 5), (-1, 5), (1, 0)):
        with pytest.raises(ValueError, match="^a rate bound needs per_second > 0 and burst >= 1$"):
            RateBound(per_second=per_second, burst=burst)


def test_registration_sends_every_template_with_the_key(shipped):  # noqa: F811
    registry, _ = shipped
    acme = registry.tenants["acme"]
    sent = {}

    class Specter:
        def register_callbacks(self, **templates):
            sent.update(templates)

    with pytest.raises(MissingSecret):  # a template without the key would be refused
        register_callbacks(acme, Specter(), "https://hooks.example.se/base/", {})  # type: ignore[arg-type]
    assert sent == {}
    env = {"MAGSPEC_ACME_CALLBACK_SECRET": "s3cret"}
    register_callbacks(acme, Specter(), "https://hooks.example.se/base/", env)  # type: ignore[arg-type]
    assert sent == callback_templates(acme, "https://hooks.example.se/base", env)
    assert all(
        url.startswith("https://hooks.example.se/base/specter/acme/") and "pskey=s3cret" in url
        for url in sent.values()
    )
    fjall = registry.tenants["fjall"]
    with pytest.raises(ValueError, match="has no order_status.callback_secret_env"):
        callback_templates(fjall, "https://hooks.example.se", env)
