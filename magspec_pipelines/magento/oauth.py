"""OAuth 1.0a request signing with HMAC-SHA256, as Magento 2.4.4+ requires of integrations that
are not accepted as Bearer (reference §1.2, §1.3; RFC 5849 §3.4), done by oauthlib.

Signed: the method, the base URL and the query parameters together with the `oauth_*` ones. A
JSON body is not signed: oauthlib is given the URL only, so it neither collects body parameters
nor adds an `oauth_body_hash`. Query keys with brackets (`searchCriteria[pageSize]`) and SKUs
with `/` in the path are the usual ways to get it wrong: the URL is passed as sent (the path
still percent-encoded, `%2F`), and oauthlib decodes the query once before encoding it again for
the base string. The sandbox checks signatures with its own, independent verifier.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Generator

import httpx
from oauthlib.oauth1 import SIGNATURE_HMAC_SHA256, SIGNATURE_TYPE_AUTH_HEADER
from oauthlib.oauth1 import Client as OAuthlibClient

SIGNATURE_METHOD = SIGNATURE_HMAC_SHA256


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

    def authorization(self, method: str, url: str) -> str:
        """The `Authorization` header value for `method` on `url` (as sent, query included)."""
        # One oauthlib client per request: nonce and timestamp are fixed per client, and the
        # httpx client signs from several threads at once.
        signer = OAuthlibClient(
            self._consumer_key,
            client_secret=self._consumer_secret,
            resource_owner_key=self._token,
            resource_owner_secret=self._token_secret,
            signature_method=SIGNATURE_METHOD,
            signature_type=SIGNATURE_TYPE_AUTH_HEADER,
            nonce=self._nonce(),
            timestamp=str(int(self._clock())),
        )
        _, headers, _ = signer.sign(url, http_method=method)
        return headers["Authorization"]

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = self.authorization(request.method, str(request.url))
        yield request

    def __repr__(self) -> str:
        return "OAuth1Auth(***)"
