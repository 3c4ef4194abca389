"""Two scheduler processes on one PostgreSQL database: every reminder exactly once."""

from __future__ import annotations

import signal
from collections import Counter
from datetime import UTC, datetime

import pytest
from sqlalchemy import insert

from service.measures.models import Measure
from service.runtime import Runtime
from tests import factories
from tests.service.scheduler.conftest import Inbox
from tests.service.scheduler.helpers import city, overdue_reviews, rows
from tests.service.scheduler.test_crash_recovery import _start, _wait_until

measures = Measure.__table__  # type: ignore[attr-defined]
COUNT = 2000


# PostgreSQL only: on SQLite one scheduler per machine holds a file lock, so no race exists.
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_two_scheduler_processes_deliver_2000_reminders_exactly_once(
    rt: Runtime, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    people = city(rt)
    programme = factories.programme(rt)
    now = datetime.now(UTC)
    with rt.write() as c:  # bulk rows, not the transition path: the sweep is under test
        ids = c.execute(
            insert(measures).returning(measures.c.id),
            [
                {
                    "body_id": rt.body_id,
                    "programme_id": programme,
                    "code": f"B-{i}",
                    "title": f"Maßnahme {i}",
                    "state": "ag_pruefung",
                    "responsible_person_id": people["responsible"],
                    "fields": {},
                    "created_at": now,
                    "updated_at": now,
                }
                for i in range(COUNT)
            ],
        ).scalars()
        overdue_reviews(c, rt.body_id, ids, now)
    first, second = _start(rt, port, None), _start(rt, port, None)
    try:
        assert _wait_until(lambda: len(inbox.messages) >= COUNT, 300)
        assert _wait_until(lambda: all(r.status == "sent" for r in rows(rt)), 60)
    finally:
        for process in (first, second):
            process.send_signal(signal.SIGTERM)
        for process in (first, second):
            process.wait(timeout=60)
    arrived = Counter(inbox.message_ids())
    assert len(arrived) == COUNT
    assert set(arrived.values()) == {1}
    assert {r.message_id for r in rows(rt)} == set(arrived)
