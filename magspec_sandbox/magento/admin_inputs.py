"""The bodies of the Magento sandbox's admin routes (`admin.py`) and of its settings, as pydantic
models; `magspec_sandbox.validation.parse` turns what does not fit into one 400 sentence."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BeforeValidator, ConfigDict, Field, StrictBool, StrictInt, StrictStr

from magspec_sandbox.magento.order_actions import COMMENT_RULES
from magspec_sandbox.validation import Body


def _processing_if_empty(value: object) -> object:
    return value or "processing"


class PlaceOrders(Body):
    """`count` new orders through the storefront, in a store view, left in `status`."""

    count: StrictInt = Field(1, ge=1)
    store_code: StrictStr | None = None
    status: Annotated[StrictStr, BeforeValidator(_processing_if_empty)] = "processing"


class StatusChange(Body):
    """An order moved to `status` (and `state`, when given) as an admin user would."""

    status: StrictStr = Field(min_length=1)
    state: StrictStr | None = None


class SettingsChanges(Body):
    """The switches of `state.Settings` that a PATCH may change (only those sent are changed)."""

    model_config = ConfigDict(extra="forbid")

    input_limits: StrictBool = False
    integration_as_bearer: StrictBool = True
    clamp_past_end_page: StrictBool = True
    comment_status_rule: Literal[COMMENT_RULES] = "state"  # type: ignore[valid-type]
    bulk_delay_seconds: float = Field(0.0, ge=0, strict=True)
