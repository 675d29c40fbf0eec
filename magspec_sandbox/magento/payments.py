"""The `payment` object of an order, per payment method (reference §2.2).

Gateway methods (Klarna, Braintree) carry a transaction id and an authorization; offline methods
only their title. `cc_last4` and `account_status` stay null, as real Magento leaves them.
"""

from __future__ import annotations

import random
import uuid
from decimal import Decimal
from typing import Any

from magspec_sandbox.magento import assumed
from magspec_sandbox.magento.items import amount

GATEWAY_METHODS = frozenset({"klarna_kp", "braintree"})


def payment_json(
    rng: random.Random,
    method: str,
    order_id: int,
    grand_total: Decimal,
    paid: bool,
    shipping: Decimal = Decimal(0),
) -> dict[str, Any]:
    title = assumed.PAYMENT_METHODS[method][0] if method in assumed.PAYMENT_METHODS else method
    payment: dict[str, Any] = {
        "entity_id": order_id,
        "parent_id": order_id,
        "method": method,
        "account_status": None,
        "cc_last4": None,
        "additional_information": [title],
        "amount_ordered": amount(grand_total),
        "base_amount_ordered": amount(grand_total),
        "shipping_amount": amount(shipping),
        "base_shipping_amount": amount(shipping),
    }
    if paid:
        payment["amount_paid"] = payment["base_amount_paid"] = amount(grand_total)
    if method in GATEWAY_METHODS:
        transaction = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        if method == "braintree":
            transaction = transaction.replace("-", "")[:8]
        payment["last_trans_id"] = transaction
        payment["amount_authorized"] = payment["base_amount_authorized"] = amount(grand_total)
        payment["additional_information"] = [title, transaction]
        payment["extension_attributes"] = {
            "payment_additional_info": [
                {"key": "method_title", "value": title},
                {"key": "transaction_id", "value": transaction},
            ]
        }
    return payment
