"""Runs the job registry with APScheduler 3, in ``ratsflow serve`` or its own process.

A background thread holds the election: it takes the scheduler lock (or waits for it), and
only then catches up missed periods, frees claims of a predecessor that died, and starts
APScheduler with explicit job ids, ``coalesce=True``, ``max_instances=1`` and a generous
``misfire_grace_time``. If the lock is lost (the database connection broke), the jobs stop
until it is won again.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Callable

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from service.outbox.dispatcher import dispatch, release_orphans
from service.runtime import Runtime
from service.scheduler import periods
from service.scheduler.deadline_sweep import sweep
from service.scheduler.jobs import JobSpec, job_specs
from service.scheduler.lock import SchedulerLock, lock_for
from service.scheduler.service import HEARTBEAT, record_run
from workflow.calendar import BERLIN

log = logging.getLogger("ratsflow.scheduler")

CheckPoint = Callable[[str], None]


def crash_checkpoint(point: str | None) -> CheckPoint:
    """Test only: a process that dies at a named point, as a power cut would end it."""

    def check(name: str) -> None:
        if point is not None and name == point:
            os.kill(os.getpid(), signal.SIGKILL)

    return check


class SchedulerRunner:
    def __init__(
        self,
        runtime: Runtime,
        lock: SchedulerLock | None = None,
        checkpoint: CheckPoint | None = None,
        on_state: Callable[[str], None] | None = None,
    ) -> None:
        self.runtime = runtime
        self.settings = runtime.settings.schedule
        self.lock = lock or lock_for(runtime.engine, self.settings.scheduler_lease_seconds)
        self.checkpoint = checkpoint or crash_checkpoint(self.settings.test_crash_point)
        self.on_state = on_state or (lambda message: log.info(message))
        self.specs = {spec.id: spec for spec in job_specs(self.settings)}
        self.scheduler: BackgroundScheduler | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def leading(self) -> bool:
        return self.scheduler is not None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._elect, name="ratsflow-election", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        self._step_down()
        self.lock.release()

    def _elect(self) -> None:
        self.on_state("Scheduler gestartet; wartet auf die Scheduler-Sperre der Datenbank.")
        while not self._stop.is_set():
            try:
                if not self.leading and self.lock.acquire():
                    self._lead()
                elif self.leading and not self.lock.held():
                    self.on_state("Scheduler-Sperre verloren; Aufträge angehalten.")
                    self._step_down()
            except Exception:
                log.exception("Wahl des Schedulers fehlgeschlagen; neuer Versuch folgt")
                self._step_down()
            if self.leading:
                self._record(HEARTBEAT, succeeded=True)
            self._stop.wait(self.settings.election_seconds)

    def _lead(self) -> None:
        released = release_orphans(self.runtime)
        if released:
            self.on_state(f"{released} unterbrochene Sendungen wieder freigegeben.")
        self.catch_up()
        scheduler = BackgroundScheduler(
            timezone=BERLIN,
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                "misfire_grace_time": self.settings.misfire_grace_seconds,
            },
        )
        for spec in self.specs.values():
            trigger = (
                periods.trigger(spec.cron)
                if spec.cron is not None
                else IntervalTrigger(seconds=spec.seconds or 60, timezone=BERLIN)
            )
            scheduler.add_job(
                self.run_job,
                trigger,
                args=[spec.id],
                id=spec.id,
                name=spec.label,
                replace_existing=True,
            )
        scheduler.start()
        self.scheduler = scheduler
        self.on_state("Scheduler aktiv (Sperre erhalten).")

    def _step_down(self) -> None:
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=True)
            self.scheduler = None

    def catch_up(self) -> None:
        """At start: every missed period once, then one sweep and one dispatch."""
        for spec in self.specs.values():
            if spec.periodic:
                self.run_job(spec.id)
        self.run_job("deadline_sweep")
        self.run_job("outbox_dispatch")

    def run_job(self, job_id: str) -> None:
        spec: JobSpec = self.specs[job_id]
        now = self.runtime.now()
        try:
            if spec.periodic:
                if periods.run_if_owed(self.runtime, spec, now):
                    self.on_state(f"Auftrag „{spec.label}“ ausgeführt.")
            elif job_id == "deadline_sweep":
                sweep(self.runtime, now)
                self.checkpoint("after_sweep")
            elif job_id == "outbox_dispatch":
                dispatch(self.runtime, self.checkpoint)
            else:
                spec.function(self.runtime, now)
        except Exception:
            log.exception("Auftrag %s fehlgeschlagen", job_id)
            self._record(job_id, succeeded=False)
        else:
            self._record(job_id, succeeded=True)

    def _record(self, job_id: str, *, succeeded: bool) -> None:
        # For /metrics; monitoring that fails must not fail the job (nor hide its outcome).
        try:
            record_run(self.runtime, job_id, succeeded=succeeded)
        except Exception:
            log.exception("Lauf von %s nicht vermerkt", job_id)


def start_embedded(runtime: Runtime) -> SchedulerRunner | None:
    """For the app's lifespan: the scheduler inside ``ratsflow serve`` unless switched off."""
    if runtime.settings.schedule.scheduler != "embedded":
        return None
    runner = SchedulerRunner(runtime)
    runner.start()
    return runner
