"""The job registry: every job the scheduler runs, with its id and its schedule.

Each job is a plain function ``job(runtime, now)`` that decides from ``now`` what is due, so
tests call it with a fixed clock. Periodic jobs (cron) record the period they completed;
continuous jobs (interval) look at the database each time and need no record.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from service.audit.checkpoints import write_checkpoint
from service.bodies.admin import read_bodies
from service.oparl.importing import import_known_sources
from service.outbox.dispatcher import dispatch
from service.runtime import Runtime
from service.scheduler import half_year, housekeeping, reviews
from service.scheduler.deadline_sweep import sweep
from service.scheduler.settings import ScheduleSettings

JobFunction = Callable[[Runtime, datetime], object]
log = logging.getLogger("ratsflow.scheduler")


@dataclass(frozen=True)
class JobSpec:
    id: str
    label: str
    function: JobFunction
    cron: str | None = None
    seconds: int | None = None

    @property
    def periodic(self) -> bool:
        return self.cron is not None


def dispatch_job(runtime: Runtime, now: datetime) -> object:
    return dispatch(runtime)


def each_body(job: Callable[[Runtime, datetime], int]) -> JobFunction:
    """The job run for every body in its own view (its measures, people, outbox and chain).

    One body's failure does not keep the others from their turn; it is raised after all had
    theirs, so the period stays owed and the next start repeats it (the writes are
    idempotent: outbox keys, ON CONFLICT)."""

    def run(runtime: Runtime, now: datetime) -> int:
        failure: Exception | None = None
        written = 0
        for profile in read_bodies(runtime):
            try:
                written += job(runtime.for_body(profile.slug), now)
            except Exception as exc:
                log.exception("Auftrag für %s fehlgeschlagen", profile.slug)
                failure = failure or exc
        if failure is not None:
            raise failure
        return written

    run.__name__ = run.__qualname__ = getattr(job, "__name__", "job")
    run.__doc__ = job.__doc__
    return run


def job_specs(settings: ScheduleSettings) -> list[JobSpec]:
    return [
        JobSpec("deadline_sweep", "Fristen prüfen", sweep, seconds=settings.sweep_seconds),
        JobSpec(
            "outbox_dispatch", "E-Mails versenden", dispatch_job, seconds=settings.dispatch_seconds
        ),
        JobSpec(
            "half_year_round",
            "Sachstand-Abfrage zum Halbjahr",
            each_body(half_year.open_round),
            cron=settings.half_year_cron,
        ),
        JobSpec(
            "half_year_fva_reminder",
            "Sachstand-Erinnerung vor dem FVA",
            each_body(half_year.remind_before_fva),
            cron=settings.daily_cron,
        ),
        JobSpec(
            "ag_agenda",
            "Tagesordnung der AG",
            each_body(reviews.ag_agenda),
            cron=settings.ag_agenda_cron,
        ),
        JobSpec(
            "joint_session",
            "Gemeinsame AG-Beratung",
            each_body(reviews.joint_session),
            cron=settings.joint_session_cron,
        ),
        JobSpec(
            "programme_review",
            "Überprüfung der Arbeitspapiere",
            each_body(reviews.programme_review),
            cron=settings.programme_review_cron,
        ),
        JobSpec(
            "audit_checkpoint",
            "Prüfpunkt des Protokolls signieren",
            write_checkpoint,
            cron=settings.daily_cron,
        ),
        JobSpec(
            "idempotency_purge",
            "Abgelaufene Idempotenz-Schlüssel löschen",
            housekeeping.purge_idempotency_keys,
            cron=settings.daily_cron,
        ),
        JobSpec(
            "oparl_import",
            "OParl-Import aus dem RIS",
            each_body(import_known_sources),
            cron=settings.daily_cron,
        ),
    ]
