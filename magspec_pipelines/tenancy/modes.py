"""Flow modes: which system leads decides which flows a tenant runs. The one table that says so."""

from __future__ import annotations

from enum import StrEnum


class Mode(StrEnum):
    ECOM = "ecom"
    ERP = "erp"
    COMBO = "combo"


class Flow(StrEnum):
    ORDERS = "orders"
    ORDER_STATUS = "order_status"
    PRICES = "prices"
    PRICE_LISTS = "price_lists"
    STOCK = "stock"
    PRODUCTS_TO_MAGENTO = "products_to_magento"
    PRODUCTS_TO_SPECTER = "products_to_specter"


# The mode table of DESIGN.md; packages may take flows away again (see `PackageInfo.allows`).
FLOWS_BY_MODE: dict[Mode, frozenset[Flow]] = {
    Mode.ECOM: frozenset({Flow.ORDERS, Flow.PRODUCTS_TO_SPECTER}),
    Mode.ERP: frozenset(
        {
            Flow.ORDERS,
            Flow.ORDER_STATUS,
            Flow.PRICES,
            Flow.PRICE_LISTS,
            Flow.STOCK,
            Flow.PRODUCTS_TO_MAGENTO,
        }
    ),
    Mode.COMBO: frozenset(
        {
            Flow.ORDERS,
            Flow.ORDER_STATUS,
            Flow.PRICES,
            Flow.PRICE_LISTS,
            Flow.STOCK,
            Flow.PRODUCTS_TO_SPECTER,
        }
    ),
}
