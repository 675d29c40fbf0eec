"""Case 5b: peak memory of a catalog sync of many SKUs (default 100,000), in a process of its own.

Run as `python -m benchmarks.memory SKUS`: it starts the sandboxes in a child process (so their
memory is not counted), runs the tenant's initial product sync (`products_to_magento` in
`full` mode, as a new tenant's first sync runs: the whole article queue is staged and every
article becomes a new product) and prints one line of JSON with this process's peak resident
memory.
The cost model is off here: memory, not time, is measured.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

from benchmarks.cases_sync import magspec_for, scratch_dir
from benchmarks.world import CATALOG_INSTANCE, BenchSpec, Sandboxes
from magspec_pipelines.demo import run_flow


def peak_rss() -> int:
    """This process's peak resident memory in bytes: the kernel's high-water mark of its own
    address space (`VmHWM`). `ru_maxrss` would not do: Linux carries it over an exec, so a
    process started by a big parent would report the parent's size."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def measure(skus: int) -> dict:
    spec = BenchSpec(skus=skus, orders=20, order_days=1, latency_ms=0, item_ms=0, concurrency=4)
    with Sandboxes(spec) as sandboxes, magspec_for(sandboxes, spec, scratch_dir()) as magspec:
        before = peak_rss()
        started = time.perf_counter()
        run = run_flow(
            magspec.defs,
            magspec.instance,
            CATALOG_INSTANCE,
            "products_to_magento",
            {"mode": "full"},
        )
        seconds = time.perf_counter() - started
        peak = peak_rss()
    return {
        "skus": skus,
        "success": run.success,
        "created": run.numbers.get("created", 0),
        "seconds": seconds,
        "peak_rss_bytes": peak,
        "rss_before_sync_bytes": before,
    }


if __name__ == "__main__":
    print(json.dumps(measure(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)), flush=True)
