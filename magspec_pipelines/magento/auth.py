"""How the Magento client authenticates.

An access token sent as `Authorization: Bearer` (an admin token, or an integration token on a shop
where "Allow OAuth Access Tokens to be used as standalone Bearer tokens" is on; 2.4.4+ has it off
by default), or an integration's four OAuth 1.0a credentials signing every request with
HMAC-SHA256 (2.4.4+ rejects HMAC-SHA1). Both expose `secrets`, the values scrubbed from error text.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass

import httpx

from magspec_pipelines.magento.oauth import OAuth1Auth


class BearerToken(httpx.Auth):
    """`Authorization: Bearer <token>`; the token never shows in repr or error text."""

    def __init__(self, token: str) -> None:
        if not token:
            raise ValueError("a Magento access token is required")
        self._token = token

    @property
    def secret(self) -> str:
        return self._token

    @property
    def secrets(self) -> tuple[str, ...]:
        return (self._token,)

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self._token}"
        yield request

    def __repr__(self) -> str:
        return "BearerToken(***)"


@dataclass(frozen=True)
class OAuthCredentials:
    """An integration's credentials as the Magento admin shows them after activation."""

    consumer_key: str
    consumer_secret: str
    access_token: str
    access_token_secret: str

    def __repr__(self) -> str:
        return f"OAuthCredentials(consumer_key={self.consumer_key!r}, ***)"


MagentoAuth = BearerToken | OAuth1Auth


def magento_auth(credentials: str | OAuthCredentials) -> MagentoAuth:
    """Bearer for a token, OAuth 1.0a signing for an integration's four credentials."""
    if isinstance(credentials, OAuthCredentials):
        return OAuth1Auth(
            credentials.consumer_key,
            credentials.consumer_secret,
            credentials.access_token,
            credentials.access_token_secret,
        )
    return BearerToken(credentials)
