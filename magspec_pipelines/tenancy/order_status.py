"""Tenant settings: what Specter's order events do in Magento.

Per event (delivered, partly delivered, invoiced, paid, cancelled) the Magento actions that run
and whether the customer gets an e-mail; per Magento payment method how an invoice takes the
money (`online` capture at the payment provider, `offline`, or `none`); per Specter delivery
method the carrier code tracking numbers travel with.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

# A leaf module without imports: the flow and this validation read the same assumed lists.
from magspec_pipelines.tenancy.status_assumed import DEFAULT_CARRIER_CODE, GATEWAY_METHODS
from magspec_pipelines.tenancy.validators import STATUS, FieldProblems, Path, check_env_name, fail

Action = Literal["ship", "invoice", "comment", "cancel"]
CaptureMode = Literal["online", "offline", "none"]
ACTIONS: tuple[str, ...] = ("ship", "invoice", "comment", "cancel")
CAPTURE_MODES: tuple[str, ...] = ("online", "offline", "none")
# Which actions make sense for which event: a shipment needs delivered rows, a cancellation a
# cancelled order.
ALLOWED_ACTIONS: dict[str, tuple[str, ...]] = {
    "delivered": ("ship", "invoice", "comment"),
    "partly_delivered": ("ship", "invoice", "comment"),
    "invoiced": ("invoice", "comment"),
    "paid": ("invoice", "comment"),
    "cancelled": ("cancel", "comment"),
}
_CARRIER_CODE = STATUS  # lower-case letter first, then letters, digits, underscores


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class EventRule(_Model):
    """What one kind of event does. `comment` may use {order_no}, {invoice_no}, {delivery_no},
    {tracking}; `status` is set with the comment when the order's state allows it."""

    actions: list[Action] = Field(default_factory=list)
    notify: bool = False
    comment: str = ""
    status: str | None = None

    @field_validator("actions", mode="before")
    @classmethod
    def _known(cls, value: object) -> object:
        if isinstance(value, list):
            problems: list[tuple[Path, str]] = [
                ((i,), f"{a!r} is not an action (allowed: {' '.join(ACTIONS)})")
                for i, a in enumerate(value)
                if a not in ACTIONS
            ]
            if problems:
                raise FieldProblems(problems)
        return value

    @field_validator("status")
    @classmethod
    def _status(cls, value: str | None) -> str | None:
        if value is not None and not STATUS.fullmatch(value):
            raise fail(f"{value!r} is not a Magento status code (allowed: e.g. complete, shipped)")
        return value


class Carrier(_Model):
    code: str
    title: str = ""

    @field_validator("code")
    @classmethod
    def _code(cls, value: str) -> str:
        if not _CARRIER_CODE.fullmatch(value):
            raise fail(
                f"{value!r} is not a carrier code (allowed: lower-case letter first, then "
                "lower-case letters, digits or underscores, e.g. postnord, dhl, custom)"
            )
        return value


def _rule(*actions: str, notify: bool = False, comment: str = "") -> EventRule:
    return EventRule.model_validate(
        {"actions": list(actions), "notify": notify, "comment": comment}
    )


class OrderStatusSettings(_Model):
    delivered: EventRule = Field(default_factory=lambda: _rule("ship", "invoice", notify=True))
    partly_delivered: EventRule = Field(
        default_factory=lambda: _rule("ship", "invoice", notify=True)
    )
    invoiced: EventRule = Field(
        default_factory=lambda: _rule(
            "comment", comment="Invoiced in Specter: invoice {invoice_no}"
        )
    )
    paid: EventRule = Field(
        default_factory=lambda: _rule("comment", comment="Paid in Specter: invoice {invoice_no}")
    )
    cancelled: EventRule = Field(default_factory=lambda: _rule("cancel"))
    # Magento payment method → how an invoice takes the money. Methods not named here: gateways
    # online, Magento's offline methods offline (see tenancy/status_assumed.py), others parked.
    capture: dict[str, CaptureMode] = Field(default_factory=dict)
    # Specter delivery method (as staff pick it) → the carrier tracking numbers travel with.
    carriers: dict[str, Carrier] = Field(default_factory=dict)
    default_carrier: Carrier = Field(default_factory=lambda: Carrier(code=DEFAULT_CARRIER_CODE))
    # Env var holding the secret Specter's callbacks carry as `pskey`. Required (see Tenant)
    # when the order status flow runs: the callback receiver refuses calls without it.
    callback_secret_env: str | None = None
    # Change batches drained per run; the rest waits for the next run.
    max_batches: int = Field(default=20, ge=1, le=500)

    @field_validator("capture", mode="before")
    @classmethod
    def _capture(cls, value: object) -> object:
        if not isinstance(value, dict):
            return value
        problems: list[tuple[Path, str]] = []
        for method, mode in value.items():
            if mode not in CAPTURE_MODES:
                why = f"{mode!r} is not a capture mode (allowed: {' '.join(CAPTURE_MODES)})"
                problems.append(((method,), why))
            elif mode == "offline" and method in GATEWAY_METHODS:
                why = (
                    f"offline would mark a {method} payment paid without taking the money and "
                    "make the later capture impossible (allowed: online or none)"
                )
                problems.append(((method,), why))
        if problems:
            raise FieldProblems(problems)
        return value

    @field_validator("callback_secret_env")
    @classmethod
    def _env(cls, value: str | None) -> str | None:
        return None if value is None else check_env_name(value)

    @model_validator(mode="after")
    def _actions_fit_events(self) -> OrderStatusSettings:
        problems: list[tuple[Path, str]] = []
        for event, allowed in ALLOWED_ACTIONS.items():
            rule: EventRule = getattr(self, event)
            for i, action in enumerate(rule.actions):
                if action not in allowed:
                    why = f"{action!r} cannot run on a {event} event (allowed: {' '.join(allowed)})"
                    problems.append(((event, "actions", i), why))
            if "comment" in rule.actions and not rule.comment.strip():
                why = "is required when the actions include comment (the text to add)"
                problems.append(((event, "comment"), why))
        if problems:
            raise FieldProblems(problems)
        return self

    def rule(self, event: str) -> EventRule:
        return getattr(self, event)

    def carrier_for(self, delivery_method: str | None) -> Carrier:
        if delivery_method and delivery_method in self.carriers:
            return self.carriers[delivery_method]
        if delivery_method and delivery_method.lower() in self.carriers:
            return self.carriers[delivery_method.lower()]
        default = self.default_carrier
        if delivery_method and not default.title:
            return Carrier(code=default.code, title=delivery_method)
        return default
