"""OAuth 1.0a request signatures as Magento checks them for an integration (reference §1.3).

HMAC-SHA256 only: since 2.4.4 Magento refuses HMAC-SHA1 (§1.2). The base string is
`METHOD&enc(scheme://host/path)&enc(sorted params)` over the query-string and oauth parameters;
a JSON body is never signed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote, unquote

from magspec_sandbox.magento import assumed, errors

SUPPORTED_METHOD = "HMAC-SHA256"
UNSUPPORTED_METHOD = "Signature method %1 is not supported"
_REQUIRED = (
    "oauth_consumer_key",
    "oauth_token",
    "oauth_signature_method",
    "oauth_signature",
    "oauth_nonce",
    "oauth_timestamp",
)


@dataclass(frozen=True)
class Credentials:
    """The four values Magento's admin shows for an activated integration."""

    consumer_key: str
    consumer_secret: str
    access_token: str
    access_token_secret: str


def enc(text: str) -> str:
    """RFC 3986 percent-encoding as OAuth 1.0a wants it (only unreserved characters kept)."""
    return quote(text, safe="~")


def parse_header(header: str) -> dict[str, str] | None:
    """The parameters of an `Authorization: OAuth k="v",...` header, or None for other schemes."""
    scheme, _, rest = header.strip().partition(" ")
    if scheme.lower() != "oauth":
        return None
    out: dict[str, str] = {}
    for part in rest.split(","):
        key, sep, value = part.strip().partition("=")
        if sep:
            out[unquote(key.strip())] = unquote(value.strip().strip('"'))
    return out


def base_string(method: str, base_uri: str, params: Iterable[tuple[str, str]]) -> str:
    pairs = sorted((enc(k), enc(v)) for k, v in params)
    normalized = "&".join(f"{k}={v}" for k, v in pairs)
    return "&".join([method.upper(), enc(base_uri), enc(normalized)])


def signature(base: str, consumer_secret: str, token_secret: str) -> str:
    key = f"{enc(consumer_secret)}&{enc(token_secret)}".encode()
    digest = hmac.new(key, base.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def sign(
    credentials: Credentials,
    method: str,
    base_uri: str,
    query: Iterable[tuple[str, str]],
    nonce: str,
    timestamp: str,
) -> str:
    """An `Authorization` header value for a request (what a client would send)."""
    oauth = {
        "oauth_consumer_key": credentials.consumer_key,
        "oauth_token": credentials.access_token,
        "oauth_signature_method": SUPPORTED_METHOD,
        "oauth_nonce": nonce,
        "oauth_timestamp": timestamp,
        "oauth_version": "1.0",
    }
    base = base_string(method, base_uri, [*query, *oauth.items()])
    oauth["oauth_signature"] = signature(
        base, credentials.consumer_secret, credentials.access_token_secret
    )
    return "OAuth " + ",".join(f'{k}="{enc(v)}"' for k, v in oauth.items())


class OAuthVerifier:
    """Checks signed requests of one integration; remembers nonces to refuse a replay."""

    def __init__(self, credentials: Credentials | None) -> None:
        self.credentials = credentials
        self._nonces: set[tuple[str, str]] = set()
        self._lock = threading.Lock()

    def verify(
        self,
        header: dict[str, str],
        method: str,
        base_uris: Iterable[str],
        query: list[tuple[str, str]],
    ) -> None:
        """Raise AuthorizationError unless the request carries a valid signature.

        `base_uris` are the forms of the request URL the signer may have used: Magento signs
        the path as it arrived, and clients differ on `%2F` in SKUs (§1.3, magento2#37913).
        """
        creds = self.credentials
        for name in _REQUIRED:
            if not header.get(name):
                raise errors.AuthorizationError(assumed.OAUTH_MISSING_PARAMETER, [name])
        method_name = header["oauth_signature_method"]
        if method_name != SUPPORTED_METHOD:
            raise errors.AuthorizationError(UNSUPPORTED_METHOD, [method_name])
        if creds is None or header["oauth_consumer_key"] != creds.consumer_key:
            raise errors.AuthorizationError(assumed.OAUTH_INVALID_CONSUMER)
        if header["oauth_token"] != creds.access_token:
            raise errors.AuthorizationError(assumed.OAUTH_INVALID_TOKEN)
        signed = [(k, v) for k, v in header.items() if k not in ("oauth_signature", "realm")]
        for uri in base_uris:
            base = base_string(method, uri, [*query, *signed])
            expected = signature(base, creds.consumer_secret, creds.access_token_secret)
            if hmac.compare_digest(expected, header["oauth_signature"]):
                break
        else:
            raise errors.AuthorizationError(assumed.OAUTH_INVALID_SIGNATURE)
        key = (header["oauth_nonce"], header["oauth_timestamp"])
        with self._lock:
            if key in self._nonces:
                raise errors.AuthorizationError(assumed.OAUTH_NONCE_USED, [creds.consumer_key])
            self._nonces.add(key)
