"""Everything the Specter sandbox does that no public source shows.

The protocol reference marks these items [A] (assumed) or is silent about them. Each item says
that it is an assumption and which nearest analogue it follows, so that the day Specter's own
documentation turns up, this module is the list of things to check. The client keeps the same
agreed list in its own `assumed.py`; the two are written separately on purpose.
"""

from __future__ import annotations

from decimal import Decimal

# -- answer codes ----------------------------------------------------------------------------
# ASSUMPTION: only code 99 is seen in a public source (S1: `0;99;…'<batchNo>'…`, the code in the
# id slot of `result;id;message`). The codes below are the project's agreed table, numbered in
# the same style; every failure in text mode is `0;<code>;<message>`.
INVALID_KEY = 10  # key does not match, or unknown sbmId / apiUserId
UNKNOWN_CUSTOMER = 20
UNKNOWN_ARTICLE = 30  # the rule "articles must exist" is verified (S3); the code is not
DUPLICATE_EXTERNAL_ORDER_NO = 40
NOTHING_TO_INVOICE = 41
UNKNOWN_ORDER = 42
BAD_FIELD = 50
OPEN_BATCH = 99  # verified (S1); listed for completeness, the write actions never answer it


# ASSUMPTION: the exact message texts, agreed with the client; S1 only logs the message, so any
# text would do for it, but the duplicate answer names the existing order so a caller that lost
# the first answer can bind it (follows Fortnox, whose errors carry the conflicting document).
def invalid_key() -> str:
    return "Invalid key"


def unknown_customer(customer_id: str) -> str:
    return f"Customer '{customer_id}' does not exist"


def unknown_article(article_no: str) -> str:
    return f"Article '{article_no}' does not exist"


def duplicate_external_order_no(external_order_no: str, order_no: str) -> str:
    return f"Order with externalOrderNo '{external_order_no}' already exists: orderNo {order_no}"


def nothing_to_invoice(order_no: str, invoice_no: str) -> str:
    return f"Order {order_no} has nothing left to invoice: invoiceNo {invoice_no}"


def unknown_order(order_no: str) -> str:
    return f"Order '{order_no}' does not exist"


def bad_field(field: str, what: str) -> str:
    return f"Field '{field}' {what}"


# ASSUMPTION: an action the sandbox does not serve is a malformed `action` field (code 50),
# the nearest row of the agreed table; real Specter's answer to an unknown action is unknown.
def unknown_action(action: str) -> str:
    return bad_field("action", f"unknown action '{action}'")


# ASSUMPTION: success messages. S1 reads only the id of `1;<id>;<message>`; the texts follow
# the agreed example `1;10023;Order created`.
CUSTOMER_CREATED = "Customer created"
CUSTOMER_MATCHED = "Customer exists"
CUSTOMER_UPDATED = "Customer updated"
ORDER_CREATED = "Order created"
INVOICE_CREATED = "Invoice created"

# -- answer transport ------------------------------------------------------------------------
# ASSUMPTION: HTTP status is always 200 for a protocol answer, failures included: classic ASP
# pages write their answer into a 200 response, and S1 never looks at the status code.
PROTOCOL_STATUS = 200

# ASSUMPTION (inferred from S1 `utf8_encode`-ing every answer): answers are Latin-1.
TEXT_CONTENT_TYPE = "text/plain; charset=iso-8859-1"
XML_CONTENT_TYPE = "text/xml; charset=iso-8859-1"
ANSWER_ENCODING = "latin-1"


# ASSUMPTION: the XML answer's shape. S2 reads `APIresponse/result == 1` on success and S1 reads
# `APIresponse/code` and `message` on failure; which other elements travel beside them is unknown.
# The declaration names the encoding so that an XML parser decodes the Latin-1 bytes correctly.
XML_DECLARATION = '<?xml version="1.0" encoding="ISO-8859-1"?>'


def xml_success(id_: str, message: str) -> str:
    return (
        f"{XML_DECLARATION}<APIresponse><result>1</result><id>{id_}</id>"
        f"<message>{message}</message></APIresponse>"
    )


def xml_failure(code: int, message: str) -> str:
    return f"{XML_DECLARATION}<APIresponse><code>{code}</code><message>{message}</message></APIresponse>"


# ASSUMPTION: `useXML` values other than 2 (absent, 1, anything else) answer in text mode; S1
# always sends 1 on writes and parses text.
XML_MODE = "2"

# -- ids -------------------------------------------------------------------------------------
# ASSUMPTION: ids are sequential decimal integers per account; the starting points only keep
# customers, orders and invoices apart when reading a log (Specter's numbering series are set
# per account in its UI, like Fortnox's number series).
FIRST_CUSTOMER_ID = 10001
FIRST_ORDER_NO = 50001
FIRST_INVOICE_NO = 70001

# -- requests --------------------------------------------------------------------------------
# ASSUMPTION: every action is served on GET and POST alike (classic ASP's `Request(name)` reads
# query string and form without looking at the method); S1 posts customers and orders, S2 sends
# an order as GET, S1 sends invoices as GET.
ACCEPTED_METHODS = ("GET", "POST")

# ASSUMPTION: a parameter sent both in the query string and in the body takes the query string's
# value, the lookup order of classic ASP's `Request(name)` (QueryString before Form).
QUERY_WINS_OVER_BODY = True

# ASSUMPTION: write actions are only served on putInfo.asp; sent to getInfo.asp they are an
# unknown action (S1 sends every write to putInfo.asp and every read to getInfo.asp).
WRITE_SCRIPT = "putinfo.asp"
READ_SCRIPT = "getinfo.asp"

# ASSUMPTION: `apiUserId` may be left out (Vendre calls it optional, S3); when present it must be
# the account's API user, else the key is refused like a wrong key (code 10). v1 keys have no
# API user, so a v1-signed request is not checked against it when `apiUserId` is absent.
API_USER_ID_OPTIONAL = True

# ASSUMPTION: the customer-name subject is collapsed to single spaces and trimmed at both ends
# ("first last" with an empty first name is "last"); S1 collapses double spaces, trimming is
# the nearest reading of "the customer's name".
# ASSUMPTION: a customer without `customerOrganizationalForm` is a person (`P`), the form S1
# sends for every private buyer.
DEFAULT_ORGANIZATIONAL_FORM = "P"

# ASSUMPTION: an absent `webshopId` means the account's first web shop (Krokedil's "External
# Webshop No" is optional for single-shop accounts, S4); the order is stored under that id.
# ASSUMPTION: an unknown `webshopId` is a malformed field (code 50).

# ASSUMPTION: on an order row only `articleNo_N` and `noOfItems_N` are required; an absent
# `articleName_N`, `priceExclVAT_N` or `vatPercent_N` is taken from the article register, as
# Specter's own order entry fills a row from the article (Fortnox does the same for rows).
# ASSUMPTION: numbers may use a decimal point or a Swedish decimal comma (S1 turns commas into
# points when reading Specter's numbers, so Specter writes them either way).

# ASSUMPTION: a customer matched on e-mail or orgNo keeps its stored fields unless
# `forceCustomerUpdate=1`; with it, every field sent in the request replaces the stored one and
# fields not sent are kept (S3/S5 describe the flag as "update the customer", nothing finer).
# ASSUMPTION: orgNo matches exactly after trimming; e-mail matches case-insensitively after
# trimming. With several candidates the oldest customer (lowest id) wins.
# ASSUMPTION: unknown form fields are ignored rather than refused (classic ASP reads fields by
# name and never sees the rest).

# ASSUMPTION: `typeInvoice` is stored as sent, `S` when absent (the only value seen, S1).
DEFAULT_TYPE_INVOICE = "S"

# ASSUMPTION: a new order's statusId is "1"; only "5" (removed) is verified (S1).
NEW_ORDER_STATUS_ID = "1"

# -- seeded register -------------------------------------------------------------------------
# ASSUMPTION: seeded articles carry 25 % VAT (the Swedish standard rate) and the Luma price as
# the price excluding VAT; the Luma catalog has no VAT class Specter would know.
DEFAULT_VAT_PERCENT = Decimal(25)

# ASSUMPTION: pseudo articles for freight and discount keep no stock (stock None) and orders do
# not change it, like a service article in Specter's register; ordinary articles may go below
# zero, since Specter takes the web order and leaves back-ordering to the merchant (S4: "the
# order changes stock in Specter").

# ASSUMPTION: an article added without a stock figure (admin route, explicit register) has 0 in
# stock, as a new article in Specter's register has until stock is received.
DEFAULT_STOCK = Decimal(0)
