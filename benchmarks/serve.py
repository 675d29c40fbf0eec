"""Serve the benchmark's world: `python -m benchmarks.serve '<BenchSpec JSON>'`.

Builds the world (`benchmarks.world.build_world`), serves the Magento and the Specter sandbox
with the spec's cost model on free local ports, prints one line of JSON to stdout,
`{"magento": url, "specter": url, "world": {...}}`, and serves until stdin closes or SIGTERM.
"""

from __future__ import annotations

import json
import signal
import sys
from types import FrameType

from benchmarks.world import BenchSpec, build_world
from magspec_sandbox.server import BackgroundServer


def _stop(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    spec = BenchSpec.from_json(args[0]) if args else BenchSpec()
    signal.signal(signal.SIGTERM, _stop)
    world = build_world(spec)
    with (
        BackgroundServer(world.magento.app) as magento,
        BackgroundServer(world.specter.app) as specter,
    ):
        announced = {"magento": magento.url, "specter": specter.url, "world": world.summary}
        sys.stdout.write(json.dumps(announced) + "\n")
        sys.stdout.flush()
        # Serve until the parent closes our stdin (or goes away) or sends SIGTERM.
        while sys.stdin.buffer.read(65536):
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
