"""How the Magento client authenticates.

Today: an access token sent as `Authorization: Bearer` (an admin token, or an integration token on
a shop where "Allow OAuth Access Tokens to be used as standalone Bearer tokens" is on; 2.4.4+ has
it off by default).

Later: integrations on shops that keep that setting off need OAuth 1.0a request signing with
HMAC-SHA256 (2.4.4+ rejects HMAC-SHA1). That belongs here as a second `httpx.Auth` subclass,
`OAuth1Auth(consumer_key, consumer_secret, access_token, access_token_secret)`, signing the
method, the normalised URL and the query parameters (a JSON body is not signed); `magento_auth`
then picks it when the tenant's credentials carry the four OAuth values.
"""

from __future__ import annotations

from collections.abc import Generator

import httpx


class BearerToken(httpx.Auth):
    """`Authorization: Bearer <token>`; the token never shows in repr or error text."""

    def __init__(self, token: str) -> None:
        if not token:
            raise ValueError("a Magento access token is required")
        self._token = token

    @property
    def secret(self) -> str:
        return self._token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self._token}"
        yield request

    def __repr__(self) -> str:
        return "BearerToken(***)"


def magento_auth(token: str) -> BearerToken:
    """The auth for a shop's credentials; the place to choose OAuth 1.0a once it exists."""
    return BearerToken(token)
