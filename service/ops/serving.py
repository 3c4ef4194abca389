"""Several web workers: what they must share before the first one starts.

prometheus-client sums the counters of all workers from files in
``PROMETHEUS_MULTIPROC_DIR``; the variable must be set before any worker imports it, and
the folder emptied at the start, or counts of a previous run would be added again. SQLite
allows one writer at a time: several workers there would only wait for each other.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from service.config import Settings
from service.db import is_sqlite

ENV = "PROMETHEUS_MULTIPROC_DIR"


def prepare_workers(settings: Settings, workers: int) -> None:
    if workers == 1 and not os.environ.get(ENV):
        return
    if workers > 1 and is_sqlite(settings.database_url):
        raise ValueError("Mehrere Prozesse (--workers) nur mit PostgreSQL.")
    folder = Path(os.environ.get(ENV) or tempfile.mkdtemp(prefix="ratsflow-metrics-"))
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):
        stale.unlink()
    os.environ[ENV] = str(folder)
