"""The size rule of docs/architecture.md: no module over 400 lines, no function over 80, unless a
comment `# size: <reason>` on the line before the `def` (or in the module's first 5 lines) says why.

    python tools/sizes.py            lists what breaks the rule; exit 1 if anything does
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("magspec_pipelines", "magspec_sandbox")
MODULE_LINES = 400
FUNCTION_LINES = 80
MARK = "# size:"


@dataclass(frozen=True)
class Breach:
    path: str
    line: int
    what: str
    lines: int
    limit: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what} has {self.lines} lines (limit {self.limit})"


def breaches(root: Path = ROOT) -> list[Breach]:
    found: list[Breach] = []
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            found += _module_breaches(path, path.relative_to(root).as_posix())
    return found


def _module_breaches(path: Path, name: str) -> list[Breach]:
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    out: list[Breach] = []
    if len(lines) > MODULE_LINES and not any(MARK in line for line in lines[:5]):
        out.append(Breach(name, 1, "module", len(lines), MODULE_LINES))
    for node in ast.walk(ast.parse(text)):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
        length = (node.end_lineno or node.lineno) - first + 1
        marked = first >= 2 and MARK in lines[first - 2]
        if length > FUNCTION_LINES and not marked:
            out.append(Breach(name, node.lineno, f"function {node.name}", length, FUNCTION_LINES))
    return out


def main() -> int:
    found = breaches()
    for breach in found:
        print(breach)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
