"""What the Magento client assumes where the references are silent or unverified.

Each item says that it is an assumption and which nearest analogue it follows; change it here
once a live instance shows otherwise.
"""

from __future__ import annotations

import re


# ASSUMPTION: the `id` of an operation in `GET /V1/bulk/{uuid}/status` equals the `id` of its
# element in the async answer's `request_items`, which is the element's index in the request
# body. Nearest analogue: `request_items[].id` is the index (reference §7), and Magento 2.4 stores
# that index as the operation key it reports back.
def bulk_operation_id(request_index: int) -> int:
    return request_index


# ASSUMPTION: price storage results send `parameters` as a list while the phrase uses named
# placeholders (`%SKU`, `%storeId`). A list with one value per placeholder occurrence fills them in
# turn; otherwise the list fills the distinct names in order of first appearance. Nearest
# analogue: the reference's result shape `{message:"…%SKU…", parameters:[…]}` (§4) and Magento's
# phrase renderer, which fills by position when the keys are positions.
_NAMED = re.compile(r"%([A-Za-z_]\w*)")


def has_named_placeholders(phrase: str) -> bool:
    return _NAMED.search(phrase) is not None


def fill_named_from_list(phrase: str, values: list[object]) -> tuple[str, dict[str, object]]:
    """The phrase with its named placeholders filled from `values`, and the value per name."""
    occurrences = _NAMED.findall(phrase)
    distinct = list(dict.fromkeys(occurrences))
    if len(values) == len(occurrences) and len(occurrences) != len(distinct):
        turn = iter(values)
        by_name: dict[str, object] = {}

        def each(match: re.Match[str]) -> str:
            value = next(turn)
            by_name.setdefault(match.group(1), value)
            return "" if value is None else str(value)

        return _NAMED.sub(each, phrase), by_name
    by_name = dict(zip(distinct, values, strict=False))

    def named(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in by_name:
            return match.group(0)
        return "" if by_name[name] is None else str(by_name[name])

    return _NAMED.sub(named, phrase), by_name


# ASSUMPTION: attribute option labels are matched case-insensitively and without surrounding
# spaces when deciding whether a value already exists. Nearest analogue: Magento refuses a second
# admin label that differs only in case ("Admin store attribute option label … already exists").
def option_label_key(label: str) -> str:
    return label.strip().casefold()


# ASSUMPTION: `POST /V1/products/attributes/{code}/options` answers the new option id, but some
# 2.3/2.4 releases answer `"id_<n>"` or `"id_new_option"`; anything not a plain number is looked
# up again by label. Nearest analogue: the schema's `string` return type (§3.1).
def option_id_from_answer(answer: object) -> int | None:
    text = str(answer).strip() if answer is not None else ""
    if text.startswith("id_"):
        text = text[3:]
    return int(text) if text.isdigit() else None


# ASSUMPTION: the `{itemId}` segment of `PUT /V1/products/{sku}/stockItems/{itemId}` is not used by
# the service (it updates by SKU), so the item id read from `GET /V1/stockItems/{sku}` is sent.
# Nearest analogue: `StockRegistryInterface::updateStockItemBySku` (reference §5, unverified).
# Applied in `inventory.InventoryApi.update_stock_item`.

# ASSUMPTION: a shop without MSI answers 404 on `GET /V1/inventory/sources`; any other answer
# means MSI is installed. Nearest analogue: reference §5/§9.6 ("MSI may be uninstalled
# (`/V1/inventory/*` → 404)").
MSI_PROBE_PATH = "/V1/inventory/sources"

# ASSUMPTION: the OAuth 1.0a base string uses the request path exactly as sent (a SKU's `/` stays
# `%2F`, so it reads `%252F` in the base string), per RFC 5849 §3.4.1.2. Some Magento versions
# verify against the decoded path instead (magento/magento2#37913, open); on those, signed calls
# to SKUs containing `/` fail with 401 and need a Bearer token instead. Applied in
# `oauth.OAuth1Auth` (the URL is handed to oauthlib as sent).
