"""Shared pieces of the benchmarks: a figure and a timer.

Every module listed in ``bench.__main__.MODULES`` defines ``run()`` returning its figures
(``Figure`` objects, or ``BENCH`` lines already formatted); each is printed as one line,
beside its floor measured in the same run.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    """One measured cost beside the cheapest way to do the same thing (the floor).

    ``goal`` is the target ratio or time, or ``context`` when the figure only informs.
    """

    name: str
    ours: float
    floor: float
    unit: str = "us"
    goal: str = "context"

    @property
    def ratio(self) -> float:
        return self.ours / self.floor if self.floor > 0 else float("inf")

    def line(self) -> str:
        return (
            f"BENCH {self.name} ours={self.ours:.3f}{self.unit} "
            f"floor={self.floor:.3f}{self.unit} ratio={self.ratio:.1f}x goal={self.goal}"
        )

    def __str__(self) -> str:
        return self.line()


def best_per_op(
    batch: Callable[[], int], *, repeat: int = 5, setup: Callable[[], object] | None = None
) -> float:
    """Microseconds per operation: the fastest of ``repeat`` runs of ``batch``.

    ``batch`` performs its operations and returns how many it did; ``setup`` runs before
    each repeat, outside the timing (e.g. to make fresh items). The garbage collector is
    paused while timing, as ``timeit`` does, so that a collection does not land in one run.
    """
    best = float("inf")
    enabled = gc.isenabled()
    try:
        for _ in range(repeat):
            if setup is not None:
                setup()
            gc.disable()
            start = time.perf_counter()
            count = batch()
            elapsed = time.perf_counter() - start
            if enabled:
                gc.enable()
            best = min(best, elapsed / count)
    finally:
        if enabled:
            gc.enable()
    return best * 1e6
