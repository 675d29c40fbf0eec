"""What the order status flow assumes that no reference settles.

Each item is an assumption, marked as such, with the nearest analogue it follows. The Specter
side's own assumptions (the `P` delivery status, the `paid` flag, the delivery's `deliveryNo`
and rows) live in `specter/assumed.py`; the ones here are the flow's decisions on top of them.
"""

from __future__ import annotations

# ASSUMPTION: Magento payment methods that authorize at checkout and capture later through a
# payment provider (so `capture: false` on their invoice would forfeit the money). Follows the
# methods Magento's own Payment module flags `can_capture` for in the extensions merchants use
# most (Klarna, Braintree, Adyen, Stripe, PayPal Express); a tenant names any other in its
# `order_status.capture` map.
GATEWAY_METHODS: frozenset[str] = frozenset(
    {
        "klarna_kp",
        "braintree",
        "braintree_paypal",
        "adyen_cc",
        "adyen_hpp",
        "stripe_payments",
        "paypal_express",
    }
)

# ASSUMPTION: offline methods, where an invoice only records that the money is (to be) paid:
# Magento's own offline payment methods (Magento_OfflinePayments) plus `free`.
OFFLINE_METHODS: frozenset[str] = frozenset(
    {"checkmo", "banktransfer", "cashondelivery", "purchaseorder", "free"}
)

# ASSUMPTION: a payment whose answer shows an authorization or a provider transaction is a
# gateway payment even when its method is not in GATEWAY_METHODS (follows Magento's Payment
# model, where `amount_authorized` and `last_trans_id` are only set by online methods). Used to
# refuse an offline invoice that would make the later capture impossible.
GATEWAY_PAYMENT_FIELDS: tuple[str, ...] = ("amount_authorized", "base_amount_authorized")

# ASSUMPTION: the Specter event a shipment or invoice was made for is written into the
# document's comment (`Specter delivery 12`, `Specter invoice 5`); after a lost answer the
# order's shipments or invoices are read back and the one carrying that text is the one already
# made. Follows S1, which keeps the delivery number against the shop's shipment, and Magento's
# own "append comment" on ship and invoice.
DOCUMENT_MARKER = "Specter {what}"

# ASSUMPTION: a delivery without a `deliveryNo` is identified by its date, rows and tracking
# numbers (a hash of them); a delivery is never changed after it is registered in Specter.
DELIVERY_KEY_PREFIX = "delivery:"

# ASSUMPTION: carrier code for a Specter delivery method the tenant did not map: `custom` with
# the delivery method as the title (Magento's own catch-all carrier for free-text tracking).
DEFAULT_CARRIER_CODE = "custom"

# ASSUMPTION: the order check looks back this many days of staged Specter events; older
# deliveries were checked by earlier runs (follows the order flow's per-day reconciliation).
CHECK_LOOKBACK_DAYS = 30
