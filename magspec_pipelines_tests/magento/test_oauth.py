"""OAuth 1.0a HMAC-SHA256 signing (reference §1.3, RFC 5849 §3.4), checked against vectors
worked out by hand from the RFC's rules."""

from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import unquote

import httpx

from magspec_pipelines.magento.auth import OAuthCredentials
from magspec_pipelines.magento.client import MagentoClient
from magspec_pipelines.magento.oauth import OAuth1Auth
from magspec_pipelines.magento.search import SearchCriteria
from magspec_pipelines_tests.magento.schema_hooks import SchemaCheckingTransport, no_wait

CREDENTIALS = OAuthCredentials("ck-4711", "cs/secret", "at-0815", "ats+secret")


def signing_client(handler) -> MagentoClient:  # type: ignore[no-untyped-def]
    auth = OAuth1Auth(
        CREDENTIALS.consumer_key,
        CREDENTIALS.consumer_secret,
        CREDENTIALS.access_token,
        CREDENTIALS.access_token_secret,
        nonce=lambda: "n0nce",
        clock=lambda: 1_700_000_000.9,
    )
    transport = SchemaCheckingTransport(httpx.MockTransport(handler))
    return MagentoClient(
        "http://Shop.Test:8080/acme", auth=auth, transport=transport, retry=no_wait()
    )


def header_fields(request: httpx.Request) -> dict[str, str]:
    scheme, _, rest = request.headers["authorization"].partition(" ")
    assert scheme == "OAuth"
    pairs = (part.split("=", 1) for part in rest.split(","))
    return {k.strip(): unquote(v.strip('"')) for k, v in pairs}


def hand_signature(base_string: str) -> str:
    # Key: percent-encoded consumer secret & token secret ("/" -> %2F, "+" -> %2B).
    key = b"cs%2Fsecret&ats%2Bsecret"
    return base64.b64encode(hmac.new(key, base_string.encode(), hashlib.sha256).digest()).decode()


def test_signature_of_a_sku_path_with_a_slash_and_a_bracketed_query() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"sku": "MH01/XS", "id": 1})

    with signing_client(handler) as client:
        client.get_product("MH01/XS", scope="all", store_id=2)
    # Written out by hand: host lower-cased, the non-default port kept, the path as sent
    # (%2F, encoded again to %252F), the query and oauth parameters sorted by name.
    expected_base = (
        "GET&http%3A%2F%2Fshop.test%3A8080%2Facme%2Frest%2Fall%2FV1%2Fproducts%2FMH01%252FXS&"
        "oauth_consumer_key%3Dck-4711%26oauth_nonce%3Dn0nce%26"
        "oauth_signature_method%3DHMAC-SHA256%26oauth_timestamp%3D1700000000%26"
        "oauth_token%3Dat-0815%26oauth_version%3D1.0%26storeId%3D2"
    )
    fields = header_fields(seen[0])
    assert fields["oauth_signature"] == hand_signature(expected_base)
    assert fields["oauth_signature_method"] == "HMAC-SHA256"
    assert fields["oauth_token"] == "at-0815" and fields["oauth_consumer_key"] == "ck-4711"


def test_bracketed_search_criteria_are_signed_once_encoded() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"items": [], "total_count": 0})

    with signing_client(handler) as client:
        client.search_orders(SearchCriteria().where("status", "eq", "processing").page(size=5))
    prefix = "searchCriteria%255Bfilter_groups%255D%255B0%255D%255Bfilters%255D%255B0%255D"
    expected_base = (
        "GET&http%3A%2F%2Fshop.test%3A8080%2Facme%2Frest%2FV1%2Forders&"
        "oauth_consumer_key%3Dck-4711%26oauth_nonce%3Dn0nce%26"
        "oauth_signature_method%3DHMAC-SHA256%26oauth_timestamp%3D1700000000%26"
        "oauth_token%3Dat-0815%26oauth_version%3D1.0%26"
        # sorted on the encoded names: %5BcurrentPage < %5Bfilter_groups < %5BpageSize
        "searchCriteria%255BcurrentPage%255D%3D1%26"
        f"{prefix}%255Bcondition_type%255D%3Deq%26"
        f"{prefix}%255Bfield%255D%3Dstatus%26"
        f"{prefix}%255Bvalue%255D%3Dprocessing%26"
        "searchCriteria%255BpageSize%255D%3D5"
    )
    assert header_fields(seen[0])["oauth_signature"] == hand_signature(expected_base)


def test_a_json_body_is_not_signed() -> None:
    signatures: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        signatures.append(header_fields(request)["oauth_signature"])
        return httpx.Response(200, json=True)

    with signing_client(handler) as client:
        client.add_comment(7, "first", status="processing")
        client.add_comment(7, "a different comment", status="processing", notify=True)
    assert signatures[0] == signatures[1]


def test_oauth_secrets_never_show() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(400, json={"message": f"echo {request.headers['authorization']}"})

    client = signing_client(handler)
    try:
        client.get_order(1)
    except Exception as exc:  # noqa: BLE001 - the text of any error counts
        text = str(exc)
    else:
        raise AssertionError("expected an error")
    finally:
        client.close()
    for secret in ("at-0815",):
        assert secret not in text
    assert "cs/secret" not in repr(client) and "cs/secret" not in repr(CREDENTIALS)
