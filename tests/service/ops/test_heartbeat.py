"""The elected scheduler leaves a heartbeat and each job's last run where ``/metrics`` of any
process reads them (``job_runs``)."""

from __future__ import annotations

import time

from service.runtime import Runtime
from service.scheduler.lock import ProcessLock
from service.scheduler.runner import SchedulerRunner
from service.scheduler.service import HEARTBEAT, job_runs


def runs(runtime: Runtime) -> dict[str, object]:
    with runtime.read() as c:
        return {row.job_id: row.succeeded_at for row in job_runs(c)}


def test_the_leading_scheduler_beats_and_notes_every_job_it_ran(runtime: Runtime) -> None:
    runner = SchedulerRunner(runtime, lock=ProcessLock())
    runner.start()
    try:
        deadline = time.monotonic() + 60
        while HEARTBEAT not in runs(runtime):  # waiting for a thread to start, not timing
            assert time.monotonic() < deadline, "kein Lebenszeichen des Schedulers"
            time.sleep(0.05)
    finally:
        runner.stop()

    noted = runs(runtime)
    assert noted[HEARTBEAT] == runtime.now()
    # Elected, it caught up: the sweep and the dispatch ran once, each noted with its time.
    assert noted["deadline_sweep"] == noted["outbox_dispatch"] == runtime.now()


def test_a_job_run_by_hand_is_noted_but_is_no_heartbeat(runtime: Runtime) -> None:
    SchedulerRunner(runtime, lock=ProcessLock()).run_job("deadline_sweep")

    assert HEARTBEAT not in runs(runtime)
    assert runs(runtime)["deadline_sweep"] == runtime.now()
