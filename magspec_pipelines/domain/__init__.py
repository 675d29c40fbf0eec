"""System-neutral models shared by every flow."""

from magspec_pipelines.domain.orders import (
    Address,
    Customer,
    CustomerKind,
    LineKind,
    Order,
    OrderLine,
)

__all__ = ["Address", "Customer", "CustomerKind", "LineKind", "Order", "OrderLine"]
