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

# -- issue 3: the whole public protocol --------------------------------------------------------
# ASSUMPTION (agreed contract): further success answers. S1 reads only the id field; the texts
# follow the `1;<id>;<message>` form of the other writes.
ARTICLES_SAVED = "Articles saved"
DELIVERY_CREATED = "Delivery created"
BATCH_UPDATED = "Batch updated"
SETTINGS_SAVED = "Settings saved"
DONE = "Done"

# ASSUMPTION (agreed contract): deliveries are numbered like the other series, from 90001.
FIRST_DELIVERY_NO = 90001


# ASSUMPTION (agreed contract): the open-batch message; code 99 and the single-quoted batchNo
# are verified (S1), the wording is not.
def open_batch(batch_no: str) -> str:
    return f"Batch '{batch_no}' has not been updated"


def unknown_invoice(invoice_no: str) -> str:
    # Follows the 42 message for an unknown order (agreed contract).
    return f"Invoice '{invoice_no}' does not exist"


# ASSUMPTION (agreed contract): at most 100 articles per newArticleSubmit (the batch size S1
# uses, verified as a practice not as a limit); the 101st is named in the refusal.
MAX_ARTICLES_PER_CALL = 100

# ASSUMPTION (agreed contract): article numbers. The forbidden characters, spaces and commas
# are verified (S6); the 25-character limit and "not empty" are assumed (Specter's UI field
# width, nearest analogue Fortnox's ArticleNumber length limit). `\x80` is € as a Windows-1252
# byte read as Latin-1, the way a shop's `utf8_decode`d € arrives.
ARTICLE_NO_FORBIDDEN = "åäöÅÄÖ&%¤#€\x80"
ARTICLE_NO_MAX_LENGTH = 25

# ASSUMPTION: supplier fields of newArticleSubmit are only stored with `addSupplier=1` (the
# flag's name; S1 sends it as 0 or 1 with the fields present either way).
# ASSUMPTION: an article created without `name_N` is refused (code 50): Specter's article form
# requires a name (Fortnox: Description is required).
# ASSUMPTION: "number of articles saved" counts created and updated articles; an existing one
# left unchanged (no forceArticleUpdate) is not saved.
# ASSUMPTION: the same article number twice in one batch is refused like any other number rule
# ("unique", S6), since Specter could not tell which one the caller meant.

# ASSUMPTION (agreed contract): change queues.
# - Every change is queued, whatever made it (the shop through the API or staff in Specter),
#   following a "needs external update" flag set on the record; the client's fingerprints make
#   an echo of its own write harmless.
# - A newly connected account starts with its whole register queued (articles and the stock of
#   every article on every site), as a web shop connected to an existing register needs all of
#   it once; `AccountSpec.initial_changes=False` starts with empty queues.
# - An empty queue answers an empty list and opens no batch.
# - A get with the open batchNo answers that batch again, as it was when first fetched.
# - Acking an unknown or already-acked batch answers success (idempotent).
# - A change made after its batch was fetched stays queued for the next batch.
BATCH_NO_PATTERN = r"[0-9a-fA-F]{1,32}"

# ASSUMPTION: the plain stock feed's `specterId` is the article's internal number in Specter's
# register, sequential from 1 in register order (S1 stores it but never uses it).
FIRST_SPECTER_ARTICLE_ID = 1

# ASSUMPTION: an available quantity of zero or less is sent as the literal `noItemsAvailable`
# (the literal is verified as meaning 0, S1); a shop cannot sell below zero anyway.
NO_ITEMS_AVAILABLE = "noItemsAvailable"

# ASSUMPTION (inferred): numbers out of Specter use a Swedish decimal comma; quantities that are
# whole numbers are sent without decimals, prices with two and weights with three (S1 sends
# weights with 3 decimals, prices with 2 in its own export).

# ASSUMPTION: the order status the sandbox derives and shows in the admin JSON (reference 4.3):
# cancelled > paid > invoiced > delivered > partly delivered > registered.
STATUS_REGISTERED = "registered"
STATUS_PARTLY_DELIVERED = "partly delivered"
STATUS_DELIVERED = "delivered"
STATUS_INVOICED = "invoiced"
STATUS_PAID = "paid"
STATUS_CANCELLED = "cancelled"
# ASSUMPTION (agreed contract): deliveryStatus "" nothing delivered, "P" part, "D" all (D is
# verified); statusId "5" removed (verified).
DELIVERY_STATUS_NONE = ""
DELIVERY_STATUS_PARTLY = "P"
DELIVERY_STATUS_DELIVERED = "D"
CANCELLED_STATUS_ID = "5"

# ASSUMPTION: rows of articles that keep no stock (freight, discount) are not delivered and do
# not count toward the delivery status, like a service row in Specter's delivery form.
# ASSUMPTION: a delivery of an order that is cancelled is refused (code 50 on `orderId`); so is
# cancelling an order that is invoiced (an invoice is credited, not cancelled: S9).
# ASSUMPTION: rows of newDeliverySubmit are matched to order rows by article number whether or
# not `useArticleNoRowMapping=1` is sent (S1 always sends it); several order rows with the same
# article are filled in order.
# ASSUMPTION: a staff invoice invoices the whole order, like newInvoiceSubmit, and moves no
# stock; its `invoiceSource` is `sbm`, one from newInvoiceSubmit `webshop` (agreed contract).
INVOICE_SOURCE_WEBSHOP = "webshop"
INVOICE_SOURCE_STAFF = "sbm"
# ASSUMPTION: a delivery without a date is dated today (UTC); a delivery method defaults to "".

# ASSUMPTION (agreed contract): callbacks are GET, expect a body starting `1;Done`, and are
# retried up to 5 times with doubling waits from 0.2 s (Specter's behaviour on failure is
# unknown; this follows common webhook practice). The wait is an AccountSpec knob so tests of
# the give-up path stay fast.
CALLBACK_METHOD = "GET"
CALLBACK_ACK = "1;Done"
CALLBACK_RETRIES = 5
CALLBACK_FIRST_WAIT_SECONDS = 0.2
CALLBACK_TIMEOUT_SECONDS = 5.0
CALLBACK_EVENTS = (
    "actionStockChange",
    "actionNewInvoice",
    "actionRemoveOrder",
    "actionArticleChange",
    "actionOrderChange",
)

# ASSUMPTION (agreed contract): key subjects and date window of actions no source shows signed:
# clearArticleBatch signs batchNo when sent, else the date; the assumed reads sign the date
# (follows checkAccountSettings, verified). The date of today or yesterday (UTC) is accepted.
DATE_SUBJECT_DAYS_BACK = 1

# ASSUMPTION (agreed contract): getPDFLink answers `1;<url>` (S1 reads `x;<url>`); the sandbox
# serves a one-page PDF at that URL. Only `typeDocument=invoice` is known (S1).
PDF_DOCUMENT_TYPES = ("invoice",)

# ASSUMPTION (agreed contract): the assumed reads exist unless the account is built without
# them; without them each answers as an unknown action.
ASSUMED_READS = (
    "getStockSites",
    "getWebshops",
    "getPriceLists",
    "getPriceListPrices",
    "getAccountModules",
    "getInvoiceStatus",
)

# ASSUMPTION: the account's defaults, Luma-based: one stock site "1" Huvudlager; a base price
# list from the article prices; a retailer list at 80 % with a tier from 10 pieces at 75 % for
# customer groups 2 and 3 (shape follows Fortnox price lists and `/3/prices/{list}/{article}/
# {fromQuantity}`); the modules a web-shop connection needs (S7 names Order/Faktura and
# Webbshopskoppling, S5 Varianthantering).
DEFAULT_STOCK_SITE = ("1", "Huvudlager")
BASE_PRICE_LIST = ("1", "Grundprislista")
RETAILER_PRICE_LIST = ("2", "Återförsäljare")
RETAILER_PERCENT = Decimal(80)
RETAILER_TIER = (Decimal(10), Decimal(75))
RETAILER_CUSTOMER_GROUPS = ("2", "3")
DEFAULT_CURRENCY = "SEK"
DEFAULT_MODULES = (
    ("ORDER", "Order/Faktura", True),
    ("WEBSHOP", "Webshopkoppling", True),
    ("BOOKKEEPING", "Bokföring", False),
    ("VARIANTS", "Varianthantering", True),
)
# ASSUMPTION: a derived price is rounded half up to öre (2 decimals).
PRICE_DECIMALS = Decimal("0.01")

# ASSUMPTION: seeded Luma variants carry `parentArticleNo` (the configurable's SKU) and
# `variantAttributes` `size=XS;color=Black` (agreed contract shape); buyPrice is 60 % of the
# price, a typical retail margin, and the barCode empty (Luma has none).
SEED_BUY_PRICE_PERCENT = Decimal(60)

# ASSUMPTION (agreed contract): the price-list export is Latin-1, `;`-separated, CRLF lines
# (a Windows UI export), decimal comma, one row per article and quantity break; the `Prislista`
# column carries the price list's id.
EXPORT_HEADER = ("Prislista", "Artikelnr", "Benämning", "Från antal", "Pris exkl moms", "Valuta")
EXPORT_ENCODING = "latin-1"
EXPORT_LINE_END = "\r\n"

# ASSUMPTION (agreed contract): a document's total incl. VAT. Each row's net is price times
# quantity rounded half up to öre; VAT is computed per rate on that rate's summed nets and
# rounded to öre; the total is nets plus VAT (Swedish invoices state VAT per rate).
ORE = Decimal("0.01")


def document_total(rows: list[dict]) -> Decimal:
    """The total incl. VAT of stored order rows (`priceExclVAT`, `noOfItems`, `vatPercent`)."""
    nets: dict[Decimal, Decimal] = {}
    for row in rows:
        net = (Decimal(row["priceExclVAT"]) * Decimal(row["noOfItems"])).quantize(
            ORE, "ROUND_HALF_UP"
        )
        rate = Decimal(row["vatPercent"])
        nets[rate] = nets.get(rate, Decimal(0)) + net
    vat = sum(((n * r / 100).quantize(ORE, "ROUND_HALF_UP") for r, n in nets.items()), Decimal(0))
    return sum(nets.values(), Decimal(0)) + vat
