"""The benchmark report: one JSON file with every figure and a markdown table of the verdicts."""

from __future__ import annotations

import json
import platform
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


def _value(row: dict[str, Any]) -> str:
    value, unit = row.get("value"), row.get("unit", "")
    if isinstance(value, float):
        text = f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"
    elif isinstance(value, int):
        text = f"{value:,}"
    else:
        text = str(value)
    return f"{text} {unit}".strip()


def _verdict(met: bool | None) -> str:
    return "met" if met else "n/a" if met is None else "**missed**"


def markdown(results: dict[str, Any]) -> str:
    cost = results["cost_model"]
    lines = [
        f"# magspec benchmarks ({results['finished_at']})",
        "",
        f"Machine: {results['machine']}. Command: `{results['command']}`.",
        "",
        "Cost model, the same for every approach: each sandbox adds "
        f"{cost['latency_ms']:g} ms per request and {cost['item_ms']:g} ms per written item "
        f"and serves {cost['concurrency']} requests at once (the rest wait in turn); a "
        "request takes max(its real handling time, latency + items x item cost). Reads cost "
        "per request only; page size is capped at 300 (Magento's input limits are on).",
        "",
        "| case | figure | value |",
        "|---|---|---|",
    ]
    for case in results["cases"]:
        for i, row in enumerate(case["rows"]):
            lines.append(f"| {case['case'] if i == 0 else ''} | {row['label']} | {_value(row)} |")
        lines.append(f"| | target: {case['target']} | {_verdict(case.get('met'))} |")
    notes = [(c["case"], n) for c in results["cases"] for n in c.get("notes", [])]
    if notes:
        lines += ["", "Notes:", ""]
        lines += [f"- {case}: {note}" for case, note in notes]
    return "\n".join(lines) + "\n"


def write(results: dict[str, Any], out_dir: Path) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path, md_path = out_dir / "results.json", out_dir / "results.md"
    json_path.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
    md_path.write_text(markdown(results), encoding="utf-8")
    return json_path, md_path


def envelope(command: str, cost: dict[str, Any], cases: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "finished_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()}, {_cpus()} CPUs, Python {platform.python_version()}",
        "command": command,
        "cost_model": cost,
        "cases": cases,
    }


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 0
