"""The configurable attributes `color` and `size` with their options (reference §3.1, §3.2).

Seeded from Luma (ConfigurableSampleData__attributes.csv and the colours its products use), with
the option ids the order generator already puts on configurable order rows.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from magspec_sandbox.magento import assumed, errors
from magspec_sandbox.magento.items import ProductIds
from magspec_sandbox.magento.routing import Call, route

PRODUCT_ATTRIBUTES = "Magento_Catalog::attributes_attributes"


@dataclass
class Attribute:
    attribute_id: int
    code: str
    label: str
    options: dict[int, str] = field(default_factory=dict)  # option id → admin label

    def option_id(self, label_or_id: str) -> int | None:
        """The option with that id (as text) or label (case-insensitive)."""
        text = str(label_or_id).strip()
        if text.isdigit() and int(text) in self.options:
            return int(text)
        folded = text.casefold()
        return next((k for k, v in self.options.items() if v.casefold() == folded), None)

    def options_json(self) -> list[dict[str, Any]]:
        return [
            {"label": label, "value": str(option_id), "sort_order": n, "is_default": False,
             "store_labels": []}
            for n, (option_id, label) in enumerate(self.options.items())
        ]  # fmt: skip

    def json(self) -> dict[str, Any]:
        return {
            "attribute_id": self.attribute_id,
            "attribute_code": self.code,
            "frontend_input": "select",
            "default_frontend_label": self.label,
            "frontend_labels": [],
            "is_required": False,
            "is_user_defined": True,
            "scope": "global",
            "entity_type_id": str(assumed.PRODUCT_ENTITY_TYPE_ID),
            "backend_type": "int",
            "options": self.options_json(),
        }


class Attributes:
    """The select attributes of one instance; new options get the next free option id."""

    def __init__(self, ids: ProductIds) -> None:
        self._lock = threading.Lock()
        self.by_code: dict[str, Attribute] = {
            "color": Attribute(
                assumed.COLOR_ATTRIBUTE_ID, "color", "Color", {v: k for k, v in ids.colors.items()}
            ),
            "size": Attribute(
                assumed.SIZE_ATTRIBUTE_ID, "size", "Size", {v: k for k, v in ids.sizes.items()}
            ),
        }
        used = [o for a in self.by_code.values() for o in a.options]
        self._next_option = max(used, default=0) + 1

    def get(self, code: str) -> Attribute:
        attribute = self.by_code.get(code)
        if attribute is None:
            raise errors.NoSuchEntityError(assumed.NO_SUCH_ATTRIBUTE, [code])
        return attribute

    def by_id(self, attribute_id: int | str) -> Attribute | None:
        return next(
            (a for a in self.by_code.values() if str(a.attribute_id) == str(attribute_id)), None
        )

    def add_option(self, code: str, label: str) -> int:
        attribute = self.get(code)
        with self._lock:
            if attribute.option_id(label) is not None and not label.isdigit():
                raise errors.InputError(assumed.OPTION_LABEL_EXISTS, [label])
            option_id = self._next_option
            self._next_option += 1
            attribute.options[option_id] = label
            return option_id


def _get_attribute(call: Call) -> Any:
    return call.inst.attributes.get(call.params["attributeCode"]).json()


def _get_options(call: Call) -> Any:
    return call.inst.attributes.get(call.params["attributeCode"]).options_json()


def _add_option(call: Call) -> Any:
    option = call.field("option")
    label = option.get("label") if isinstance(option, dict) else None
    if not isinstance(label, str) or not label.strip():
        raise errors.required("label")
    # 2.4 answers the new option id as a string (the schema's return type).
    return str(call.inst.attributes.add_option(call.params["attributeCode"], label.strip()))


ROUTES = (
    route("GET", "/V1/products/attributes/{attributeCode}", _get_attribute, PRODUCT_ATTRIBUTES),
    route(
        "GET", "/V1/products/attributes/{attributeCode}/options", _get_options, PRODUCT_ATTRIBUTES
    ),
    route(
        "POST", "/V1/products/attributes/{attributeCode}/options", _add_option, PRODUCT_ATTRIBUTES
    ),
)
