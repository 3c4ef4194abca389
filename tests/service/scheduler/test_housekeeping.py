"""The daily housekeeping job forgets idempotency answers older than the configured TTL."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import insert, select

from service.idempotency.models import IdempotencyKey
from service.runtime import Runtime
from service.scheduler.housekeeping import purge_idempotency_keys
from service.scheduler.jobs import job_specs
from tests import factories

keys = IdempotencyKey.__table__  # type: ignore[attr-defined]


def test_keys_older_than_the_ttl_are_forgotten_and_younger_ones_kept(runtime: Runtime) -> None:
    now = runtime.now()
    ttl = timedelta(hours=runtime.settings.idempotency_ttl_hours)
    user = factories.user(runtime, "ag_leitung")
    with runtime.write() as c:
        c.execute(
            insert(keys),
            [
                {
                    "key": name,
                    "user_id": user.user_id,
                    "method": "POST",
                    "path": "/api/v1/measures/1/transitions",
                    "request_hash": "0" * 64,
                    "created_at": now - age,
                }
                for name, age in (
                    ("old", ttl + timedelta(minutes=1)),
                    ("young", ttl - timedelta(minutes=1)),
                )
            ],
        )

    assert purge_idempotency_keys(runtime, now) == 1
    with runtime.read() as c:
        assert [r.key for r in c.execute(select(keys.c.key))] == ["young"]


def test_housekeeping_and_audit_checkpoints_run_daily_under_their_own_ids(
    runtime: Runtime,
) -> None:
    specs = {spec.id: spec for spec in job_specs(runtime.settings.schedule)}
    daily = runtime.settings.schedule.daily_cron
    assert specs["idempotency_purge"].cron == daily
    assert specs["audit_checkpoint"].cron == daily
