"""What the Specter client assumes about Specter that no public source shows.

Each item is an assumption, marked as such, with the nearest analogue it follows. The sandbox
keeps the same agreed list in its own `assumed.py`, written separately, so that a misreading on
either side fails a test. When Specter's own documentation turns up, this is the list to check.
"""

from __future__ import annotations

import re

# ASSUMPTION: every failure answer in text mode is `0;<code>;<message>`, the code in the id slot;
# follows the one verified failure, S1's `0;99;…'<batchNo>'…`.
# ASSUMPTION: protocol answers (failures included) come with HTTP 200; follows classic ASP, which
# writes its answer into a 200 page, and S1, which never reads the status code. Any other status
# is therefore a transport-level problem, not a Specter answer.

# ASSUMPTION: the failure codes below (only 99 is verified, S1). They follow the agreed project
# table; the numbering style follows 99's.
CODE_INVALID_KEY = 10  # wrong key, or unknown sbmId / apiUserId
CODE_CUSTOMER_NOT_FOUND = 20  # customerId on an order is unknown
CODE_UNKNOWN_ARTICLE = 30  # "articles must exist" is verified (S3); code and text are not
CODE_DUPLICATE_ORDER = 40  # externalOrderNo already used, no ignoreExternalOrderNoControl
CODE_ALREADY_INVOICED = 41  # newInvoiceSubmit on an order with nothing left to invoice
CODE_ORDER_NOT_FOUND = 42  # newInvoiceSubmit / delivery on an unknown order
CODE_VALIDATION = 50  # a required field missing or malformed (incl. an unknown webshopId)

# ASSUMPTION: the message texts of those codes, agreed with the sandbox; the duplicate and
# already-invoiced answers name the existing document so a caller that lost the first answer can
# bind it (follows Fortnox, whose errors name the conflicting document). The patterns read the
# ids out of them; a message that does not match leaves the id unknown (None).
CUSTOMER_NOT_FOUND = re.compile(r"Customer '(?P<customer_id>[^']*)' does not exist")
UNKNOWN_ARTICLE = re.compile(r"Article '(?P<article_no>[^']*)' does not exist")
DUPLICATE_ORDER = re.compile(
    r"externalOrderNo '(?P<external_order_no>[^']*)' already exists: orderNo (?P<order_no>\d+)"
)
ALREADY_INVOICED = re.compile(
    r"Order (?P<order_no>\d+) has nothing left to invoice: invoiceNo (?P<invoice_no>\d+)"
)
VALIDATION = re.compile(r"Field '(?P<field>[^']*)'")

# ASSUMPTION: the XML answer (`useXML=2`) to a write carries the new id in an `<id>` element next
# to `<result>1</result>`; S2 only checks `result`, so the id's element name is unknown. The
# client sends `useXML=1` (text, as S1 does) and reads XML only when it gets XML anyway.
XML_ID_ELEMENTS = ("id", "orderNo", "customerId", "invoiceNo")

# ASSUMPTION: prices travel with 3 decimals (verified for `priceExclVAT_N`, S1), and quantities
# as plain decimals without trailing zeros ("2", "1.5"); no source shows how `noOfItems_N` is
# formatted, this follows S1, which sends the shop's quantity as it is (an integer).
PRICE_DECIMALS = 3

# ASSUMPTION: the largest amount and quantity Specter holds. No source gives its column sizes;
# an accounting system's money columns are commonly decimal(18,3) or narrower, so anything at or
# beyond 10^12 (or a quantity at or beyond 10^7) is treated as a value Specter cannot hold and the
# order is parked instead of sent.
MAX_AMOUNT = 10**12
MAX_QUANTITY = 10**7
# `vatPercent_N` is an integer (verified, reference 3.2). A Magento rate within this much of a
# whole percent (25.0000, 24.9999 from a computed rate) is that percent; anything else cannot be
# held and parks the order rather than booking another rate.
VAT_RATE_SLACK = 0.02

# ASSUMPTION: how Specter totals a document: each row's net is price x quantity rounded to
# cents, VAT is computed per rate on the sum of that rate's nets and rounded to cents, and the
# total incl. VAT is the nets plus the VAT (follows Swedish invoicing practice, VAT per rate on
# the invoice; no source shows Specter's rounding). magspec compares this with Magento's
# grand_total before it submits; the sandbox computes its own in its assumed.py.

# ASSUMPTION: newCustomerSubmit takes `externalCustomerNo`, the web shop's customer number
# (follows `externalOrderNo`, the verified twin on orders; no source shows a customer field for
# it). Sent only when the tenant sets `orders.send_magento_customer_id`.
EXTERNAL_CUSTOMER_NO_FIELD = "externalCustomerNo"

# ASSUMPTION: `typeInvoice=S` is the only invoice type seen (S1); its meaning is unknown and it
# is sent as the default.
DEFAULT_INVOICE_TYPE = "S"

# -- issue 3: the whole public protocol ---------------------------------------------------------
# The items below follow the project's protocol contract for issue 3; the sandbox keeps the same
# list in its own assumed.py.

# ASSUMPTION: "unknown action" is a malformed `action` field, code 50, worded
# `Field 'action' unknown action '<x>'`; it is how an account without the assumed reads answers
# them (follows the agreed code table, where 50 is a malformed field).
UNKNOWN_ACTION = re.compile(r"Field 'action' unknown action", re.IGNORECASE)

# ASSUMPTION: an unknown invoice answers 42 like an unknown order, worded
# `Invoice '<no>' does not exist` (follows the unknown order's `Order '<no>' does not exist`).
INVOICE_NOT_FOUND = re.compile(r"Invoice '(?P<invoice_no>[^']*)' does not exist")

# ASSUMPTION: article-number rules beyond the verified ones (S6: unique, none of å ä ö & % ¤ # €,
# no spaces, no commas): at most 25 characters and not empty. The length follows the width of
# Specter's UI field as partners describe it; Fortnox allows 50, so 25 is the cautious choice.
ARTICLE_NO_MAX_LENGTH = 25
ARTICLE_NO_FORBIDDEN = "åäöÅÄÖ&%¤#€"
# ASSUMPTION: the sandbox refuses a bad article number as
# `0;50;Field 'articleNo_N' '<no>' <reason>` and saves nothing of the batch.
REFUSED_ARTICLE_NO = re.compile(r"Field 'articleNo_(?P<n>\d+)' '(?P<article_no>[^']*)'")

# ASSUMPTION: at most 100 articles per newArticleSubmit call (design rule and partner practice,
# S1 sends batches of 100); 101+ is refused with code 50.
ARTICLES_PER_CALL = 100
# ASSUMPTION: the answer of newArticleSubmit is `1;<number of articles saved>;Articles saved`.
# ASSUMPTION: weights travel with 3 decimals and volumes with 2 (the precision the reference gives
# for `productWeight_N` and `productVolume_N`), with a decimal point as S1 sends them.
WEIGHT_DECIMALS = 3
VOLUME_DECIMALS = 2
# ASSUMPTION: `parentArticleNo_N` and `variantAttributes_N` ("size=XS;color=Black") on
# newArticleSubmit, the write-side twins of the assumed attributes of the article-change feed;
# no source shows a variant field on any write (reference 3.3). Only sent when set.

# ASSUMPTION: newDeliverySubmit takes `trackingNo` (several numbers comma-separated) and
# `deliveryMethod`; answers `1;<deliveryNo>;Delivery created`. The client always sends rows:
# what Specter does with a delivery without rows is not known.
TRACKING_SEPARATOR = ","

# ASSUMPTION: getPDFLink answers `1;<url>` (S1 shows `x;<url>` and reads only the URL).

# ASSUMPTION: key subjects of the calls the reference does not sign: clearArticleBatch and the
# assumed reads are signed with today's date, sent as `date=` (follows checkAccountSettings).
# The date is the UTC date; the sandbox also accepts yesterday's, for calls near midnight.
DATE_FORMAT = "%Y-%m-%d"

# ASSUMPTION: the change feeds. Stock XML: `<stock stockSiteId="…">` and `<onHand>`; the plain
# text stock feed belongs to the default stock site, whose id it does not name (None here).
# Article XML: `vatPercent`, `parentArticleNo`, `variantAttributes` ("k=v;k=v"). Order XML: the
# `<response>` root, `externalOrderNo`, `invoiceNo`, `paid`, deliveryStatus `P` / empty,
# statusId `1`, delivery `deliveryNo` / `deliveryDate` / `deliveryMethod` and `<row>` children.
DELIVERED = "D"  # verified (S1)
PARTLY_DELIVERED = "P"
CANCELLED_STATUS_ID = "5"  # verified (S1)
NO_ITEMS_AVAILABLE = "noItemsAvailable"  # verified (S1): the literal means 0
# ASSUMPTION: for stock and articles (which carry no moreInfoToFetch) more changes are waiting
# when a batch came back full, i.e. with responseMaxLimit items. The plain text stock feed has
# no responseMaxLimit; the agreed default limit is taken for it.
DEFAULT_RESPONSE_MAX_LIMIT = 100
# ASSUMPTION: acking is idempotent (`1;X;Batch updated` for unknown or acked batches too), a get
# with the open batch's own number returns that batch again, and an empty queue opens no batch.
# ASSUMPTION: the 99 message names the open batch in single quotes (verified for the quote, S1).
BATCH_NO_PATTERN = re.compile(r"^[0-9a-f]{1,32}$")

# ASSUMPTION: the assumed reads' XML (getStockSites, getWebshops, getPriceLists,
# getPriceListPrices, getAccountModules, getInvoiceStatus), shapes as agreed in the contract; the
# price rows follow Fortnox's `/3/prices/{list}/{article}/{fromQuantity}`.

# ASSUMPTION: the price-list export file: Latin-1 text, `;`-separated, this header, decimal
# comma, one row per article and quantity break (follows Specter's other UI exports, which are
# Swedish-Excel-style CSV). Columns are found by their header name, so their order may vary.
PRICE_LIST_FILE_ENCODING = "latin-1"
PRICE_LIST_FILE_COLUMNS = {
    "price_list_id": "Prislista",
    "article_no": "Artikelnr",
    "name": "Benämning",
    "from_quantity": "Från antal",
    "price_excl_vat": "Pris exkl moms",
    "currency": "Valuta",
}

# ASSUMPTION: callbacks. Specter calls with GET, substituting `$orderId`, `$invoiceId`,
# `$invoiceSource` (`webshop` for invoices from newInvoiceSubmit, `sbm` for staff-made ones) and
# `$orderNo`; ids are decimal numbers (follows the sequential ids of every other Specter answer).
# Registration answers `1;0;Settings saved`; an empty template removes a callback.
INVOICE_SOURCES = frozenset({"webshop", "sbm"})
