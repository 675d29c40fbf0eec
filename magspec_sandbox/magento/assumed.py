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

# Assumption: the phrase of Magento's input-limit validator (EntityArrayValidator) when an array
# holds more entities than allowed (§1.5 names the limit, not the phrase; from memory).
MAX_ITEMS_OF_TYPE = 'Maximum items of type "%type" is %max'

# Assumption: a body that is not valid JSON answers 400 with the phrase of Magento's JSON
# deserializer (Webapi\Rest\Request\Deserializer\Json), from memory.
MALFORMED_BODY = "Decoding error: \nSyntax error"

# Assumption: OAuth failures answer 401 with the phrases of Magento\Framework\Oauth\Oauth (from
# memory of the source); only "Signature method %1 is not supported" is in the notes (§1.2).
OAUTH_MISSING_PARAMETER = '"%1" is required. Enter and try again.'
OAUTH_INVALID_CONSUMER = "A consumer having the specified key does not exist"
OAUTH_INVALID_TOKEN = "The token is not valid"
OAUTH_INVALID_SIGNATURE = "The signature is invalid. Verify and try again."
OAUTH_NONCE_USED = 'The nonce is already being used by the consumer with ID "%1".'

# Assumption: price scope per website (catalog/price/scope = 1). Magento's default is global, but
# a shop selling in SEK and EUR on two websites, as the seed does, needs website prices (§3.3).
PRICE_SCOPE_WEBSITE = True

# Assumption: ids of Luma's attribute sets (Default 4, then Top, Bottom and Gear in the order the
# sample-data installer creates them), and the product entity type id 4 of a default install.
DEFAULT_ATTRIBUTE_SET_ID = 4
ATTRIBUTE_SET_IDS: dict[str, int] = {"Default": 4, "Top": 9, "Bottom": 10, "Gear": 11, "Bag": 15}
PRODUCT_ENTITY_TYPE_ID = 4

# Assumption: catalog error phrases not quoted in the notes, from memory of ProductRepository,
# the EAV attribute repositories and ConfigurableProduct\Model\LinkManagement / OptionRepository.
ATTRIBUTE_VALUE_EMPTY = 'The "%1" attribute value is empty. Set the attribute and try again.'
NO_SUCH_ATTRIBUTE = (
    'The attribute with a "%1" attributeCode doesn\'t exist. Verify the attribute and try again.'  # noqa: E501
)
OPTION_LABEL_EXISTS = 'Admin store attribute option label "%1" is already exists.'
NO_SUCH_WEBSITE = "The website with the specified ID was not found. Verify the ID and try again."
INVALID_CHILD_ID = 'The product with the "%1" ID doesn\'t exist.'
INVALID_OPTION_ATTRIBUTE = 'Invalid value of "%1" provided for the attribute_id field.'
OPTION_ALREADY_EXISTS = "Something went wrong while saving option."
CHILD_LACKS_ATTRIBUTE = (
    'The child product doesn\'t have the "%1" attribute value. Verify the value and try again.'  # noqa: E501
)
CHILD_NOT_LINKED = "The option that was requested doesn't exist. Verify the entity and try again."

# Assumption: the failed-row phrases of the price storage validators (§4 quotes only the store
# one and the start of the duplicate one). `parameters` is sent as the list of placeholder values
# in order, the schema's string array, rather than PHP's keyed array.
BASE_PRICE_INVALID = (
    "Invalid attribute %fieldName = %fieldValue. Row ID: SKU = %SKU, Store ID: %storeId."  # noqa: E501
)
TIER_PRICE_INVALID = "Invalid attribute %fieldName = %fieldValue. Row ID: SKU = %SKU, Website ID: %websiteId, Customer Group: %customerGroup, Quantity: %qty."  # noqa: E501
TIER_PRICE_DUPLICATE = "We found a duplicate website, tier price, customer group and quantity: Customer Group = %customerGroup, Website ID = %websiteId, Quantity = %qty. Row ID: SKU = %SKU, Website ID: %websiteId, Customer Group: %customerGroup, Quantity: %qty."  # noqa: E501
SPECIAL_PRICE_INVALID = "Invalid attribute %fieldName = %fieldValue. Row ID: SKU = %SKU, Store ID: %storeId, Price From: %priceFrom, Price To: %priceTo."  # noqa: E501
# Assumption: the *-information endpoints throw NoSuchEntityException for unknown SKUs (§4 says
# "throws"); the phrase is InvalidSkuProcessor's, from memory.
SKUS_NOT_FOUND = "Requested products don't exist: %sku"

# Assumption: customer groups of a default install use the tax class "Retail Customer" (id 3).
RETAIL_CUSTOMER_TAX_CLASS_ID = 3
RETAIL_CUSTOMER_TAX_CLASS_NAME = "Retail Customer"

# Assumption: MSI error phrases, from memory of the Inventory modules' validators.
NO_SUCH_SOURCE = 'Source with code "%1" does not exist.'
NO_SUCH_STOCK = 'Stock with id "%1" does not exist.'
SOURCE_ITEM_FIELD_EMPTY = '"%1" can not be empty.'
VALIDATION_FAILED = "Validation Failed"

# Assumption: ship/invoice validation phrases. The notes give only the prefix "Shipment Document
# Validation Error(s):" (§2.4); the invoice prefix and the reasons follow the same validators.
SHIP_ERROR = "Shipment Document Validation Error(s):\n"
INVOICE_ERROR = "Invoice Document Validation Error(s):\n"
DOCUMENT_NOT_ALLOWED = "The order does not allow a document to be created."
DOCUMENT_ITEM_INVALID = 'The order item "%1" cannot be used; use the parent (top-level) item.'
DOCUMENT_QTY_INVALID = 'The quantity for order item "%1" is more than what remains.'
UNKNOWN_SOURCE = 'Source with code "%1" does not exist.'

# Assumption: async bulk bookkeeping (§7 lists the fields, not their values): operations are run
# as the integration (user type 1, user id of the integration 1), a success reads as Magento's
# consumer writes it, and an element that cannot be an operation is rejected with this phrase.
BULK_USER_TYPE_INTEGRATION = 1
BULK_USER_ID = 1
BULK_SUCCESS = "Service execution success %1"
BULK_REJECTED = 'Error processing request: "%1" is required.'
NO_SUCH_BULK = "Bulk uuid %1 not exist"

# ASSUMPTION: the arithmetic of the amounts beside articles (order_extras.py follows it):
# `custom_fees` are added to the grand total as they are (the schema gives them no tax field);
# gift-wrapping tax is part of `tax_amount`; gift cards, then store credit, then reward points pay
# part of the total after tax and lower `grand_total`; a shipping discount is excl. tax and the
# shipping tax is computed after it while `shipping_incl_tax` stays before it (Magento's default
# "apply customer tax after discount"). Follows Magento's total collectors as their fields name.
# (A rule of order_money.py, not a value: nothing to switch here.)
