"""OAuth 1.0a request signing with HMAC-SHA256, as Magento 2.4.4+ requires of integrations that
are not accepted as Bearer (reference §1.2, §1.3; RFC 5849 §3.4).

Signed: the method, the base URL and the query parameters together with the `oauth_*` ones. A
JSON body is not signed. Query keys with brackets (`searchCriteria[pageSize]`) and SKUs with `/`
in the path are the usual ways to get it wrong, so both are encoded exactly once per RFC 5849
before the base string encodes them again.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Callable, Generator, Iterable
from urllib.parse import parse_qsl, quote

import httpx

SIGNATURE_METHOD = "HMAC-SHA256"
_DEFAULT_PORTS = {"http": 80, "https": 443}


def percent_encode(value: str) -> str:
    """RFC 3986 encoding: everything but `A-Z a-z 0-9 - . _ ~` escaped, UTF-8 first."""
    return quote(value, safe="")


def base_string_uri(url: httpx.URL) -> str:
    """`scheme://host[:port]/path` with scheme and host lower-cased, default ports dropped, the
    path as sent (still percent-encoded) and no query."""
    scheme = url.scheme.lower()
    host = url.host.lower()
    port = url.port
    authority = host if port is None or port == _DEFAULT_PORTS.get(scheme) else f"{host}:{port}"
    raw = url.raw_path.decode("ascii")
    path = raw.split("?", 1)[0] or "/"
    return f"{scheme}://{authority}{path}"


def normalized_parameters(pairs: Iterable[tuple[str, str]]) -> str:
    """Encode every name and value, sort by encoded name then value, join as `n=v&...`."""
    encoded = sorted((percent_encode(k), percent_encode(v)) for k, v in pairs)
    return "&".join(f"{k}={v}" for k, v in encoded)


def signature_base_string(
    method: str, url: httpx.URL, oauth_params: Iterable[tuple[str, str]]
) -> str:
    query = parse_qsl(url.query.decode("ascii"), keep_blank_values=True)
    params = normalized_parameters([*query, *oauth_params])
    return "&".join([method.upper(), percent_encode(base_string_uri(url)), percent_encode(params)])


def hmac_sha256_signature(base_string: str, consumer_secret: str, token_secret: str) -> str:
    key = f"{percent_encode(consumer_secret)}&{percent_encode(token_secret)}"
    digest = hmac.new(key.encode("utf-8"), base_string.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


class OAuth1Auth(httpx.Auth):
    """Signs every request with an integration's four credentials; none of them shows in repr.

    `nonce` and `clock` are injectable so that a signature can be checked against a vector."""

    def __init__(
        self,
        consumer_key: str,
        consumer_secret: str,
        access_token: str,
        access_token_secret: str,
        *,
        nonce: Callable[[], str] = lambda: secrets.token_hex(16),
        clock: Callable[[], float] = time.time,
    ) -> None:
        values = (consumer_key, consumer_secret, access_token, access_token_secret)
        if not all(values):
            raise ValueError("OAuth needs consumer key and secret, access token and secret")
        self._consumer_key = consumer_key
        self._consumer_secret = consumer_secret
        self._token = access_token
        self._token_secret = access_token_secret
        self._nonce = nonce
        self._clock = clock

    @property
    def secrets(self) -> tuple[str, ...]:
        return (self._consumer_secret, self._token, self._token_secret)

    def oauth_parameters(self) -> list[tuple[str, str]]:
        return [
            ("oauth_consumer_key", self._consumer_key),
            ("oauth_nonce", self._nonce()),
            ("oauth_signature_method", SIGNATURE_METHOD),
            ("oauth_timestamp", str(int(self._clock()))),
            ("oauth_token", self._token),
            ("oauth_version", "1.0"),
        ]

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        params = self.oauth_parameters()
        base = signature_base_string(request.method, request.url, params)
        signature = hmac_sha256_signature(base, self._consumer_secret, self._token_secret)
        fields = [*params, ("oauth_signature", signature)]
        request.headers["Authorization"] = "OAuth " + ",".join(
            f'{percent_encode(k)}="{percent_encode(v)}"' for k, v in fields
        )
        yield request

    def __repr__(self) -> str:
        return "OAuth1Auth(***)"
