"""Magento Web API errors as the sandbox raises and renders them (reference §1.4).

The body carries the raw, unrendered phrase plus `parameters` to fill it, exactly as Magento's
REST renderer does; the HTTP status follows ErrorProcessor::maskException.
"""

from __future__ import annotations

from typing import Any

from magspec_sandbox.magento import assumed

NO_ROUTE = "Request does not match any route."
NOT_AUTHORIZED = "The consumer isn't authorized to access %resources."
NO_SUCH_ENTITY = "The entity that was requested doesn't exist. Verify the entity and try again."
REQUIRED_FIELD = '"%fieldName" is required. Enter and try again.'
MAX_PAGE_SIZE = "Maximum SearchCriteria pageSize is %max"


class WebapiError(Exception):
    """An error Magento answers with a JSON body `{"message", "parameters"?}`."""

    status = 400

    def __init__(
        self,
        message: str,
        parameters: dict[str, Any] | list[Any] | None = None,
        errors: list[dict[str, Any]] | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.parameters = parameters
        self.errors = errors  # only aggregate exceptions carry them (§1.4)

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {"message": self.message}
        if self.parameters is not None:
            out["parameters"] = self.parameters
        if self.errors:
            out["errors"] = self.errors
        return out

    def rendered(self) -> str:
        """The message with its placeholders filled, as Magento logs it."""
        return render(self.message, self.parameters)


class InputError(WebapiError):
    status = 400


class AuthorizationError(WebapiError):
    status = 401


class NoSuchEntityError(WebapiError):
    status = 404


class NoRouteError(WebapiError):
    status = 404

    def __init__(self) -> None:
        super().__init__(NO_ROUTE)


class InternalError(WebapiError):
    status = 500

    def __init__(self) -> None:
        super().__init__(assumed.INTERNAL_ERROR, [assumed.INTERNAL_ERROR_REPORT_ID])


def render(message: str, parameters: dict[str, Any] | list[Any] | None) -> str:
    text = message
    if isinstance(parameters, dict):
        for key in sorted(parameters, key=lambda k: -len(str(k))):
            text = text.replace(f"%{key}", str(parameters[key]))
    elif isinstance(parameters, list):
        for index in range(len(parameters), 0, -1):
            text = text.replace(f"%{index}", str(parameters[index - 1]))
    return text


def not_authorized(resource: str) -> AuthorizationError:
    return AuthorizationError(NOT_AUTHORIZED, {"resources": resource})


def required(field_name: str) -> InputError:
    return InputError(REQUIRED_FIELD, {"fieldName": field_name})


def invalid_type(value: str, type_name: str) -> InputError:
    return InputError(assumed.INVALID_TYPE, {"value": value, "type": type_name})


class SandboxError(Exception):
    """A misuse of the sandbox's own (admin or Python) interface, not a Magento answer."""


class UnknownInstance(SandboxError, KeyError):
    pass


class UnknownStoreView(SandboxError, KeyError):
    pass


class UnknownOrder(SandboxError, KeyError):
    pass


class InvalidSetting(SandboxError, ValueError):
    pass
