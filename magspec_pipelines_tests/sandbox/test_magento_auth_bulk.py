"""OAuth 1.0a signatures, route prefixes and async bulk over raw HTTP (notes §1.2, §1.3, §7)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
import pytest

from magspec_pipelines_tests.openapi import SchemaMismatch, checked, validate_request
from magspec_pipelines_tests.sandbox.conftest import MAGENTO_TOKEN, MagentoHandle, MagentoServe


def _enc(text: str) -> str:
    return quote(text, safe="~")


def _oauth_header(
    m: MagentoHandle, method: str, url: str, query: dict[str, str], *, algorithm: str = "sha256",
    secret: str = "acme-consumer-secret", nonce: str | None = None, timestamp: str | None = None,
) -> str:  # fmt: skip
    """Signed per §1.3, written here from the notes rather than borrowed from the sandbox."""
    oauth = {
        "oauth_consumer_key": "acme-consumer-key",
        "oauth_token": MAGENTO_TOKEN,
        "oauth_signature_method": f"HMAC-{algorithm.upper()}",
        "oauth_nonce": nonce or str(time.monotonic_ns()),
        "oauth_timestamp": timestamp or str(int(time.time())),
        "oauth_version": "1.0",
    }
    params = "&".join(sorted(f"{_enc(k)}={_enc(v)}" for k, v in {**query, **oauth}.items()))
    parts = urlsplit(url)
    base = "&".join([method, _enc(f"{parts.scheme}://{parts.netloc}{parts.path}"), _enc(params)])
    key = f"{_enc(secret)}&{_enc('acme-token-secret')}".encode()
    digest = hmac.new(key, base.encode(), getattr(hashlib, algorithm)).digest()
    oauth["oauth_signature"] = base64.b64encode(digest).decode()
    return "OAuth " + ",".join(f'{k}="{_enc(v)}"' for k, v in oauth.items())


def _signed(m: MagentoHandle, path: str, query: dict[str, str], **kw: Any) -> httpx.Response:
    url = f"{m.url}/acme/rest{path}"
    header = _oauth_header(m, "GET", url, query, **kw)
    return m.http.get(url, params=query, headers={"Authorization": header})


def test_oauth_hmac_sha256_signature_is_accepted(magento_serve: MagentoServe) -> None:
    m = magento_serve(integration_as_bearer=False)
    query = {"searchCriteria[filter_groups][0][filters][0][field]": "status",
             "searchCriteria[filter_groups][0][filters][0][value]": "processing"}  # fmt: skip
    response = _signed(m, "/V1/orders", query)
    assert response.status_code == 200, response.text
    assert all(o["status"] == "processing" for o in response.json()["items"])
    # A SKU with `/` is signed over the encoded path (§1.3).
    product = {"sku": "AB/1", "name": "Snedstreck", "price": 1}
    m.inst.catalog.save(product, "all", m.inst.now_text())
    slash = _signed(m, "/V1/products/AB%2F1", {})
    assert slash.status_code == 200 and slash.json()["sku"] == "AB/1"


def test_oauth_refuses_sha1_bad_signatures_and_replays(magento_serve: MagentoServe) -> None:
    m = magento_serve(integration_as_bearer=False)
    sha1 = _signed(m, "/V1/store/websites", {}, algorithm="sha1")
    # §1.2: 2.4.4+ refuses HMAC-SHA1.
    assert (sha1.status_code, sha1.json()) == (
        401, {"message": "Signature method %1 is not supported", "parameters": ["HMAC-SHA1"]}
    )  # fmt: skip
    assert _signed(m, "/V1/store/websites", {}, secret="wrong").status_code == 401
    once = {"nonce": "n-1", "timestamp": str(int(time.time()))}
    assert _signed(m, "/V1/store/websites", {}, **once).status_code == 200
    assert _signed(m, "/V1/store/websites", {}, **once).status_code == 401  # a replay


def test_integration_bearer_needs_the_setting(magento_serve: MagentoServe) -> None:
    m = magento_serve(integration_as_bearer=False)
    refused = m.rest("GET", "/V1/products/24-MB01")
    # §1.2: with the setting off the integration token is a guest, 401 naming the resource.
    assert refused.status_code == 401
    assert refused.json()["parameters"] == {"resources": "Magento_Catalog::products"}
    m.admin("PATCH", "/magento/acme/settings", json={"integration_as_bearer": True})
    assert m.rest("GET", "/V1/products/24-MB01").status_code == 200


def test_unknown_store_code_and_route_are_no_route(magento_shared: MagentoHandle) -> None:
    m = magento_shared
    for path in ("/nowhere/V1/products/24-MB01", "/V1/products/24-MB01/nothing"):
        response = m.rest("GET", path)
        assert response.status_code == 404
        assert response.json() == {"message": "Request does not match any route."}


def _bulk_status(m: MagentoHandle, bulk_uuid: str, detailed: bool = False) -> dict[str, Any]:
    kind = "detailed-status" if detailed else "status"
    return checked(m.rest, "GET", f"/V1/bulk/{{bulkUuid}}/{kind}", f"/V1/bulk/{bulk_uuid}/{kind}")


def _settled(m: MagentoHandle, bulk_uuid: str, patience: float = 20.0) -> dict[str, Any]:
    """The bulk's status once none of its operations is open (4) any more: polled, not slept."""
    deadline = time.monotonic() + patience
    while True:
        status = _bulk_status(m, bulk_uuid)
        if all(op["status"] != 4 for op in status["operations_list"]):
            return status
        assert time.monotonic() < deadline, f"bulk {bulk_uuid} still open after {patience} s"
        time.sleep(0.05)


def test_async_bulk_product_upsert_reports_per_operation(magento_serve: MagentoServe) -> None:
    m = magento_serve()
    bodies = [{"product": {"sku": f"BULK-{n}", "name": f"Bulk {n}", "price": 10 + n,
                           "attribute_set_id": 4}} for n in range(3)]  # fmt: skip
    bodies.append({"product": {"sku": "BULK-BAD", "attribute_set_id": 4}})  # no name: fails
    for body in bodies:
        validate_request("/V1/products", "POST", body)
    response = m.rest("POST", "/all/async/bulk/V1/products", json=bodies)
    # §7: 202 with one accepted request item per element.
    assert response.status_code == 202, response.text
    accepted = response.json()
    assert [i["status"] for i in accepted["request_items"]] == ["accepted"] * 4
    assert accepted["errors"] is False
    status = _bulk_status(m, accepted["bulk_uuid"])
    assert [op["status"] for op in status["operations_list"]] == [1, 1, 1, 3]
    assert status["operation_count"] == 4
    assert "name" in status["operations_list"][3]["result_message"]
    detailed = _bulk_status(m, accepted["bulk_uuid"], detailed=True)
    assert "BULK-0" in detailed["operations_list"][0]["serialized_data"]
    product = checked(m.rest, "GET", "/V1/products/{sku}", "/V1/products/BULK-2")
    assert product["price"] == 12 and product["extension_attributes"]["website_ids"] == [1, 2]


def test_async_bulk_by_sku_and_prices_after_a_delay(magento_serve: MagentoServe) -> None:
    # Long enough that the operation is surely still open when first asked about, even on a
    # loaded machine; the test then waits for it by polling, however long it really takes.
    m = magento_serve(bulk_delay_seconds=2.0)
    bodies = [{"sku": "24-MB01", "product": {"sku": "24-MB01", "name": "Väska"}},
              {"product": {"sku": "no-path-sku", "name": "x"}}]  # fmt: skip
    response = m.rest("PUT", "/all/async/bulk/V1/products/bySku", json=bodies)
    assert response.status_code == 202
    accepted = response.json()
    # §7: path params become `bySku`, each element carries `sku`; without it, rejected.
    assert [i["status"] for i in accepted["request_items"]] == ["accepted", "rejected"]
    assert accepted["errors"] is True
    assert [op["status"] for op in _bulk_status(m, accepted["bulk_uuid"])["operations_list"]] == [
        4, 5
    ]  # fmt: skip
    prices = [{"prices": [{"sku": "24-MB01", "price": 5, "price_type": "fixed", "website_id": 0,
                           "customer_group": "General", "quantity": 2}]}]  # fmt: skip
    price_bulk = m.rest("POST", "/all/async/bulk/V1/products/tier-prices", json=prices).json()
    assert [op["status"] for op in _settled(m, accepted["bulk_uuid"])["operations_list"]] == [
        1, 5
    ]  # fmt: skip
    assert _settled(m, price_bulk["bulk_uuid"])["operations_list"][0]["status"] == 1
    name = checked(m.rest, "GET", "/V1/products/{sku}", "/all/V1/products/24-MB01")["name"]
    assert name == "Väska"


def test_bulk_takes_more_than_twenty_while_sync_does_not(magento_serve: MagentoServe) -> None:
    m = magento_serve(input_limits=True)
    rows = [{"sku": "24-MB01", "source_code": "default", "quantity": n, "status": 1}
            for n in range(25)]  # fmt: skip
    sync = m.rest("POST", "/V1/inventory/source-items", json={"sourceItems": rows})
    assert sync.status_code == 400  # §1.5: 20 per array
    bulk = m.rest("POST", "/all/async/bulk/V1/inventory/source-items",
                  json=[{"sourceItems": rows}])  # fmt: skip
    assert bulk.status_code == 202
    assert _bulk_status(m, bulk.json()["bulk_uuid"])["operations_list"][0]["status"] == 1


def test_request_validator_rejects_a_malformed_payload() -> None:
    with pytest.raises(SchemaMismatch):
        validate_request("/V1/products/tier-prices", "POST",
                         {"prices": [{"sku": "A", "website_id": "zero", "quantity": "many"}]})  # fmt: skip
    with pytest.raises(SchemaMismatch):
        validate_request("/V1/order/{orderId}/ship", "POST", {"items": [{"qty": "two"}]})
