"""Periodic jobs run once per period, also when the scheduler was down at the due time.

APScheduler keeps its memory job store in the process: a run missed while nothing was
running is forgotten. So each periodic job records the last period it completed, and at
start the scheduler compares that with the latest fire time of its cron expression: a
missed period runs once (however many were missed), with the current time.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from apscheduler.triggers.cron import CronTrigger

from service.runtime import Runtime
from service.scheduler import service as scheduler
from service.scheduler.jobs import JobSpec
from workflow.calendar import BERLIN

# How far back the first start looks for the current period; longer than any sensible cycle.
LOOKBACK = timedelta(days=400)
_MAX_STEPS = 10_000


def trigger(cron: str) -> CronTrigger:
    return CronTrigger.from_crontab(cron, timezone=BERLIN)


def latest_fire_time(cron: str, now: datetime, since: datetime) -> datetime | None:
    """The last moment ``cron`` fired at or before ``now``, looking no further back than
    ``since``; None if it did not fire in between."""
    cron_trigger = trigger(cron)
    latest: datetime | None = None
    moment = cron_trigger.get_next_fire_time(None, since.astimezone(BERLIN))
    steps = 0
    while moment is not None and moment <= now and steps < _MAX_STEPS:
        latest = moment
        moment = cron_trigger.get_next_fire_time(moment, moment + timedelta(seconds=1))
        steps += 1
    return latest


def run_if_owed(runtime: Runtime, spec: JobSpec, now: datetime) -> bool:
    """Runs ``spec`` once if its latest period is not recorded as done; True if it ran.

    A new database takes the current period as done, so installing ratsflow in August does
    not send the July mails; from then on no period is skipped. The job's own writes are
    idempotent (outbox keys, ON CONFLICT), so a crash between the job and the record only
    repeats work that leaves no trace twice.
    """
    assert spec.cron is not None
    with runtime.read() as connection:
        last = scheduler.last_period(connection, spec.id)
    period = latest_fire_time(spec.cron, now, last or now - LOOKBACK)
    if period is None or (last is not None and period <= last):
        return False
    if last is not None:
        spec.function(runtime, now)
    with runtime.write() as connection:
        scheduler.record_period(connection, spec.id, period, now)
    return last is not None
