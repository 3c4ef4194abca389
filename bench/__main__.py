"""``make bench``: each figure beside a floor measured in the same run.

Prints one line per figure: ``BENCH <name> ours=<v> floor=<v> ratio=<x> goal=<y>``.
Run one module with ``python -m bench --only NAME``; list them with ``--list``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from collections.abc import Sequence

from bench import Figure

# Benchmark modules under bench/, in the order they run. Each defines ``run()`` returning
# ``Figure`` objects or ready ``BENCH`` lines; a new module is one more name here.
MODULES: list[str] = [
    "engine_fire",
    "persisted_transition",
    "http_transitions",
    "deadline_sweep",
    "overview_page",
    "audit_trail",
    "peer_spiff",
]


def run_module(name: str) -> list[str]:
    """Imports a module only when it is measured, so ``--only`` skips the others' imports."""
    module = importlib.import_module(f"bench.{name}")
    results: list[Figure | str] = list(module.run())
    return [str(result) for result in results]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description="Misst ratsflow gegen die Untergrenze (floor)."
    )
    parser.add_argument(
        "--only",
        action="append",
        metavar="NAME",
        help=f"nur dieses Modul messen (wiederholbar); bekannt: {', '.join(MODULES)}",
    )
    parser.add_argument("--list", action="store_true", help="bekannte Module auflisten")
    args = parser.parse_args(argv)

    if args.list:
        print("\n".join(MODULES))
        return 0
    selected = args.only or MODULES
    unknown = [name for name in selected if name not in MODULES]
    if unknown:
        parser.error(f"unbekanntes Modul: {', '.join(unknown)} (bekannt: {', '.join(MODULES)})")
    for name in selected:
        started = time.perf_counter()
        for line in run_module(name):
            print(line, flush=True)
        print(f"# {name}: {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
