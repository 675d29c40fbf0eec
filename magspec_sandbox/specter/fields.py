"""The numbered and named form fields of the write actions, in Specter's spelling."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from . import assumed
from .errors import ActionRefused
from .protocol import Params, parse_number

# Customer fields of reference 3.1, in Specter's spelling (`deliveryregion` lower-case r).
CUSTOMER_FIELDS: tuple[str, ...] = (
    "currency",
    "language",
    "customerOrganizationalForm",
    "typeCustomer",
    "firstName",
    "surName",
    "contactPerson",
    "name",
    "attention",
    "deliveryAttention",
    "invoiceCompanyName",
    "orgNo",
    "customerGroupId",
    "homepage",
    "emailAddress",
    "phoneNo",
    "mobileNo",
    "vatNo",
    "address",
    "addressRow2",
    "zipCodeEng",
    "city",
    "countryCode",
    "region",
    "deliveryCompanyName",
    "deliveryAddress",
    "deliveryAddressRow2",
    "deliveryZipCodeEng",
    "deliveryCity",
    "deliveryCountryCode",
    "deliveryregion",
)

# Order header fields of reference 3.2 (`webshopId` is stored resolved, see `submit_order`).
ORDER_FIELDS: tuple[str, ...] = (
    "customerId",
    "externalOrderNo",
    "customerOrderReference",
    "currency",
    "language",
    "stocksiteid",
    "payTypeIdentifier",
    "payTypeReference",
    "payTypeIdentifierPaySystemUser",
    "isPrepayment",
    "internalComment",
    "publishedComment",
    "sendOrderMail",
    "sendOrderMailToUser",
    "userSource",
    "preparedShipmentId",
    "externalDeliveryMethod",
)


def customer_name(params: Mapping[str, str]) -> str:
    """The customer-name key subject: company name, or "first last", spaces collapsed."""
    form = params.get("customerOrganizationalForm", "").strip().upper()
    if form == "C":
        raw = params.get("name", "")
    else:
        raw = f"{params.get('firstName', '')} {params.get('surName', '')}"
    return " ".join(part for part in raw.split(" ") if part)


def order_rows(params: Params) -> list[dict[str, Any]]:
    """The numbered rows `articleNo_N`… for N = 1.. up to the first absent articleNo_N."""
    rows = []
    for n in itertools.count(1):
        article_no = params.text(f"articleNo_{n}")
        if not article_no:
            break
        no_of_items = number_field(params, f"noOfItems_{n}")
        if no_of_items is None:
            raise ActionRefused(
                assumed.BAD_FIELD, assumed.bad_field(f"noOfItems_{n}", "is required")
            )
        rows.append(
            {
                "articleNo": article_no,
                "articleName": params.text(f"articleName_{n}"),
                "articleComment": params.text(f"articleComment_{n}"),
                "priceExclVAT": number_field(params, f"priceExclVAT_{n}"),
                "noOfItems": no_of_items,
                "vatPercent": number_field(params, f"vatPercent_{n}"),
            }
        )
    if not rows:
        raise ActionRefused(assumed.BAD_FIELD, assumed.bad_field("articleNo_1", "is required"))
    return rows


def number_field(params: Params, name: str) -> Decimal | None:
    text = params.text(name)
    if not text:
        return None
    try:
        return parse_number(text)
    except ValueError:
        raise ActionRefused(
            assumed.BAD_FIELD, assumed.bad_field(name, f"is not a number: '{text}'")
        ) from None
