"""The amounts beside articles and shipping, as Magento 2.4.8 Commerce keeps them on an order.

Field names and types follow Adobe's schema (`sales-data-order-interface`, its extension
interface): `shipping_discount_amount` (positive) inside `discount_amount` (negative);
`custom_fees[]` (Admin UI SDK fees, numbers); `gw_*` gift wrapping (strings); `gift_cards[]`
with `gift_cards_amount`; `customer_balance_amount` (store credit); `reward_currency_amount`
(reward points). The arithmetic is Magento's default configuration: discounts apply to prices
excl. tax, tax is computed after the discount, fees are added to the grand total as they are, and
gift cards, store credit and reward points pay part of the grand total after tax.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from magspec_sandbox.magento.items import amount, cents

ZERO = Decimal(0)
# The kinds a generated order may carry, in the order `every` cycles through them.
KINDS = (
    "gift_card",
    "payment_fee",
    "shipping_discount",
    "store_credit",
    "reward",
    "gift_wrapping",
    "mixed_vat",
)
# Reduced Swedish VAT rates that mixed-VAT orders put on some rows (food 12 %, books 6 %).
REDUCED_RATES = (Decimal("0.12"), Decimal("0.06"))


@dataclass
class OrderExtras:
    """What an order carries besides its rows; amounts in the order currency.

    `shipping_discount` and `gift_wrapping` exclude VAT; `payment_fee` is added as it is; the
    three payments are capped at what is left to pay.
    """

    gift_card: Decimal = ZERO
    gift_card_code: str = "GC-0001"
    payment_fee: Decimal = ZERO
    fee_code: str = "payment_fee"
    shipping_discount: Decimal = ZERO
    store_credit: Decimal = ZERO
    reward: Decimal = ZERO
    gift_wrapping: Decimal = ZERO
    tax_rates: tuple[Decimal, ...] = field(default=())

    @classmethod
    def of_kind(cls, kind: str, rng: random.Random, view_rate: Decimal) -> OrderExtras:
        """One kind of extra with a plausible amount (what `InstanceSpec.extras_every` uses)."""
        if kind == "gift_card":
            return cls(gift_card=Decimal(rng.choice((50, 100, 200))), gift_card_code="GC-DEMO")
        if kind == "payment_fee":
            return cls(payment_fee=Decimal(29))
        if kind == "shipping_discount":
            return cls(shipping_discount=Decimal(-1))  # -1: the whole shipping
        if kind == "store_credit":
            return cls(store_credit=Decimal(rng.choice((25, 75))))
        if kind == "reward":
            return cls(reward=Decimal(rng.choice((10, 30))))
        if kind == "gift_wrapping":
            return cls(gift_wrapping=Decimal(40))
        return cls(tax_rates=(view_rate, *REDUCED_RATES))

    @property
    def wants_shipping(self) -> bool:
        return bool(self.shipping_discount)


def apply_shipping_discount(
    extras: OrderExtras, shipping: Decimal, rate: Decimal
) -> tuple[Decimal, Decimal, Decimal]:
    """(shipping discount, shipping tax after it, shipping incl. tax before it)."""
    wanted = shipping if extras.shipping_discount < 0 else extras.shipping_discount
    discount = min(wanted, shipping)
    return discount, cents((shipping - discount) * rate), shipping + cents(shipping * rate)


def add_extension_amounts(
    extension: dict[str, Any], extras: OrderExtras, order_id: int, rate: Decimal
) -> tuple[Decimal, Decimal]:
    """Write fees and gift wrapping into `extension`; returns (added to the grand total, of it
    tax)."""
    added, tax = ZERO, ZERO
    if extras.payment_fee:
        fee = amount(extras.payment_fee)
        extension["custom_fees"] = [
            {
                "id": str(order_id),
                "order_id": str(order_id),
                "custom_fee_code": extras.fee_code,
                "custom_fee_label": "Payment fee",
                "custom_fee_amount": fee,
                "base_custom_fee_amount": fee,
                "custom_fee_amount_invoiced": 0,
                "base_custom_fee_amount_invoiced": 0,
                "custom_fee_amount_refunded": 0,
                "base_custom_fee_amount_refunded": 0,
                "apply_fee_on_last_invoice": False,
                "apply_fee_on_last_creditmemo": False,
            }
        ]
        added += extras.payment_fee
    if extras.gift_wrapping:
        price = cents(extras.gift_wrapping)
        wrap_tax = cents(price * rate)
        for key, value in (
            ("gw_id", "1"),
            ("gw_price", price),
            ("gw_base_price", price),
            ("gw_tax_amount", wrap_tax),
            ("gw_base_tax_amount", wrap_tax),
            ("gw_price_incl_tax", price + wrap_tax),
            ("gw_base_price_incl_tax", price + wrap_tax),
        ):
            extension[key] = f"{value:.2f}" if isinstance(value, Decimal) else value
        added += price + wrap_tax
        tax += wrap_tax
    return added, tax


def apply_payments(extension: dict[str, Any], extras: OrderExtras, total: Decimal) -> Decimal:
    """Gift card, store credit and reward points pay part of `total`; returns what is left."""
    left = total
    if extras.gift_card:
        used = min(cents(extras.gift_card), left)
        extension["gift_cards"] = [
            {
                "id": 1,
                "code": extras.gift_card_code,
                "amount": amount(used),
                "base_amount": amount(used),
            }
        ]
        extension["gift_cards_amount"] = extension["base_gift_cards_amount"] = amount(used)
        left -= used
    if extras.store_credit:
        used = min(cents(extras.store_credit), left)
        extension["customer_balance_amount"] = amount(used)
        extension["base_customer_balance_amount"] = amount(used)
        left -= used
    if extras.reward:
        used = min(cents(extras.reward), left)
        extension["reward_currency_amount"] = amount(used)
        extension["base_reward_currency_amount"] = amount(used)
        left -= used
    return left
