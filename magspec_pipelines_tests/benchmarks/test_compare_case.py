"""Case 7 at a small size: correctness only, never time. Both ways answer alike (the case itself
raises when they do not) and every match is reported with its ratio."""

from __future__ import annotations

from benchmarks.cases_compare import run_compare_case


def test_compare_case_reports_each_match_both_ways() -> None:
    result = run_compare_case(rows=400, repeats=1)
    figures = result["raw"]["figures"]
    assert [f["match"] for f in figures] == [
        "base prices",
        "stock",
        "tier prices",
        "price-list file",
    ]
    assert all(f["loop_s"] > 0 and f["frame_s"] > 0 for f in figures)
    assert len(result["rows"]) == 3 * len(figures)
