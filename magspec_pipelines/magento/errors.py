"""Magento's error answers as typed exceptions, with the phrase placeholders filled in.

Magento sends the raw phrase (`"Invalid product data: %1"`) plus `parameters`, a list for
positional `%1 %2` or an object for named `%resources`; the client renders it.
"""

from __future__ import annotations

import json
import re
from typing import Any

import httpx

INTEGRATION_AS_BEARER_PHRASE = "The consumer isn't authorized to access %resources."
_PLACEHOLDER = re.compile(r"%(\w+)")


class MagentoError(Exception):
    """Any failed Magento call. `status` is the HTTP status (None when there was no answer)."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        phrase: str | None = None,
        parameters: Any = None,
        endpoint: str = "",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.phrase = phrase
        self.parameters = parameters
        self.endpoint = endpoint


class MagentoAuthError(MagentoError):
    """401/403: the token is wrong, revoked, lacks an ACL grant, or is not accepted as Bearer."""


class MagentoNotFound(MagentoError):
    """404: no such entity, or no such route."""


class MagentoRequestError(MagentoError):
    """400: Magento rejected the request (validation, state)."""


class MagentoTransientError(MagentoError):
    """429, 5xx, timeouts or an open circuit, after retries: try again later."""


class MagentoOutcomeUnknown(MagentoTransientError):
    """A write was sent but its answer was lost: it may have been applied. Look before repeating
    it (a second `ship` or `invoice` would not be refused)."""


def render_phrase(phrase: str, parameters: Any) -> str:
    """Fill `%1`-style (list) or `%name`-style (object) placeholders the way Magento does."""
    if isinstance(parameters, list):
        values = {str(i + 1): v for i, v in enumerate(parameters)}
    elif isinstance(parameters, dict):
        values = {str(k): v for k, v in parameters.items()}
    else:
        return phrase

    def fill(match: re.Match[str]) -> str:
        key = match.group(1)
        if key in values:
            return _text(values[key])
        return match.group(0)

    return _PLACEHOLDER.sub(fill, phrase)


def _text(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    return "" if value is None else str(value)


def error_from_response(
    response: httpx.Response, endpoint: str, secrets: tuple[str, ...] = ()
) -> MagentoError:
    """The typed error for a non-2xx answer; `secrets` are scrubbed from the text."""
    status = response.status_code
    phrase, parameters, detail = _parse_body(response)
    text = render_phrase(phrase, parameters) if phrase is not None else ""
    text = " ".join(t for t in (text, detail) if t) or response.reason_phrase
    cls: type[MagentoError]
    if status in (401, 403):
        cls = MagentoAuthError
        if phrase == INTEGRATION_AS_BEARER_PHRASE:
            text += (
                " If this is an integration access token sent as Bearer on Magento 2.4.4 or later,"
                " enable 'Allow OAuth Access Tokens to be used as standalone Bearer tokens'"
                " (Stores > Configuration > Services > OAuth > Consumer Settings,"
                " oauth/consumer/enable_integration_as_bearer = 1); otherwise grant the"
                " integration the ACL resource named here."
            )
    elif status == 404:
        cls = MagentoNotFound
    elif status == 400:
        cls = MagentoRequestError
    elif status == 429 or status >= 500:
        cls = MagentoTransientError
    else:
        cls = MagentoError
    message = scrub(f"{endpoint}: HTTP {status}: {text}", secrets)
    return cls(message, status=status, phrase=phrase, parameters=parameters, endpoint=endpoint)


def _parse_body(response: httpx.Response) -> tuple[str | None, Any, str]:
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError, ValueError):
        return None, None, response.text.strip()[:300]
    if not isinstance(body, dict) or not isinstance(body.get("message"), str):
        return None, None, response.text.strip()[:300]
    errors = body.get("errors")
    detail = ""
    if isinstance(errors, list):
        # Aggregate input errors: the detail is in the list, the top message only summarises.
        detail = "; ".join(
            render_phrase(e["message"], e.get("parameters"))
            for e in errors
            if isinstance(e, dict) and isinstance(e.get("message"), str)
        )
    return body["message"], body.get("parameters"), detail


def scrub(text: str, secrets: tuple[str, ...]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text
