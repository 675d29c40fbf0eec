"""Relaxed validation of Magento request and response bodies against Adobe's 2.4.8 admin schema.

Real Magento sends `null` where the schema allows none and leaves out properties the schema calls
required (reference §8.1), so the schema is relaxed before use: `required` lists are dropped and
every typed value may also be null. Error bodies are not validated: their `parameters` is a list
or an object in practice, never the schema's array of records.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

SCHEMA_PATH = (
    Path(__file__).resolve().parents[1]
    / "reference"
    / "magento"
    / "adobe-commerce-2.4.8-admin-openapi.json"
)
_REF_PREFIX = "#/components/schemas/"


class SchemaMismatch(AssertionError):
    """A response body the schema rejects."""


def _relax(node: Any) -> Any:
    if isinstance(node, list):
        return [_relax(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _relax(value) for key, value in node.items() if key != "required"}
    if isinstance(node.get("type"), str):
        out["type"] = [node["type"], "null"]
    if "enum" in out:
        out["enum"] = [*out["enum"], None]
    return out


@cache
def _document() -> dict[str, Any]:
    with open(SCHEMA_PATH, encoding="utf-8") as fh:
        return json.load(fh)


@cache
def _relaxed_components() -> dict[str, Any]:
    return {"schemas": _relax(_document()["components"]["schemas"])}


def _validator(schema: dict[str, Any]) -> jsonschema.protocols.Validator:
    # The component definitions ride along so that `#/components/schemas/...` refs resolve.
    root = {**copy.deepcopy(schema), "components": _relaxed_components()}
    return jsonschema.Draft4Validator(root)


def schema_for(name: str) -> dict[str, Any]:
    """The relaxed schema of component `name` (e.g. `sales-data-order-interface`)."""
    if name not in _document()["components"]["schemas"]:
        raise KeyError(f"no schema component named {name!r}")
    return {"$ref": f"{_REF_PREFIX}{name}"}


def validate_schema(name: str, body: Any) -> None:
    """Validate `body` against component `name`, relaxed; raise SchemaMismatch on a mismatch."""
    _check(schema_for(name), body, name)


def validate_response(path_template: str, method: str, body: Any) -> None:
    """Validate a 200 body of `method path_template` (e.g. `GET /V1/orders/{id}`), relaxed."""
    operation = _operation(path_template, method)
    response = operation["responses"].get("200")
    if response is None:
        raise KeyError(f"{method.upper()} {path_template} has no 200 response in the schema")
    schema = response["content"]["application/json"]["schema"]
    _check(_relax(schema), body, f"{method.upper()} {path_template}")


def validate_request(path_template: str, method: str, body: Any) -> None:
    """Validate a request body sent to `method path_template`, relaxed the same way.

    Magento enforces only the service method's parameters, never the schema's `required` lists
    (reference §1.4), so the relaxed form is the faithful one here too.
    """
    operation = _operation(path_template, method)
    request_body = operation.get("requestBody")
    if request_body is None:
        raise KeyError(f"{method.upper()} {path_template} takes no body in the schema")
    ref = request_body.get("$ref")
    if isinstance(ref, str):
        request_body = _document()["components"]["requestBodies"][ref.rsplit("/", 1)[-1]]
    schema = request_body["content"]["application/json"]["schema"]
    _check(_relax(schema), body, f"request {method.upper()} {path_template}")


def _operation(path_template: str, method: str) -> dict[str, Any]:
    operations = _document()["paths"].get(path_template)
    if operations is None:
        raise KeyError(f"the schema has no path {path_template!r}")
    operation = operations.get(method.lower())
    if operation is None:
        raise KeyError(f"the schema has no {method.upper()} {path_template}")
    return operation


def _check(schema: dict[str, Any], body: Any, label: str) -> None:
    errors = sorted(_validator(schema).iter_errors(body), key=lambda e: list(e.absolute_path))
    if errors:
        lines = [f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in errors]
        shown = "\n  ".join(lines[:10])
        raise SchemaMismatch(f"{label}: {len(errors)} schema mismatch(es)\n  {shown}")


def checked(
    send: Any,
    method: str,
    template: str,
    path: str,
    body: Any = None,
    status: int = 200,
    **kwargs: Any,
) -> Any:
    """Send a request through `send(method, path, json=..., **kwargs)` and check both ends.

    The body sent is validated against the schema's request body, a 200 answer against its
    response (void methods have none in the schema); an error answer must have Magento's `{"message", "parameters"?}` shape (§1.4).
    """
    if body is not None:
        validate_request(template, method, body)
        kwargs["json"] = body
    response = send(method, path, **kwargs)
    assert response.status_code == status, f"{response.status_code}: {response.text}"
    payload = response.json()
    if status == 200 and "200" in _operation(template, method)["responses"]:
        validate_response(template, method, payload)
    elif status >= 400:
        assert isinstance(payload, dict) and isinstance(payload.get("message"), str), payload
        assert isinstance(payload.get("parameters", []), list | dict), payload
    return payload
