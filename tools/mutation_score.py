"""The mutation score per module, from `mutmut results --all true` on standard input.

Prints one line per module (killed, survived, timeouts, not checked, score) and the survivors,
so that each can be killed by a test or explained as equivalent (docs/architecture.md).
"""

from __future__ import annotations

import re
import sys
from collections import Counter, defaultdict

LINE = re.compile(r"^\s*(?P<module>[\w.]+?)\.x[_ǁ].*__mutmut_\d+: (?P<status>[\w ]+)$")


def main() -> int:
    by_module: dict[str, Counter] = defaultdict(Counter)
    survivors: list[str] = []
    for raw in sys.stdin:
        match = LINE.match(raw.rstrip("\n"))
        if not match:
            continue
        by_module[match["module"]][match["status"]] += 1
        # A mutant no test even runs is as alive as one that survives them.
        if match["status"] in ("survived", "no tests"):
            survivors.append(raw.strip().rsplit(":", 1)[0])
    print(f"{'module':48} {'killed':>6} {'alive':>8} {'timeout':>7} {'unchecked':>9} {'score':>6}")
    for module, counts in sorted(by_module.items()):
        killed = counts["killed"] + counts["timeout"]
        alive = counts["survived"] + counts["no tests"]
        checked = killed + alive
        score = f"{100 * killed / checked:.1f}%" if checked else "-"
        print(
            f"{module:48} {counts['killed']:>6} {alive:>8} {counts['timeout']:>7} "
            f"{counts['not checked']:>9} {score:>6}"
        )
    if survivors:
        print("\nsurvivors (`.venv/bin/mutmut show NAME` shows the change):")
        for name in survivors:
            print(f"  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
