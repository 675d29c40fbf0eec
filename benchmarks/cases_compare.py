"""Case 7: the nightly compares as loops and as pandas merges, in one process, on the same data.

No sandbox: each approach gets the same inputs (100,000 rows a side by default) and is timed
best of `repeats` runs, one after the other; the figure is the ratio loop time / DataFrame time (above 1: pandas is
faster). The matches (flows/shared/compare.py):

- base prices: wanted price per SKU against Magento's, with the stored fingerprints;
- stock: wanted (quantity, in stock) per SKU against Magento's source items;
- tier prices: wanted tier rows against Magento's tier rows (4 per SKU);
- the price-list export file (specter/pricelist_file.py): the csv loop against pandas.read_csv.

The merges live in `compare_frames.py`; the product runs the loops (they were faster).

    python -m benchmarks.cases_compare [--rows 100000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from benchmarks import compare_frames
from magspec_pipelines.flows.shared import compare
from magspec_pipelines.magento.models import TierPrice
from magspec_pipelines.specter import pricelist_file

CASE = "7. compares: loops vs pandas"
TIERS_PER_SKU = 4
FILE_HEADER = "Prislista;Artikelnr;Benämning;Från antal;Pris exkl moms;Valuta"


def best(function: Callable[..., Any], args: tuple, repeats: int) -> tuple[float, Any]:
    """The fastest of `repeats` calls (garbage collection off while timing) and its result."""
    times, result = [], None
    for _ in range(repeats):
        gc.collect()
        gc.disable()
        try:
            started = time.perf_counter()
            result = function(*args)
            times.append(time.perf_counter() - started)
        finally:
            gc.enable()
    return min(times), result


def pair(
    match: str,
    loop: Callable[..., Any],
    frame: Callable[..., Any],
    args: tuple,
    rows: int,
    repeats: int,
) -> dict[str, Any]:
    """Both ways on the same arguments, alternately; their answers must agree."""
    loop_s, loop_answer = best(loop, args, repeats)
    frame_s, frame_answer = best(frame, args, repeats)
    if loop_answer != frame_answer:
        raise AssertionError(f"{match}: the DataFrame answer differs from the loop's")
    return {
        "match": match,
        "rows": rows,
        "loop_s": loop_s,
        "frame_s": frame_s,
        "ratio": loop_s / frame_s if frame_s else float("inf"),
    }


def value_inputs(rows: int, tuples: bool, seed: int = 7) -> tuple:
    """`rows` wanted SKUs, 95 % of them in Magento; fingerprints 90 % as last written; Magento's
    value off for 2 % of the rest."""
    rnd = random.Random(seed)
    skus = [f"SKU-{i:06d}" for i in range(rows)]

    def value(i: int) -> Any:
        amount = Decimal(rnd.randint(100, 9_999_999)) / 100
        return (amount, i % 7 != 0) if tuples else amount

    wanted = {s: value(i) for i, s in enumerate(skus)}
    new = {s: f"fp-{wanted[s]}" for s in skus}
    old = {s: (new[s] if rnd.random() < 0.9 else "fp-before") for s in skus}
    current = {s: (wanted[s] if rnd.random() < 0.98 else value(0)) for s in skus}
    present = sorted(s for s in skus if rnd.random() < 0.95)
    return present, old, new, wanted, current


def tier_inputs(rows: int, seed: int = 7) -> tuple:
    """`rows` wanted tier rows and as many in Magento (the same keys; 2 % at another price, and
    per 50 SKUs a hand-set row of another group that must stay)."""
    rnd = random.Random(seed)
    look = [f"SKU-{i:06d}" for i in range(rows // TIERS_PER_SKU)]
    wanted: dict[str, list[TierPrice]] = {}
    current: list[dict[str, Any]] = []
    for n, sku in enumerate(look):
        for q in (1, 10, 50, 100)[:TIERS_PER_SKU]:
            amount = Decimal(rnd.randint(100, 999_999)) / 100
            wanted.setdefault(sku, []).append(TierPrice(sku, amount, "Wholesale", Decimal(q), 1))
            held = amount if rnd.random() < 0.98 else amount + Decimal("0.01")
            group = "Wholesale" if n % 50 else "Retailer"
            current.append(
                {
                    "sku": sku,
                    "price": float(held),
                    "price_type": "fixed",
                    "website_id": 1,
                    "customer_group": group,
                    "quantity": q,
                }
            )
    return look, wanted, current, ["Wholesale"], {1}


def price_list_file(rows: int, seed: int = 7) -> bytes:
    rnd = random.Random(seed)
    lines = [FILE_HEADER]
    for i in range(rows):
        amount = f"{rnd.randint(1, 99_999)},{rnd.randint(0, 99):02d}"
        lines.append(f"{1 + i % 3};A-{i // 3:06d};Artikel {i};{1 + (i % 4) * 10};{amount};SEK")
    return "\r\n".join([*lines, ""]).encode("latin-1")


def measure(rows: int, repeats: int) -> list[dict[str, Any]]:
    """Each match: loop seconds, DataFrame seconds, their ratio."""
    return [
        pair(
            "base prices",
            compare.plan_values,
            compare_frames.plan_values_frame,
            value_inputs(rows, tuples=False),
            rows,
            repeats,
        ),
        pair(
            "stock",
            compare.plan_values,
            compare_frames.plan_values_frame,
            value_inputs(rows, tuples=True),
            rows,
            repeats,
        ),
        pair(
            "tier prices",
            compare.plan_tier_skus,
            compare_frames.plan_tier_skus_frame,
            tier_inputs(rows),
            rows,
            repeats,
        ),
        pair(
            "price-list file",
            pricelist_file.parse_rows_loop,
            pricelist_file.parse_rows_frame,
            (price_list_file(rows),),
            rows,
            repeats,
        ),
    ]


def run_compare_case(rows: int = 100_000, repeats: int = 3) -> dict[str, Any]:
    figures = measure(rows, repeats)
    table = []
    for f in figures:
        table.append({"label": f"{f['match']}: loop", "value": f["loop_s"] * 1000, "unit": "ms"})
        table.append({"label": f"{f['match']}: pandas", "value": f["frame_s"] * 1000, "unit": "ms"})
        table.append({"label": f"{f['match']}: loop / pandas", "value": f["ratio"], "unit": "×"})
    return {
        "case": CASE,
        "rows": table,
        "target": f"pandas kept where loop / pandas ≥ 1 ({rows:,} rows a side)",
        "met": None,
        "notes": [
            f"{f['match']}: {'pandas' if f['ratio'] >= 1 else 'the loop'} is faster"
            for f in figures
        ],
        "raw": {"figures": figures, "rows": rows, "repeats": repeats},
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.cases_compare")
    p.add_argument("--rows", type=int, default=100_000, help="rows a side")
    p.add_argument("--repeats", type=int, default=3, help="best of")
    args = p.parse_args(argv)
    for f in measure(args.rows, args.repeats):
        print(
            f"{f['match']:>16}: loop {f['loop_s'] * 1000:8.1f} ms   pandas "
            f"{f['frame_s'] * 1000:8.1f} ms   loop/pandas {f['ratio']:5.2f}",
            file=sys.stderr,
        )
        print(json.dumps(f))
    return 0


if __name__ == "__main__":
    sys.exit(main())
