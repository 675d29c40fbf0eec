"""The DataFrame compares of benchmark case 7 give what the product's loops give: random inputs with SKUs missing on either
side, duplicate keys, and Decimals that differ only in their last digit or only in how they are
written (1.0 and 1.00 are the same price)."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from benchmarks.compare_frames import (
    CREATE,
    NO_PRODUCT,
    REPAIR,
    UNCHANGED,
    UPDATE,
    plan_tier_skus_frame,
    plan_values_frame,
    value_decisions,
)
from magspec_pipelines.flows.shared.compare import ValuePlan, plan_tier_skus, plan_values
from magspec_pipelines.magento.models import TierPrice
from magspec_pipelines.specter.errors import PriceListFileError
from magspec_pipelines.specter.pricelist_file import parse_rows_frame, parse_rows_loop

SEEDS = range(40)
PRICES = [Decimal("9.99"), Decimal("9.990"), Decimal("10"), Decimal("10.00"), Decimal("10.01")]


def price(rnd: random.Random) -> Decimal:
    # Exact values 1e-4 apart: a float compare would call some of them equal.
    return rnd.choice([*PRICES, Decimal("123456789.1234"), Decimal("123456789.1235")])


def value_inputs(rnd: random.Random, tuples: bool) -> tuple:
    universe = [f"S-{i}" for i in range(rnd.randint(0, 60))]
    wanted_skus = [s for s in universe if rnd.random() < 0.8]
    skus = sorted(s for s in wanted_skus if rnd.random() < 0.85)

    def value() -> object:
        return (price(rnd), rnd.random() < 0.5) if tuples else price(rnd)

    wanted = {s: value() for s in wanted_skus}
    new = {s: f"fp-{wanted[s]}" for s in wanted_skus}
    old = {}
    for s in universe:
        roll = rnd.random()
        if s in new and roll < 0.5:
            old[s] = new[s]
        elif roll < 0.8:
            old[s] = f"fp-{value()}"
    current = {s: value() for s in universe if rnd.random() < 0.7}
    for s in rnd.sample(sorted(current), k=len(current) // 3):
        if s in wanted:
            current[s] = wanted[s]
    return skus, old, new, wanted, current


@pytest.mark.parametrize("tuples", [False, True], ids=["prices", "stock"])
@pytest.mark.parametrize("seed", SEEDS)
def test_value_plan_from_merges_is_the_loops(seed: int, tuples: bool) -> None:
    skus, old, new, wanted, current = value_inputs(random.Random(seed), tuples)
    assert plan_values_frame(skus, old, new) == plan_values(skus, old, new)
    compared = plan_values(skus, old, new, wanted, current)
    assert plan_values_frame(skus, old, new, wanted, current) == compared
    assert plan_values_frame(skus, old, new, wanted, {}) == plan_values(skus, old, new, wanted, {})


def test_decisions_name_every_wanted_sku() -> None:
    d = Decimal
    wanted = {"new": d("1"), "moved": d("2"), "same": d("3"), "edited": d("4"), "gone": d("5")}
    new = {s: f"fp-{v}" for s, v in wanted.items()}
    old = {"moved": "fp-old", "same": new["same"], "edited": new["edited"], "gone": new["gone"]}
    current = {"same": d("3.000"), "edited": d("4.01")}
    skus = ["edited", "moved", "new", "same"]
    frame = value_decisions(wanted, skus, old, new, wanted, current)
    assert dict(zip(frame["sku"], frame["decision"], strict=True)) == {
        "new": CREATE,
        "moved": UPDATE,
        "same": UNCHANGED,
        "edited": REPAIR,
        "gone": NO_PRODUCT,
    }
    plan = plan_values_frame(skus, old, new, wanted, current)
    assert plan == ValuePlan(["moved", "new"], ["edited"])
    assert plan.to_send == ["moved", "new", "edited"]


GROUPS = ["Wholesale", "wholesale", "Retailer", "General", "VIP"]


def tier_inputs(rnd: random.Random) -> tuple:
    universe = [f"T-{i}" for i in range(rnd.randint(0, 25))]
    look = sorted(s for s in universe if rnd.random() < 0.8)
    quantities = [1, 1.0, "10", Decimal("10.0"), Decimal(50), 2.5]
    wanted: dict[str, list[TierPrice]] = {}
    for s in universe:
        for _ in range(rnd.randint(0, 4)):  # the same key twice now and then
            wanted.setdefault(s, []).append(
                TierPrice(
                    s,
                    price(rnd),
                    rnd.choice(GROUPS[:3]),
                    Decimal(str(rnd.choice(quantities))),
                    rnd.choice([1, 1, 2]),
                    rnd.choice(["fixed", "fixed", "discount"]),
                )
            )
    rows = []
    for s in universe + ["not-asked"]:
        for _ in range(rnd.randint(0, 5)):
            row = {
                "sku": s,
                "price": rnd.choice([float(price(rnd)), str(price(rnd)), price(rnd), None]),
                "customer_group": rnd.choice([*GROUPS, None]),
                "quantity": rnd.choice([*quantities, None]),
                "website_id": rnd.choice([0, 1, 1, 2, "1", None]),
            }
            if rnd.random() < 0.7:
                row["price_type"] = rnd.choice(["fixed", "discount", None])
            rows.append(row)
    for s in rnd.sample(sorted(wanted), k=len(wanted) // 2):  # some already right
        for tier in wanted[s]:
            rows.append(
                {
                    "sku": s,
                    "price": str(tier.price),
                    "customer_group": tier.customer_group.upper(),
                    "quantity": float(tier.quantity),
                    "website_id": tier.website_id,
                    "price_type": tier.price_type,
                }
            )
    rnd.shuffle(rows)
    return look, wanted, rows, ["wholesale", "RETAILER"], {1}


@pytest.mark.parametrize("seed", SEEDS)
def test_tier_plans_from_merges_are_the_loops(seed: int) -> None:
    look, wanted, rows, groups, websites = tier_inputs(random.Random(seed))
    loop = plan_tier_skus(look, wanted, rows, groups, websites)
    frame = plan_tier_skus_frame(look, wanted, rows, groups, websites)
    assert list(frame) == list(loop) == look
    for sku in look:
        assert frame[sku] == loop[sku], sku


def test_tier_plans_with_nothing_on_either_side() -> None:
    assert plan_tier_skus_frame([], {}, [], ["wholesale"], {1}) == {}
    empty = plan_tier_skus_frame(["A"], {}, [], ["wholesale"], {1})
    assert empty == plan_tier_skus(["A"], {}, [], ["wholesale"], {1})


# -- the price-list export file: pandas and the line-by-line loop -----------------------------
HEADERS = [
    "Prislista;Artikelnr;Benämning;Från antal;Pris exkl moms;Valuta",
    "Artikelnr;Pris exkl moms;Prislista",
    " Valuta ;PRISLISTA;artikelnr;Pris exkl moms;Från antal",
    "Prislista;Artikel;Pris",  # lacks columns
]
CELLS = {
    "Prislista": ["1", "2", " 2 ", ""],
    "Artikelnr": ["A", "B", "C-1", " Å ", "", '"A;1"'],
    "Benämning": ["Väska", "", "x\x85y"],
    "Från antal": ["1", "10", "10,0", "", "0", "2,5", "1.0"],
    "Pris exkl moms": ["41,60", "1 234,50", "9.99", "12,5,0", "tolv", "-1", "0", "NaN", "1e2"],
    "Valuta": ["SEK", "", "EUR"],
}


_TITLES = {t.casefold(): t for t in [*CELLS, "Artikel", "Pris"]}
CELLS.update({"Artikel": ["A"], "Pris": ["1"]})


def export_file(rnd: random.Random) -> bytes:
    header = rnd.choice(HEADERS[:3]) if rnd.random() < 0.95 else HEADERS[3]
    titles = [_TITLES[t.strip().casefold()] for t in header.split(";")]
    lines = [header]
    for n in range(rnd.randint(0, 12)):
        roll = rnd.random()
        if roll < 0.05:
            lines.append(rnd.choice(["", "   ", ";;;"]))
            continue
        anything = rnd.random() < 0.04  # now and then a row with any cell, good or bad
        cells = [rnd.choice(CELLS[t] if anything else CELLS[t][:2]) for t in titles]
        if not anything and "Artikelnr" in titles:  # mostly one row per article and tier
            cells[titles.index("Artikelnr")] += f"-{n // 2}"
        if roll > 0.95:
            cells = cells[: rnd.randint(1, len(cells))] + ["extra"] * rnd.randint(0, 2)
        lines.append(";".join(cells))
    if rnd.random() < 0.1 and len(lines) > 1:  # the same tier again
        lines.append(rnd.choice(lines[1:]))
    ending = rnd.choice(["\r\n", "\n"])
    text = ending.join(lines) + rnd.choice(["", ending])
    if rnd.random() < 0.1:
        return b"\xef\xbb\xbf" + text.encode("utf-8")
    return text.encode("latin-1", "replace")


def parsed(parse, data: bytes) -> object:
    try:
        return parse(data)
    except PriceListFileError as exc:
        return ("error", str(exc), exc.line)


@pytest.mark.parametrize("seed", range(300))
def test_price_list_file_through_pandas_is_the_loop(seed: int) -> None:
    data = export_file(random.Random(seed))
    assert parsed(parse_rows_frame, data) == parsed(parse_rows_loop, data)
