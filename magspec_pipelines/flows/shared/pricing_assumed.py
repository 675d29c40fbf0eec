"""What the price and stock flows assume where the references are silent, as the values the
engines use. Each item names the nearest analogue it follows. The README's section on the price
and stock flows lists them all for support, with those that are a rule of the code rather than
a value (the base list is the article's price, the one-piece row is a tier too, `noItemsAv`
without `<onHand>`).
"""

from __future__ import annotations

from decimal import Decimal

# ASSUMPTION: Specter's price-list reads and export carry no VAT, so the VAT added for shops
# whose prices include VAT comes from the tenant settings (25 %, Sweden's standard rate, unless
# an article says otherwise). Nearest analogue: Specter order rows' integer `vatPercent`.
DEFAULT_VAT_PERCENT = Decimal(25)

# ASSUMPTION: a price including VAT is rounded half up to 2 decimals (öre, cent), the way
# Magento shows it; prices excluding VAT keep 4 decimals. Nearest analogue: Magento's
# `price` precision in the admin (2) over its storage (decimal 20,6).
INCL_VAT_DECIMALS = Decimal("0.01")
EXCL_VAT_DECIMALS = Decimal("0.0001")

# ASSUMPTION: a stock change without a stock site, and a shop without `stock_site_id`, mean
# the account's default stock site; which site that is comes from `getStockSites` (itself
# assumed) and, without that read, is the site "1". Nearest analogue: Krokedil's "Stock Site
# ID: blank = Standardlager".
FALLBACK_DEFAULT_STOCK_SITE = "1"

# ASSUMPTION: Magento shows a product in stock when its quantity is above 0 (backorders off,
# the default). Nearest analogue: Magento's `is_in_stock` rule for `manage_stock`.
IN_STOCK_ABOVE = Decimal(0)

# ASSUMPTION: in a price-list folder, each file is one export; when two files carry the same
# price list, the file modified last wins. Nearest analogue: a staff member re-exporting.
PRICE_LIST_FILE_SUFFIXES = (".csv", ".txt", ".skv")
