"""The schema check itself: it must catch what a misreading of the API would send or expect,
and tolerate what real Magento sends (nulls, `parameters` as a list or an object; §1.4, §8.1)."""

from __future__ import annotations

import httpx
import pytest

from magspec_pipelines.magento.client import MagentoClient
from magspec_pipelines.magento.errors import MagentoRequestError
from magspec_pipelines_tests.magento.schema_hooks import (
    SchemaCheckingTransport,
    check_request,
    checked_client,
    no_wait,
    path_template,
)
from magspec_pipelines_tests.openapi import SchemaMismatch


def test_a_malformed_request_body_is_rejected() -> None:
    good = {"prices": [{"sku": "MH01", "price": 10, "price_type": "fixed", "website_id": 0,
                        "customer_group": "General", "quantity": 2}]}  # fmt: skip
    check_request("POST", "/V1/products/tier-prices", good)
    bad = {"prices": [{**good["prices"][0], "quantity": "two", "website_id": "all"}]}
    with pytest.raises(SchemaMismatch, match="quantity"):
        check_request("POST", "/V1/products/tier-prices", bad)
    with pytest.raises(SchemaMismatch, match="statusHistory"):
        check_request("POST", "/V1/orders/{id}/comments".replace("{id}", "7"),
                         {"statusHistory": "a comment"})  # fmt: skip
    with pytest.raises(SchemaMismatch, match="array"):
        check_request("POST", "/V1/products/base-prices", {"prices": {"sku": "x"}}, bulk=True)


def test_a_malformed_answer_is_rejected() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"entity_id": "seven", "items": [{"qty_ordered": "lots"}]})

    client, _ = checked_client(handler)
    with client, pytest.raises(SchemaMismatch, match="entity_id") as caught:
        client.get_order(7)  # an order's id is an integer, its quantities numbers
    assert "items/0/qty_ordered" in str(caught.value)


def test_a_route_magento_does_not_have_is_rejected() -> None:
    with pytest.raises(SchemaMismatch, match="no such operation"):
        path_template("/V1/products/MH01/tierprices", "POST")
    with pytest.raises(SchemaMismatch, match="no such operation"):
        path_template("/V1/orders/7/ship", "POST")  # ship is /V1/order/{id}/ship, singular


def test_nulls_and_both_shapes_of_error_parameters_are_tolerated() -> None:
    answers = iter(
        [
            httpx.Response(200, json={"entity_id": 7, "status": None, "payment": {"cc_last4": None}}),
            httpx.Response(400, json={"message": "Invalid value %1", "parameters": ["x"]}),
            httpx.Response(400, json={"message": "%fieldName is required", "parameters": {"fieldName": "sku"}}),
        ]
    )  # fmt: skip
    client, _ = checked_client(lambda request: next(answers))
    with client:
        assert client.get_order(7)["status"] is None
        with pytest.raises(MagentoRequestError, match="Invalid value x"):
            client.get_order(7)
        with pytest.raises(MagentoRequestError, match="sku is required"):
            client.get_order(7)


def test_two_factor_admin_login_is_explained() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            401,
            json={"message": "Please use the 2fa provider-specific endpoints to obtain a token."},
        )

    transport = SchemaCheckingTransport(httpx.MockTransport(handler))
    with pytest.raises(Exception, match="2fa provider-specific") as caught:
        MagentoClient.with_admin_login(
            "http://shop.test", "admin", "pa55word", transport=transport, retry=no_wait()
        )
    assert "pa55word" not in str(caught.value)
