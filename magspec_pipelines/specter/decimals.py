"""How numbers travel in Specter's form fields: prices, weights and volumes with a fixed number of
places (`assumed.PRICE_DECIMALS` ...), quantities and stock as plain as they are (`2`, `1.5`)."""

from __future__ import annotations

from decimal import Decimal


def fixed(value: Decimal, places: int) -> str:
    """`value` with exactly `places` decimals, never in exponent notation."""
    return format(value.quantize(Decimal(1).scaleb(-places)), "f")


def plain(value: Decimal | int) -> str:
    """A whole number without decimals, else the shortest exact decimal, never an exponent."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return format(value.quantize(Decimal(1)), "f")
    return format(value.normalize(), "f")
