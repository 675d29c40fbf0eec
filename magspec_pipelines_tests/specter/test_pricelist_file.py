"""Specter's price-list export file: tiers, decimal commas, Latin-1, errors naming the line."""

from __future__ import annotations

from decimal import Decimal

import pytest

from magspec_pipelines.domain.pricing import PriceListPrice
from magspec_pipelines.specter.errors import PriceListFileError
from magspec_pipelines.specter.pricelist_file import parse_price_list_export

HEADER = "Prislista;Artikelnr;Benämning;Från antal;Pris exkl moms;Valuta"


def export(*rows: str, header: str = HEADER, encoding: str = "latin-1") -> bytes:
    return "\r\n".join([header, *rows, ""]).encode(encoding)


def test_rows_become_prices_with_quantity_tiers_and_decimal_commas() -> None:
    prices = parse_price_list_export(
        export(
            "2;MH01-XS-Black;Luvtröja Svart XS;1;41,60;SEK",
            "2;MH01-XS-Black;Luvtröja Svart XS;10;39,00;SEK",
            "1;24-MB01;Väska;1;1 234,50;SEK",
            "",
        )
    )
    assert prices == [
        PriceListPrice("2", "MH01-XS-Black", Decimal(1), Decimal("41.60"), "SEK"),
        PriceListPrice("2", "MH01-XS-Black", Decimal(10), Decimal("39.00"), "SEK"),
        PriceListPrice("1", "24-MB01", Decimal(1), Decimal("1234.50"), "SEK"),
    ]


def test_columns_are_found_by_name_and_an_empty_quantity_is_one() -> None:
    header = "Artikelnr;Pris exkl moms;Prislista"
    prices = parse_price_list_export(export('"A;1";99,5;3', header=header))
    assert prices == [PriceListPrice("3", "A;1", Decimal(1), Decimal("99.5"), None)]


def test_a_file_saved_as_utf8_with_a_byte_order_mark_is_read_too() -> None:
    data = b"\xef\xbb\xbf" + export("1;Å-1;Åsa;1;10,00;EUR", encoding="utf-8")
    (price,) = parse_price_list_export(data)
    assert price.article_no == "Å-1" and price.currency == "EUR"


@pytest.mark.parametrize(
    ("rows", "line", "says"),
    [
        (("1;A;x;1;12,5;SEK", "1;B;y;1;tolv;SEK"), 3, "'Pris exkl moms' is not a number"),
        (("1;A;x;1;12,5,0;SEK",), 2, "not a number"),
        (("1;A;x;0;12,5;SEK",), 2, "above 0"),
        (("1;;x;1;12,5;SEK",), 2, "'Artikelnr' is empty"),
        (("1;A;x;1;-1;SEK",), 2, "negative"),
        (("1;A;x;1;5;SEK", "1;A;x;1,0;6;SEK"), 3, "already given on line 2"),
    ],
)
def test_bad_rows_name_their_line(rows: tuple[str, ...], line: int, says: str) -> None:
    with pytest.raises(PriceListFileError) as caught:
        parse_price_list_export(export(*rows))
    assert caught.value.line == line and says in str(caught.value)
    assert str(caught.value).startswith(f"line {line}:")


def test_a_header_without_the_needed_columns_is_refused_on_line_one() -> None:
    with pytest.raises(PriceListFileError) as caught:
        parse_price_list_export(export("1;A;5", header="Prislista;Artikel;Pris"))
    assert caught.value.line == 1 and "Artikelnr" in str(caught.value)


def test_an_empty_file_is_an_error() -> None:
    with pytest.raises(PriceListFileError):
        parse_price_list_export(b"\r\n")
