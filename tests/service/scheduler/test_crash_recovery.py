"""No reminder lost when the scheduler process dies (SIGKILL) at a named point.

The process kills itself at the point a test-only setting names; a restarted process must
deliver every due reminder. Only a death between the server's acceptance and our "sent"
may deliver a message twice, at most once more, with the same Message-ID.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert, update

from service.deadlines.models import Deadline
from service.measures.models import Measure
from service.runtime import Runtime
from tests import factories
from tests.service.scheduler.conftest import Inbox
from tests.service.scheduler.helpers import city, rows

deadlines = Deadline.__table__  # type: ignore[attr-defined]
measures = Measure.__table__  # type: ignore[attr-defined]
COUNT = 5
RATSFLOW = str(Path(sys.executable).with_name("ratsflow"))


def _overdue_deadlines(rt: Runtime, responsible: int, count: int) -> None:
    """Deadlines two days overdue: each owes its first escalation now."""
    now = datetime.now(UTC)
    with rt.write() as c:
        for _ in range(count):
            measure_id = factories.measure(rt, c, responsible_person_id=responsible)
            c.execute(
                update(measures).where(measures.c.id == measure_id).values(state="ag_pruefung")
            )
            c.execute(
                insert(deadlines),
                {
                    "body_id": factories.body(rt, c),
                    "entity_type": "measure",
                    "entity_id": measure_id,
                    "name": "ag_pruefung",
                    "label": "Prüfung in der AG abschließen",
                    "due_at": now - timedelta(days=2),
                    "open": True,
                    "created_at": now - timedelta(days=44),
                },
            )


def _start(rt: Runtime, port: int, crash: str | None) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "RATSFLOW_DATABASE_URL": rt.settings.database_url,
        "RATSFLOW_SMTP_HOST": "127.0.0.1",
        "RATSFLOW_SMTP_PORT": str(port),
        "RATSFLOW_SWEEP_SECONDS": "1",
        "RATSFLOW_DISPATCH_SECONDS": "1",
        "RATSFLOW_ELECTION_SECONDS": "1",
    }
    env.pop("RATSFLOW_TEST_CRASH_POINT", None)
    if crash:
        env["RATSFLOW_TEST_CRASH_POINT"] = crash
    return subprocess.Popen(
        [RATSFLOW, "scheduler"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def _wait_until(condition: object, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.1)  # polling for an outcome with a deadline, not waiting for time
    return False


@pytest.mark.parametrize("point", ["after_sweep", "after_claim", "after_smtp_accept"])
def test_every_due_reminder_arrives_after_a_crash_at(
    rt: Runtime, smtp: tuple[Inbox, int], point: str
) -> None:
    inbox, port = smtp
    people = city(rt)
    _overdue_deadlines(rt, people["responsible"], COUNT)

    crashed = _start(rt, port, point)
    try:
        assert crashed.wait(timeout=120) == -signal.SIGKILL
    finally:
        crashed.kill()
    restarted = _start(rt, port, None)
    try:
        assert _wait_until(
            lambda: len(rows(rt)) == COUNT and all(r.status == "sent" for r in rows(rt)), 120
        )
    finally:
        restarted.send_signal(signal.SIGTERM)
        restarted.wait(timeout=180)

    expected = {r.message_id for r in rows(rt)}
    arrived = Counter(inbox.message_ids())
    assert set(arrived) == expected
    duplicates = {mid: n for mid, n in arrived.items() if n > 1}
    if point == "after_smtp_accept":
        assert len(duplicates) <= 1 and all(n == 2 for n in duplicates.values())
    else:
        assert duplicates == {}
