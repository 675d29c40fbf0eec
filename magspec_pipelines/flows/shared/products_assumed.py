"""What the catalog flows assume that no reference shows. Each item is an assumption, marked as
such, with the nearest analogue it follows."""

from __future__ import annotations

# ASSUMPTION: Specter has no "list all articles" action and no resync of the article queue (only
# `clearArticleBatch&clearSelf=1` for stock, reference §3.5 step 4). A full pull is therefore a
# full drain of the article queue into `catalog_articles`; a newly connected account starts with
# its whole register queued (the agreed queue contract, sandbox/specter/assumed.py). Nearest
# analogue: S1, which builds its article copy from the same queue.
FULL_PULL_SOURCE = "article queue, staged"

# ASSUMPTION: the parent of a variant group has no article in Specter (S1 does not send parents,
# reference §3.3); its name is the name its variants share (their common prefix) unless the
# name form or the mapping file gives it. Nearest analogue: S1's `<product> - <Group> : <Value>`.
PARENT_NAME_SOURCE = "shared prefix of the variant names"

# ASSUMPTION: Magento's price is sent only when magspec creates a product; afterwards prices
# belong to the price flow (Specter price list → base price). Nearest analogue: Magento's own
# requirement of a price on create (magento/magento2#6991).
PRICE_ON_CREATE_ONLY = True

# ASSUMPTION: tax class 2 ("Taxable Goods") is 25 % Swedish VAT and 0 is none, unless the tenant
# says otherwise (`catalog.vat_by_tax_class`). Nearest analogue: Luma's default tax class and the
# Swedish standard rate.
DEFAULT_VAT_BY_TAX_CLASS = {"2": 25, "0": 0}

# ASSUMPTION: Specter tells article numbers apart ignoring case ("ab-1" is "AB-1"), so two SKUs
# whose article numbers differ only in case collide and are both parked. Nearest analogue: the
# Specter server is IIS/ASP and case-insensitive (reference §1, lower-case `getinfo.asp`), and
# Magento's own SKUs are unique ignoring case; assuming the stricter rule parks a pair that
# might have been fine instead of letting one article overwrite the other.
ARTICLE_NO_CASE_INSENSITIVE = True

# ASSUMPTION: a store-view name magspec wrote stays when its translation leaves the tenant's
# `catalog.name_translations`: Magento's REST API has no way to tick "Use Default Value" again,
# and writing the global name into the store view would keep it from inheriting later changes.
# Nearest analogue: the store-scope rule of reference §3.3 (write only translated attributes
# under a store code).
REMOVED_TRANSLATION_KEPT = True
