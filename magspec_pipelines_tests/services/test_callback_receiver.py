"""The callback receiver with the shipped tenant files: a key is required, refusals do not tell
which tenants exist, bodies and rates are bounded, GET and form POST both work; and a tenant
that receives callbacks cannot be configured without a secret."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from magspec_pipelines.services.callbacks import (
    MAX_BODY_BYTES,
    RateBound,
    build_callback_app,
    callback_templates,
)
from magspec_pipelines.specter.callbacks import callback_query
from magspec_pipelines.state import StateStore
from magspec_pipelines.state.order_status import OrderStatusState
from magspec_pipelines.tenancy import MissingSecret, load_registry
from magspec_pipelines_tests import REPO
from magspec_sandbox.scenario import DEMO_SECRETS
from magspec_sandbox.server import BackgroundServer

SECRET = DEMO_SECRETS["MAGSPEC_ACME_CALLBACK_SECRET"]
FORM = {"content-type": "application/x-www-form-urlencoded"}


@pytest.fixture
def shipped(state_store: StateStore, monkeypatch: pytest.MonkeyPatch):
    """The receiver over `tenants/*.yaml` as shipped, with the demo's secrets set."""
    for name, value in DEMO_SECRETS.items():
        monkeypatch.setenv(name, value)
    return load_registry(str(REPO / "tenants")), state_store


@contextmanager
def _serving(shipped, **options) -> Iterator[httpx.Client]:
    registry, store = shipped
    app = build_callback_app(registry, store, **options)
    with BackgroundServer(app) as server, httpx.Client(base_url=server.url) as client:
        yield client


def _staged(shipped) -> list[dict]:
    return [e.payload for e in OrderStatusState(shipped[1]).pending_events("acme")]


def test_the_shipped_tenants_refuse_a_callback_without_the_key(shipped):
    with _serving(shipped) as client:
        answer = client.get("/specter/acme/remove_order?orderNo=50002")
    assert answer.status_code == 403 and not answer.text.startswith("1;")
    assert _staged(shipped) == []


def test_a_refusal_does_not_tell_whether_the_tenant_exists(shipped):
    with _serving(shipped) as client:
        answers = _refusals(client)
    seen = {(a.status_code, a.text) for a in answers.values()}
    assert seen == {(403, "0;403;refused")}, {k: a.text for k, a in answers.items()}
    assert _staged(shipped) == []


def _refusals(client: httpx.Client) -> dict[str, httpx.Response]:
    return {
        "no key": client.get("/specter/acme/remove_order", params={"orderNo": "5"}),
        "wrong key": client.get(
            "/specter/acme/remove_order", params={"orderNo": "5", "pskey": "guess"}
        ),
        "unknown tenant": client.get(
            "/specter/nobody/remove_order", params={"orderNo": "5", "pskey": SECRET}
        ),
        "no order status": client.get(
            "/specter/fjall/remove_order", params={"orderNo": "5", "pskey": SECRET}
        ),
        "another tenant's key": client.get(
            "/specter/brisk/remove_order", params={"orderNo": "5", "pskey": SECRET}
        ),
    }


def test_the_key_never_reaches_the_log(shipped, caplog: pytest.LogCaptureFixture):
    with caplog.at_level("DEBUG"), _serving(shipped) as client:
        client.get("/specter/acme/remove_order", params={"orderNo": "5", "pskey": "guess-4711"})
        client.get("/specter/acme/remove_order", params={"orderNo": "5", "pskey": SECRET})
    # the receiver's own records (the test's HTTP client logs the URLs it calls)
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("magspec"))
    assert "refused: pskey wrong" in ours and "staged" in ours
    assert SECRET not in ours and "guess-4711" not in ours


def test_a_post_callback_with_a_form_body_is_staged(shipped, monkeypatch):
    with _serving(shipped) as client:
        _post_callbacks(client, monkeypatch)
    assert sorted((p["callback"], p["order_no"]) for p in _staged(shipped)) == [
        ("new_invoice", "50001"),
        ("remove_order", "50002"),
        ("remove_order", "50003"),
    ]


def _post_callbacks(client: httpx.Client, monkeypatch: pytest.MonkeyPatch) -> None:
    answer = client.post(
        "/specter/acme/remove_order", content=f"orderNo=50002&pskey={SECRET}", headers=FORM
    )
    assert (answer.status_code, answer.text) == (200, "1;Done")
    # the key in the registered URL, Specter's values in the body; no content type at all
    answer = client.post(
        f"/specter/acme/new_invoice?pskey={SECRET}",
        content=b"orderId=50001&invoiceId=70001&invoiceSource=sbm",
    )
    assert (answer.status_code, answer.text) == (200, "1;Done")
    # Latin-1 percent-escapes, as in the query string
    monkeypatch.setenv("MAGSPEC_ACME_CALLBACK_SECRET", "hemlig-å")
    answer = client.post(
        "/specter/acme/remove_order", content=b"orderNo=50003&pskey=hemlig-%E5", headers=FORM
    )
    assert (answer.status_code, answer.text) == (200, "1;Done")
    other = client.post(
        "/specter/acme/remove_order",
        content=b'{"orderNo": "50004"}',
        headers={"content-type": "application/json"},
    )
    assert other.status_code == 415


def _raw(url: str, head: str, body_parts: list[bytes]) -> str:
    """Send a request by hand (so the body can be larger than what is sent) and read the
    answer's status line; the server must answer before the body is complete."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(head.encode("ascii"))
        for part in body_parts:
            sock.sendall(part)
        return sock.recv(4096).decode("latin-1").split("\r\n", 1)[0]


def test_a_body_over_the_bound_is_refused_without_being_read(shipped):
    registry, store = shipped
    path = f"/specter/acme/remove_order?pskey={SECRET}"
    with BackgroundServer(build_callback_app(registry, store)) as server:
        declared = _raw(
            server.url,
            f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded"
            "\r\nContent-Length: 10000000\r\n\r\n",
            [b"orderNo=1&" * 10],
        )
        chunk = b"a" * 4096
        chunked = _raw(
            server.url,
            f"POST {path} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n",
            [b"%x\r\n%s\r\n" % (len(chunk), chunk)] * (MAX_BODY_BYTES // len(chunk) + 1),
        )
    assert declared.split()[1] == "413" and chunked.split()[1] == "413"
    assert _staged(shipped) == []


def test_callbacks_beyond_the_rate_bound_get_429_per_tenant(shipped):
    now = [1000.0]
    bound = RateBound(per_second=1, burst=3, clock=lambda: now[0])
    with _serving(shipped, rate=bound) as client:

        def call(tenant: str, key: str | None) -> int:
            params = {"orderNo": "5", **({"pskey": key} if key else {})}
            return client.get(f"/specter/{tenant}/remove_order", params=params).status_code

        # refused calls take no tokens: nobody without the key can use up a tenant's rate
        assert {call("acme", None) for _ in range(10)} == {403}
        assert [call("acme", SECRET) for _ in range(4)] == [200, 200, 200, 429]
        assert call("brisk", DEMO_SECRETS["MAGSPEC_BRISK_CALLBACK_SECRET"]) == 200
        over = client.get("/specter/acme/remove_order", params={"orderNo": "5", "pskey": SECRET})
        assert over.status_code == 429 and over.headers["retry-after"] == "1"
        now[0] += 1.0
        assert call("acme", SECRET) == 200


def test_a_tenant_that_receives_callbacks_needs_a_callback_secret(tmp_path):
    for name in ("acme", "fjall"):
        text = (REPO / "tenants" / f"{name}.yaml").read_text(encoding="utf-8")
        lines = [line for line in text.splitlines() if "callback_secret_env" not in line]
        (tmp_path / f"{name}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    registry = load_registry(str(tmp_path))
    assert "acme" not in registry.tenants and "fjall" in registry.tenants, "fjall has no flow"
    (error,) = registry.errors
    assert (Path(error.file).name, error.tenant) == ("acme.yaml", "acme")
    assert error.path == "order_status.callback_secret_env"
    assert "is required when the order status flow runs" in str(error)


def test_the_registered_templates_carry_the_key(shipped):
    registry, _ = shipped
    acme = registry.tenant("acme")
    assert "MAGSPEC_ACME_CALLBACK_SECRET" in acme.secret_env_names(), "preflight checks it"
    templates = callback_templates(acme, "https://hooks.example/magspec/")
    assert set(templates) == {"new_invoice", "remove_order", "order_change"}
    for kind, template in templates.items():
        path, _, query = template.partition("?")
        assert path == f"https://hooks.example/magspec/specter/acme/{kind}"
        assert callback_query(query)["pskey"] == SECRET
    assert "orderNo=$orderNo" in templates["remove_order"]
    with pytest.raises(MissingSecret):
        callback_templates(acme, "https://hooks.example", environ={})
