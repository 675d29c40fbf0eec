"""Specter's price-list export file, the way to price lists that works without getPriceLists.

Assumed shape (see assumed.py): Latin-1, `;`-separated, a header row naming the columns,
decimal commas, one row per article and quantity break. Errors name the line to fix.
"""

from __future__ import annotations

import csv
from decimal import Decimal

from magspec_pipelines.specter import assumed
from magspec_pipelines.specter.errors import PriceListFileError
from magspec_pipelines.specter.parsing import parse_number
from magspec_pipelines.specter.reads import PriceListPrice

_UTF8_BOM = b"\xef\xbb\xbf"
_REQUIRED = ("price_list_id", "article_no", "price_excl_vat")


def parse_price_list_export(data: bytes) -> list[PriceListPrice]:
    """Every price of the export, in file order. Raises `PriceListFileError` naming the line."""
    # A file re-saved by a spreadsheet may come back as UTF-8 with a byte-order mark.
    if data.startswith(_UTF8_BOM):
        text = data[len(_UTF8_BOM) :].decode("utf-8", "replace")
    else:
        text = data.decode(assumed.PRICE_LIST_FILE_ENCODING)
    rows = csv.reader(text.splitlines(), delimiter=";", quotechar='"')
    columns: dict[str, int] | None = None
    prices: list[PriceListPrice] = []
    seen: dict[tuple[str, str, Decimal], int] = {}
    for line_no, row in enumerate(rows, start=1):
        if not any(cell.strip() for cell in row):
            continue
        if columns is None:
            columns = _columns(row, line_no)
            continue
        price = _price(row, columns, line_no)
        tier = (price.price_list_id, price.article_no, price.from_quantity)
        if tier in seen:
            raise PriceListFileError(
                f"article {price.article_no!r} from quantity {price.from_quantity} of price "
                f"list {price.price_list_id!r} was already given on line {seen[tier]}",
                line_no,
            )
        seen[tier] = line_no
        prices.append(price)
    if columns is None:
        raise PriceListFileError("the file is empty: no header row")
    return prices


def _columns(header: list[str], line_no: int) -> dict[str, int]:
    names = {cell.strip().casefold(): index for index, cell in enumerate(header)}
    columns: dict[str, int] = {}
    for field, title in assumed.PRICE_LIST_FILE_COLUMNS.items():
        if title.casefold() in names:
            columns[field] = names[title.casefold()]
    missing = [assumed.PRICE_LIST_FILE_COLUMNS[f] for f in _REQUIRED if f not in columns]
    if missing:
        expected = ";".join(assumed.PRICE_LIST_FILE_COLUMNS.values())
        raise PriceListFileError(
            f"header lacks column(s) {', '.join(missing)}; expected {expected!r}", line_no
        )
    return columns


def _price(row: list[str], columns: dict[str, int], line_no: int) -> PriceListPrice:
    def cell(field: str) -> str:
        index = columns.get(field)
        if index is None or index >= len(row):
            return ""
        return row[index].strip()

    def number(field: str) -> Decimal:
        raw = cell(field)
        try:
            return parse_number(raw)
        except ValueError:
            title = assumed.PRICE_LIST_FILE_COLUMNS[field]
            raise PriceListFileError(f"{title!r} is not a number: {raw!r}", line_no) from None

    for field in ("price_list_id", "article_no", "price_excl_vat"):
        if not cell(field):
            title = assumed.PRICE_LIST_FILE_COLUMNS[field]
            raise PriceListFileError(f"{title!r} is empty", line_no)
    from_quantity = number("from_quantity") if cell("from_quantity") else Decimal(1)
    if from_quantity <= 0:
        raise PriceListFileError(f"'Från antal' must be above 0, got {from_quantity}", line_no)
    price = number("price_excl_vat")
    if price < 0:
        raise PriceListFileError(f"'Pris exkl moms' is negative: {price}", line_no)
    return PriceListPrice(
        price_list_id=cell("price_list_id"),
        article_no=cell("article_no"),
        from_quantity=from_quantity,
        price_excl_vat=price,
        currency=cell("currency") or None,
    )
