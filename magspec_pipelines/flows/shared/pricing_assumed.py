"""What the price and stock flows assume where the references are silent.

Each item names the nearest analogue it follows. The README's section on the price and stock
flows lists them for support.
"""

from __future__ import annotations

from decimal import Decimal

# ASSUMPTION: the article's own price in Specter is the one-piece price of a base price list
# (`PricingSettings.base_price_list_id`, "1" by default), since no read of an article's price
# exists outside the article change queue (which belongs to the product flow). Nearest
# analogue: Fortnox's pre-selected price list "A", whose price is the article's sales price.
BASE_PRICE_LIST_IS_ARTICLE_PRICE = True

# ASSUMPTION: Specter's price-list reads and export carry no VAT, so the VAT added for shops
# whose prices include VAT comes from the tenant settings (25 %, Sweden's standard rate, unless
# an article says otherwise). Nearest analogue: Specter order rows' integer `vatPercent`.
DEFAULT_VAT_PERCENT = Decimal(25)

# ASSUMPTION: a price including VAT is rounded half up to 2 decimals (öre, cent), the way
# Magento shows it; prices excluding VAT keep 4 decimals. Nearest analogue: Magento's
# `price` precision in the admin (2) over its storage (decimal 20,6).
INCL_VAT_DECIMALS = Decimal("0.01")
EXCL_VAT_DECIMALS = Decimal("0.0001")

# ASSUMPTION: every row of a mapped price list becomes a tier price, the one-piece row too
# (Magento's former "group price" is a tier from quantity 1). Nearest analogue: JustBetter's
# laravel-magento-prices, which sends quantity-1 tiers per customer group.
ONE_PIECE_ROW_IS_A_TIER = True

# ASSUMPTION: a stock change without a stock site, and a shop without `stock_site_id`, mean
# the account's default stock site; which site that is comes from `getStockSites` (itself
# assumed) and, without that read, is the site "1". Nearest analogue: Krokedil's "Stock Site
# ID: blank = Standardlager".
FALLBACK_DEFAULT_STOCK_SITE = "1"

# ASSUMPTION: Magento shows a product in stock when its quantity is above 0 (backorders off,
# the default). Nearest analogue: Magento's `is_in_stock` rule for `manage_stock`.
IN_STOCK_ABOVE = Decimal(0)

# ASSUMPTION: the on-hand figure comes from the stock feed's `<onHand>` (itself assumed); a
# feed without it gives only `noItemsAv`, which in a real Specter is the AVAILABLE quantity
# (on hand minus reservations), so Magento would subtract open orders a second time. Nearest
# analogue: Prestaworks' module, which writes `noItemsAv` as the shop's quantity.
AVAILABLE_WHEN_NO_ON_HAND = True

# ASSUMPTION: in a price-list folder, each file is one export; when two files carry the same
# price list, the file modified last wins. Nearest analogue: a staff member re-exporting.
PRICE_LIST_FILE_SUFFIXES = (".csv", ".txt", ".skv")
