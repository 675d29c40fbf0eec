"""Every request the Magento client sends and every answer it gets, checked against Adobe's 2.4.8
admin schema, as an httpx transport wrapped around the real one.

Bodies are validated by `magspec_pipelines_tests/openapi.py`, relaxed (reference §8.1: `required`
lists dropped, every typed value may be null); this module finds the operation for a URL. Async bulk requests (not in the schema) are checked element by
element against the synchronous route they stand for (reference §7); error bodies are checked
for Magento's shape (`message`, and `parameters` as a list or an object, §1.4).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import httpx
import jsonschema

from magspec_pipelines.http import RetryPolicy
from magspec_pipelines.magento.client import MagentoClient
from magspec_pipelines_tests.openapi import (
    SCHEMA_PATH,
    SchemaMismatch,
    validate_request,
    validate_response,
)

_REST = re.compile(r"/rest/(?:(?P<scope>[^/]+)/)?(?P<bulk>async/bulk/)?(?P<path>V1/.*)$")

# Magento's 202 answer to an async bulk request (reference §7); the schema does not have it.
BULK_ACCEPTED = {
    "type": "object",
    "properties": {
        "bulk_uuid": {"type": "string"},
        "request_items": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "data_hash": {"type": ["string", "null"]},
                    "status": {"enum": ["accepted", "rejected"]},
                },
                "required": ["id", "status"],
            },
        },
        "errors": {"type": "boolean"},
    },
    "required": ["bulk_uuid", "request_items"],
}
ERROR_BODY = {
    "type": "object",
    "properties": {
        "message": {"type": "string"},
        "parameters": {"type": ["array", "object"]},
        "errors": {"type": "array"},
        "trace": {"type": ["string", "null"]},
    },
    "required": ["message"],
}


@cache
def _document() -> dict[str, Any]:
    with open(SCHEMA_PATH, encoding="utf-8") as fh:
        return json.load(fh)


@cache
def _templates() -> list[tuple[re.Pattern[str], str, int]]:
    rows = []
    for template in _document()["paths"]:
        regex = re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(template))
        rows.append((re.compile(f"^{regex}$"), template, template.count("{")))
    return rows


def path_template(path: str, method: str) -> str:
    """The schema's template for a `/V1/...` path (matched on the still-encoded path, so a SKU's
    `%2F` stays in its segment); literal segments win over parameters."""
    ops = _document()["paths"]
    matches = [
        (params, template)
        for pattern, template, params in _templates()
        if pattern.match(path) and method.lower() in ops[template]
    ]
    if not matches:
        raise SchemaMismatch(f"{method} {path}: no such operation in Adobe's schema")
    return min(matches)[1]


def check_request(method: str, path: str, body: Any, *, bulk: bool = False) -> str:
    """Validate a request body for `method path` (path from `/V1/`); returns the template.
    A bulk body is a list of the synchronous route's bodies, each checked as one."""
    template = path_template(path, method)
    takes_body = "requestBody" in _document()["paths"][template][method.lower()]
    label = f"{method} {template}"
    if bulk:
        if not isinstance(body, list) or not takes_body:
            raise SchemaMismatch(f"async bulk {label}: the body must be an array of bodies")
        for element in body:
            validate_request(template, method, element)
    elif takes_body:
        validate_request(template, method, body)
    elif body is not None:
        raise SchemaMismatch(f"{label}: the route takes no body, one was sent")
    return template


@dataclass
class SchemaCheckingTransport(httpx.BaseTransport):
    """Checks each exchange against the schema; `checked` lists the operations seen."""

    inner: httpx.BaseTransport
    checked: list[str] = field(default_factory=list)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        raw = request.url.raw_path.decode("ascii").split("?", 1)[0]
        match = _REST.search(raw)
        if match is None:
            raise SchemaMismatch(f"{request.method} {raw}: not a REST path")
        path, bulk = "/" + match.group("path"), bool(match.group("bulk"))
        content = request.read()
        body = json.loads(content) if content else None
        template = check_request(request.method, path, body, bulk=bulk)
        response = self.inner.handle_request(request)
        response.read()
        label = f"{'async bulk ' if bulk else ''}{request.method} {template}"
        self.checked.append(label)
        if response.status_code >= 300 or not response.content:
            if response.status_code >= 400 and _is_json(response):
                # Magento's own errors; a proxy's HTML error page is not Magento's to shape.
                _plain(ERROR_BODY, response.json(), f"{label} error")
            return response
        answer = response.json()
        if bulk:
            _plain(BULK_ACCEPTED, answer, label)
        elif "200" in _document()["paths"][template][request.method.lower()]["responses"]:
            validate_response(template, request.method, answer)
        elif answer not in ([], True):
            # A void service method answers `[]` (reference §1.4).
            raise SchemaMismatch(f"{label}: a void operation answered {answer!r:.80}")
        return response

    def close(self) -> None:
        self.inner.close()


def _is_json(response: httpx.Response) -> bool:
    try:
        response.json()
    except ValueError:
        return False
    return True


def _plain(schema: dict[str, Any], body: Any, label: str) -> None:
    errors = list(jsonschema.Draft4Validator(schema).iter_errors(body))
    if errors:
        raise SchemaMismatch(f"{label}: {errors[0].message}")


# -- clients for the tests -----------------------------------------------------------------------
TOKEN = "s3cr3t-integration-token-4711"


def no_wait(**kwargs: Any) -> RetryPolicy:
    return RetryPolicy(sleep=lambda _: None, **kwargs)


def checked_client(
    handler: Callable[[httpx.Request], httpx.Response],
    *,
    base_url: str = "http://shop.test/acme",
    **kwargs: Any,
) -> tuple[MagentoClient, SchemaCheckingTransport]:
    """A client on a fake Magento (`handler`) with every exchange checked against the schema."""
    transport = SchemaCheckingTransport(httpx.MockTransport(handler))
    options: dict[str, Any] = {"retry": no_wait(max_attempts=3), "token": TOKEN} | kwargs
    return MagentoClient(base_url=base_url, transport=transport, **options), transport


def json_body(request: httpx.Request) -> Any:
    return json.loads(request.content) if request.content else None
