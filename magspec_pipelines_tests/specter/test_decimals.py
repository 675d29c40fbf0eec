"""Numbers in Specter's form fields: fixed places for money and measures, plain quantities."""

from decimal import Decimal

import pytest

from magspec_pipelines.specter.decimals import fixed, plain


@pytest.mark.parametrize(
    ("value", "places", "text"),
    [
        (Decimal("12.5"), 3, "12.500"),
        (Decimal("1E+2"), 2, "100.00"),
        (Decimal("0.0004"), 3, "0.000"),
    ],
)
def test_fixed_places(value: Decimal, places: int, text: str) -> None:
    assert fixed(value, places) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [(2, "2"), (Decimal("2.000"), "2"), (Decimal("1E+1"), "10"), (Decimal("1.50"), "1.5")],
)
def test_plain_quantities(value: Decimal | int, text: str) -> None:
    assert plain(value) == text
