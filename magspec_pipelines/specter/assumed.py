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
ORDER_NOT_FOUND = re.compile(r"Order '(?P<order_no>[^']*)' does not exist")
VALIDATION = re.compile(r"Field '(?P<field>[^']*)'")

# ASSUMPTION: the XML answer (`useXML=2`) to a write carries the new id in an `<id>` element next
# to `<result>1</result>`; S2 only checks `result`, so the id's element name is unknown. The
# client sends `useXML=1` (text, as S1 does) and reads XML only when it gets XML anyway.
XML_ID_ELEMENTS = ("id", "orderNo", "customerId", "invoiceNo")

# ASSUMPTION: prices travel with 3 decimals (verified for `priceExclVAT_N`, S1), and quantities
# as plain decimals without trailing zeros ("2", "1.5"); no source shows how `noOfItems_N` is
# formatted, this follows S1, which sends the shop's quantity as it is (an integer).
PRICE_DECIMALS = 3

# ASSUMPTION: `typeInvoice=S` is the only invoice type seen (S1); its meaning is unknown and it
# is sent as the default.
DEFAULT_INVOICE_TYPE = "S"
