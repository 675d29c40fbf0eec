"""Specter's price-list export file, the way to price lists that works without getPriceLists.

Assumed shape (see assumed.py): Latin-1, `;`-separated, a header row naming the columns,
decimal commas, one row per article and quantity break. Errors name the line to fix.

Read with pandas (`parse_rows_frame`: the C tokenizer and whole-column checks); a file the
columns find anything wrong with, or one with quotes or unusual line breaks, is read again by
the line-by-line loop (`parse_rows_loop`), which names the line. So a good file takes the fast
path and a bad one gets the same error as always. `benchmarks/cases_compare.py` times the two.
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from typing import TYPE_CHECKING

from magspec_pipelines.domain.pricing import PriceListPrice
from magspec_pipelines.specter import assumed
from magspec_pipelines.specter.errors import PriceListFileError
from magspec_pipelines.specter.parsing import parse_number

if TYPE_CHECKING:
    import numpy as np

_UTF8_BOM = b"\xef\xbb\xbf"
_REQUIRED = ("price_list_id", "article_no", "price_excl_vat")
# What the fast path leaves to the loop: quotes, NUL, and the line breaks str.splitlines knows
# beyond \r and \n.
_PLAIN = re.compile("[0-9]+(?:[.,][0-9]+)?")
_LOOP_ONLY = re.compile('["\\x00\\x0b\\x0c\\x1c\\x1d\\x1e\\x85\\u2028\\u2029]')


def parse_price_list_export(data: bytes) -> list[PriceListPrice]:
    """Every price of the export, in file order. Raises `PriceListFileError` naming the line."""
    return parse_rows_frame(data)


def _text(data: bytes) -> str:
    # A file re-saved by a spreadsheet may come back as UTF-8 with a byte-order mark.
    if data.startswith(_UTF8_BOM):
        return data[len(_UTF8_BOM) :].decode("utf-8", "replace")
    return data.decode(assumed.PRICE_LIST_FILE_ENCODING)


def parse_rows_frame(data: bytes) -> list[PriceListPrice]:
    """The export through pandas; anything the columns show wrong goes to `parse_rows_loop`."""
    # Imported here: loading the code location should not pay for pandas (about 0.4 s).
    import numpy as np
    import pandas as pd

    text = _text(data)
    if _LOOP_ONLY.search(text):
        return parse_rows_loop(data)
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=";",
            header=None,
            dtype=object,
            na_filter=False,
            quoting=csv.QUOTE_NONE,
            skip_blank_lines=True,
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError):
        return parse_rows_loop(data)
    cells = np.vectorize(str.strip, otypes=[object])(frame.to_numpy(dtype=object))
    cells = cells[(cells != "").any(axis=1)]
    if not len(cells):
        return parse_rows_loop(data)
    try:
        columns = _columns(cells[0].tolist(), 1)
    except PriceListFileError:
        return parse_rows_loop(data)
    body = cells[1:]

    def cell(field: str) -> list[str]:
        index = columns.get(field)
        return body[:, index].tolist() if index is not None else [""] * len(body)

    if any("" in cell(f) for f in _REQUIRED):
        return parse_rows_loop(data)
    quantities = _numbers([q or "1" for q in cell("from_quantity")])
    prices = _numbers(cell("price_excl_vat"))
    if quantities is None or prices is None or (quantities <= 0).any() or (prices < 0).any():
        return parse_rows_loop(data)
    list_ids, articles = cell("price_list_id"), cell("article_no")
    tiers = pd.DataFrame({"list": list_ids, "article": articles, "quantity": quantities})
    if tiers.duplicated().any():
        return parse_rows_loop(data)
    currencies = [c or None for c in cell("currency")]
    return [
        PriceListPrice(*row)
        for row in zip(list_ids, articles, quantities, prices, currencies, strict=True)
    ]


def _numbers(texts: list[str]) -> np.ndarray | None:
    """`parse_number` of each cell (each distinct text once), or None when one is no number."""
    import numpy as np

    known: dict[str, Decimal] = {}
    out = np.empty(len(texts), dtype=object)
    try:
        for i, raw in enumerate(texts):
            number = known.get(raw)
            if number is None:
                # Plain digits with one decimal comma or point: what parse_number returns.
                plain = _PLAIN.fullmatch(raw)
                number = Decimal(raw.replace(",", ".")) if plain else parse_number(raw)
                known[raw] = number
            out[i] = number
    except ValueError:
        return None
    return out


def parse_rows_loop(data: bytes) -> list[PriceListPrice]:
    """The export line by line (csv), each error naming its line."""
    text = _text(data)
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
