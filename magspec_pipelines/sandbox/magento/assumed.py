"""Everything the Magento sandbox does that the references do not pin down.

Each item is an assumption: the comment above it names the nearest analogue it follows. Nothing
else in the sandbox may invent behaviour; when a reference settles one of these, move it out.
"""

from __future__ import annotations

from decimal import Decimal

# Assumption: the sandbox admin user, as in a fresh `bin/magento setup:install --admin-user=admin`
# with the password many Magento tutorials use. Two-factor auth is treated as disabled (the
# `Magento_TwoFactorAuth` module switched off), so the plain admin token route answers.
DEFAULT_ADMIN_USERNAME = "admin"
DEFAULT_ADMIN_PASSWORD = "admin123"

# Assumption: wrong admin credentials answer 401 with the phrase Magento's AdminTokenService throws
# (AuthenticationException); read from memory of the source, not from the reference notes.
ADMIN_SIGN_IN_FAILED = (
    "The account sign-in was incorrect or your account is disabled temporarily. "
    "Please wait and try again later."
)

# Assumption: a query parameter of the wrong type (pageSize=abc, orders/abc) answers 400 with the
# phrase of Magento's ServiceInputProcessor type check (SerializationException), from memory.
INVALID_TYPE = (
    'The "%value" value\'s type is invalid. The "%type" type was expected. Verify and try again.'
)

# Assumption: a sort direction other than ASC/DESC is rejected with 400, following
# Magento\Framework\Api\SortOrder::validateDirection (phrase from memory).
INVALID_SORT_DIRECTION = 'Sort order "%1" is not supported. Verify and try again.'

# Assumption: filtering or sorting on a column the order table does not have fails in SQL, which
# production mode masks as a 500 (ErrorProcessor::maskException, reference §1.4). The report id is
# random in Magento; the sandbox uses a fixed one so answers stay reproducible.
INTERNAL_ERROR = "Internal Error. Details are available in Magento log file. Report ID: %1"
INTERNAL_ERROR_REPORT_ID = "webapi-000000000000a"

# Assumption: an unknown condition_type behaves as `eq`. Magento's MySQL adapter
# (prepareSqlCondition) turns a condition it does not know into a plain value comparison.
UNKNOWN_CONDITION_TYPE = "eq"

# Assumption: string comparisons in filters ignore case, as MySQL's utf8 *_general_ci collation
# that Magento's sales tables use does.
CASE_INSENSITIVE_TEXT = True

# Assumption: with input limits on and no pageSize, the default page size (20) is set on the
# search criteria object by the limiter plugin, so it is echoed as `page_size` like a sent one.
ECHO_DEFAULT_PAGE_SIZE = True

# Assumption: the store code `default` always resolves (to the first store view) even when no
# store view carries that code, as Magento always has a `default` store view.
DEFAULT_STORE_ALIAS = "default"

# Assumption: one store group per website, code `<website_code>_store`, name
# `<website name> Store`, as Magento's "Main Website" / "Main Website Store" pair.
# Root category 2 is Luma's "Default Category".
ROOT_CATEGORY_ID = 2

# Assumption: Luma's catalog prices are US dollars; other currencies get a fixed factor so that
# prices look local (SEK 10x). Magento itself would hold a price per website or convert by rate.
CURRENCY_FACTOR: dict[str, Decimal] = {
    "USD": Decimal("1"),
    "EUR": Decimal("1"),
    "GBP": Decimal("1"),
    "SEK": Decimal("10"),
    "NOK": Decimal("10"),
    "DKK": Decimal("7"),
}

# Assumption: catalog prices exclude tax and discounts apply to prices excluding tax, Magento's
# defaults (tax/calculation/price_includes_tax = 0, tax/calculation/discount_tax = 0). Shipping is
# taxed at the store view's rate, as a Swedish shop configures it (Magento's default is untaxed).
SHIPPING_TAXED = True

# Assumption: flat-rate shipping per order (carriers/flatrate/type = O) of 5 dollars before the
# currency factor, and free shipping above a subtotal of 150 dollars, as in the Luma demo shop.
FLAT_RATE_USD = Decimal("5")
FREE_SHIPPING_FROM_USD = Decimal("150")

# Assumption: attribute and option ids of Luma's configurable attributes. Luma installs `color`
# as attribute 93 and `size` as 144; option ids follow insertion order (colours alphabetically
# from 49, sizes in the order of ConfigurableSampleData__attributes.csv from 166).
COLOR_ATTRIBUTE_ID = 93
SIZE_ATTRIBUTE_ID = 144
FIRST_COLOR_OPTION_ID = 49
FIRST_SIZE_OPTION_ID = 166

# Assumption: increment ids are `<store id>` followed by eight digits (the reference says
# 1xxxxxxxx / 2xxxxxxxx per store by default).
INCREMENT_ID_DIGITS = 8

# Assumption: the share of each status among generated orders. The reference lists the statuses;
# the weights are a plausible live shop where most orders are paid and waiting for shipment.
STATUS_WEIGHTS: dict[str, int] = {
    "processing": 60,
    "pending": 12,
    "pending_payment": 5,
    "complete": 13,
    "canceled": 6,
    "holded": 4,
}

# Assumption: payment method titles as Magento's payment config names them; Magento copies the
# title into additional_information for offline methods. Klarna and Braintree weights follow a
# Swedish shop where Klarna dominates.
PAYMENT_METHODS: dict[str, tuple[str, int]] = {
    "klarna_kp": ("Klarna", 40),
    "checkmo": ("Check / Money order", 15),
    "banktransfer": ("Bank Transfer Payment", 15),
    "braintree": ("Credit Card (Braintree)", 20),
    "cashondelivery": ("Cash On Delivery", 10),
}

# Assumption: coupon codes used for discounted orders, with their percent.
COUPONS: dict[str, int] = {"SOMMAR10": 10, "VIP15": 15, "WELCOME20": 20}

# Assumption: customer group ids of a default install (0 NOT LOGGED IN, 1 General, 2 Wholesale).
GROUP_GUEST = 0
GROUP_GENERAL = 1
GROUP_WHOLESALE = 2

# Assumption: B2B shares and the non-Latin-1 cadence stated in the brief, kept here so a change of
# mix is one edit.
GUEST_SHARE = 0.20
COMPANY_SHARE = 0.15
DISCOUNT_SHARE = 0.30
NON_LATIN1_EVERY = 15

# Assumption: bodies are encoded as PHP's json_encode does by default (Magento's REST renderer
# uses it without flags): non-ASCII as \uXXXX escapes (surrogate pairs for emoji) and `/` as `\/`.
ESCAPE_LIKE_PHP = True
