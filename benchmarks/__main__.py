"""`python -m benchmarks`: every case in one run, written to `benchmarks/results/`.

./dev bench                      # the full run (20,000 SKUs, 5,000 orders, 25 ms latency)
./dev bench --skus 2000 --orders 500 --cases 1,2,3
./dev bench --cases 7            # the compares, loops vs pandas (no sandbox; 100,000 rows a side)
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks import report
from benchmarks.cases_sync import catalog_cases, magspec_for, order_case, scratch_dir
from benchmarks.world import CATALOG_INSTANCE, ORDERS_INSTANCE, BenchSpec, Sandboxes

ALL_CASES = ("1", "2", "3", "4", "5", "6", "7")
SANDBOX_CASES = {"1", "2", "3", "4", "6"}
OUT = Path(__file__).parent / "results"
MEMORY_TARGET_BYTES = 1 << 30


def parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n")[0])
    p.add_argument("--skus", type=int, default=20_000, help="case 1-2 catalog size")
    p.add_argument("--orders", type=int, default=5_000, help="case 3 eligible orders")
    p.add_argument("--latency-ms", type=float, default=25.0, help="added per request")
    p.add_argument("--item-ms", type=float, default=1.0, help="added per written item")
    p.add_argument("--concurrency", type=int, default=4, help="requests a sandbox serves at once")
    p.add_argument("--cases", default=",".join(ALL_CASES), help="comma-separated, e.g. 1,2,3")
    p.add_argument("--tenants", type=int, default=200, help="case 5: generated tenants")
    p.add_argument("--memory-skus", type=int, default=100_000, help="case 5: catalog sync size")
    p.add_argument("--e2e-orders", type=int, default=50, help="case 6: orders placed")
    p.add_argument("--e2e-spacing", type=float, default=2.0, help="case 6: seconds between")
    p.add_argument("--compare-rows", type=int, default=100_000, help="case 7: rows a side")
    p.add_argument("--out", type=Path, default=OUT, help="where results.json/.md go")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    chosen = {c.strip() for c in args.cases.split(",") if c.strip()}
    unknown = chosen - set(ALL_CASES)
    if unknown:
        print(f"unknown cases {sorted(unknown)}; choose from {', '.join(ALL_CASES)}")
        return 2
    spec = BenchSpec(
        skus=args.skus,
        orders=args.orders,
        latency_ms=args.latency_ms,
        item_ms=args.item_ms,
        concurrency=args.concurrency,
    )
    cases: list[dict[str, Any]] = []
    started = time.perf_counter()
    if chosen & SANDBOX_CASES:
        cases += sandbox_cases(spec, chosen, args)
    if "5" in chosen:
        cases.append(scale_case(args))
    if "7" in chosen:
        cases.append(compare_case(args))
    cost = {
        "latency_ms": spec.latency_ms,
        "item_ms": spec.item_ms,
        "concurrency": spec.concurrency,
    }
    command = "python -m benchmarks " + " ".join(argv if argv is not None else sys.argv[1:])
    results = report.envelope(command.strip(), cost, sorted(cases, key=lambda c: c["case"]))
    results["seconds"] = time.perf_counter() - started
    json_path, md_path = report.write(results, args.out)
    print(report.markdown(results))
    _say(f"written: {json_path} and {md_path} ({results['seconds']:.0f} s)")
    return 0


def sandbox_cases(
    spec: BenchSpec, chosen: set[str], args: argparse.Namespace
) -> list[dict[str, Any]]:
    """Cases 1-4 and 6, against the sandboxes (started once for all of them)."""
    cases: list[dict[str, Any]] = []
    with Sandboxes(spec) as sandboxes:
        _say(f"sandboxes up in {sandboxes.startup_seconds:.1f} s: {sandboxes.world}")
        if chosen & {"1", "2"}:
            cases += [
                c for c in catalog_cases(sandboxes, spec, scratch_dir()) if c["case"][0] in chosen
            ]
        if "3" in chosen:
            cases.append(order_case(sandboxes, spec, scratch_dir()))
        if "4" in chosen:
            cases.append(read_case(sandboxes))
        if "6" in chosen:
            cases.append(end_to_end(sandboxes, spec, args))
    return cases


def compare_case(args: argparse.Namespace) -> dict[str, Any]:
    from benchmarks.cases_compare import run_compare_case

    _say(f"case 7: the compares, loops vs pandas, {args.compare_rows:,} rows a side")
    return run_compare_case(args.compare_rows)


def read_case(sandboxes: Sandboxes) -> dict[str, Any]:
    from benchmarks.cases_read import run_read_case

    _say("case 4: reading the catalog and the order history, magspec and pymagento")
    result = run_read_case(
        sandboxes.magento_base_url(CATALOG_INSTANCE),
        sandboxes.magento_token(CATALOG_INSTANCE),
        300,
        stats=sandboxes.stats,
        orders_base_url=sandboxes.magento_base_url(ORDERS_INSTANCE),
        orders_token=sandboxes.magento_token(ORDERS_INSTANCE),
    )
    result["case"] = "4. read vs pymagento"
    return result


def end_to_end(sandboxes: Sandboxes, spec: BenchSpec, args: argparse.Namespace) -> dict[str, Any]:
    from benchmarks.cases_e2e import run_end_to_end

    _say(f"case 6: {args.e2e_orders} orders end to end through the sensor and the daemon")
    with magspec_for(sandboxes, spec, scratch_dir()) as magspec:
        tenants_dir = magspec.resource.tenants_dir
    result = run_end_to_end(
        tenants_dir, ORDERS_INSTANCE, sandboxes.secrets, args.e2e_orders, args.e2e_spacing
    )
    result["case"] = "6. end to end"
    return result


def scale_case(args: argparse.Namespace) -> dict[str, Any]:
    from benchmarks.cases_scale import run_definitions_scale

    _say(f"case 5: definitions with {args.tenants} tenants")
    result = run_definitions_scale(args.tenants)
    _say(f"case 5: peak memory of a {args.memory_skus}-SKU catalog sync")
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.memory", str(args.memory_skus)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the memory run failed:\n{done.stderr[-3000:]}")
    memory = json.loads(done.stdout.strip().splitlines()[-1])
    peak = memory["peak_rss_bytes"]
    result["rows"] = list(result.get("rows", [])) + [
        {
            "label": f"catalog sync of {memory['skus']:,} SKUs: created",
            "value": memory["created"],
            "unit": "",
        },
        {
            "label": "catalog sync: peak memory of the magspec process",
            "value": peak / 2**20,
            "unit": "MiB",
        },
    ]
    result["target"] = f"{result.get('target', '')}; peak memory under 1 GiB".strip("; ")
    met = result.get("met")
    result["met"] = (met is not False) and peak < MEMORY_TARGET_BYTES and memory["success"]
    result.setdefault("raw", {})["memory"] = memory
    result["case"] = "5. scale"
    return result


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
