"""Many processes on one PostgreSQL database: two ``ratsflow serve``, two ``ratsflow scheduler``.

Real subprocesses on the test's own database. 16 client threads fire 2,000 transitions over
HTTP against both servers while 500 overdue deadlines owe a reminder each; the two
schedulers and the one embedded in the second server elect one leader by the database lock.
When the first reminders have arrived at the SMTP server of the test, the leading scheduler
is killed with SIGKILL: another process must lead within 30 s, and every reminder must still
arrive, at most one of them twice with the same Message-ID (the window between the
server's acceptance and our "sent"). No transition may be lost or doubled, and every audit
chain must verify.

Intervals are short through the settings (sweep, dispatch and election every second), so
the test waits for outcomes with a deadline, never for time to pass.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, insert, select, text

from service.audit.models import AuditEvent
from service.audit.trail import verify_all
from service.auth.tokens import issue_token
from service.lifecycle.models import HistoryEntry
from service.measures.models import Measure
from service.runtime import Runtime
from service.scheduler.lock import LOCK_KEY
from tests import factories
from tests.service.scheduler.conftest import Inbox
from tests.service.scheduler.helpers import city, overdue_reviews, rows
from tests.service.serving import RATSFLOW, ROOT, environment, free_port

measures = Measure.__table__  # type: ignore[attr-defined]
history = HistoryEntry.__table__  # type: ignore[attr-defined]
events = AuditEvent.__table__  # type: ignore[attr-defined]

CLIENTS = 16
PER_MEASURE = 25
MEASURES_PER_CLIENT = 5  # 16 x 5 x 25 = 2,000 transitions
TRANSITIONS = CLIENTS * MEASURES_PER_CLIENT * PER_MEASURE
REMINDERS = 500
HANDOVER_SECONDS = 30
KILL_AFTER = 20  # reminders arrived before the leader is killed: it dies while sending

LEADER = text(
    "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
    "WHERE l.locktype = 'advisory' AND l.granted "
    "AND ((l.classid::bigint << 32) | l.objid::bigint) = :key "
    # Advisory locks are per database: another test run's schedulers may share the server.
    "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
)


def _env(rt: Runtime, smtp_port: int) -> dict[str, str]:
    env = environment(
        rt.settings.database_url,
        RATSFLOW_SCHEDULER="embedded",  # the servers' schedulers stand by as well
        RATSFLOW_SMTP_HOST="127.0.0.1",
        RATSFLOW_SMTP_PORT=str(smtp_port),
        RATSFLOW_SWEEP_SECONDS="1",
        RATSFLOW_DISPATCH_SECONDS="1",
        RATSFLOW_ELECTION_SECONDS="1",
        RATSFLOW_SCHEDULER_LEASE_SECONDS="4",
    )
    env.pop("RATSFLOW_TEST_CRASH_POINT", None)
    return env


def _leader(rt: Runtime) -> int | None:
    """The process id of the scheduler that holds the lock, from its connection's name."""
    with rt.read() as c:
        names = list(c.execute(LEADER, {"key": LOCK_KEY}).scalars())
    assert len(names) <= 1, names
    return int(names[0].rsplit(" ", 1)[1]) if names else None


def _parent(pid: int) -> int | None:
    """The parent of a living process; None once it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])


def _one_of(started: set[int], pid: int | None) -> bool:
    """A living process the test started, or a worker of one (``serve --workers``)."""
    if pid is None:
        return False
    parent = _parent(pid)
    return parent is not None and (pid in started or parent in started)


def _wait_for(condition: Callable[[], object], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)  # polling for an outcome with a deadline, not waiting for time
    return False


class Processes:
    """The test's ``ratsflow`` processes, started without waiting for each other (each takes
    seconds to import) and stopped together: SIGTERM to all, then wait for each."""

    def __init__(self, env: dict[str, str], folder: Path) -> None:
        self.env = env
        self.folder = folder
        self.running: list[subprocess.Popen[bytes]] = []

    def start(self, name: str, *args: str, **env: str) -> subprocess.Popen[bytes]:
        with (self.folder / f"{name}.log").open("w") as out:
            process = subprocess.Popen(
                [RATSFLOW, *args],
                env={**self.env, **env},
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        self.running.append(process)
        return process

    def serve(self, name: str, *args: str, **env: str) -> tuple[subprocess.Popen[bytes], str]:
        port = free_port()
        process = self.start(name, "serve", "--port", str(port), *args, **env)
        return process, f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        for process in self.running:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.running:
            process.wait(timeout=60)


def _answers(base: str) -> bool:
    try:
        return httpx.get(f"{base}/readyz", timeout=2).status_code == 200
    except httpx.TransportError:
        return False


def _bulk_measures(rt: Runtime, programme: int, state: str, count: int, prefix: str) -> list[int]:
    now = datetime.now(UTC)
    with rt.write() as c:
        return list(
            c.execute(
                insert(measures).returning(measures.c.id),
                [
                    {
                        "body_id": rt.body_id,
                        "programme_id": programme,
                        "code": f"{prefix}-{i}",
                        "title": f"Maßnahme {prefix}-{i}",
                        "state": state,
                        "version": 1,
                        "definition_name": "massnahme",
                        "definition_version": rt.registry.latest("massnahme").spec.version,
                        "fields": {},
                        "created_at": now,
                        "updated_at": now,
                    }
                    for i in range(count)
                ],
            ).scalars()
        )


def _overdue_reminders(rt: Runtime, programme: int, responsible: int) -> None:
    """500 measures in AG review, each with its review two days overdue: one escalation each."""
    ids = _bulk_measures(rt, programme, "ag_pruefung", REMINDERS, "R")
    now = datetime.now(UTC)
    with rt.write() as c:
        c.execute(
            measures.update()
            .where(measures.c.id.in_(ids))
            .values(responsible_person_id=responsible)
        )
        overdue_reviews(c, rt.body_id, ids, now)


class Clients:
    """16 threads, each firing ``vertagen`` 25 times on each of its five measures, on one of
    the two servers. A request that fails in transit is repeated with its Idempotency-Key."""

    def __init__(self, bases: list[str], token: str, owned: list[list[int]]) -> None:
        self.bases = bases
        self.headers = {"Authorization": f"Bearer {token}"}
        self.owned = owned
        self.fired: Counter[int] = Counter()
        self.errors: list[str] = []
        self.lock = threading.Lock()
        self.threads = [
            threading.Thread(target=self._client, args=(n,), daemon=True) for n in range(CLIENTS)
        ]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def join(self, seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        for thread in self.threads:
            thread.join(max(deadline - time.monotonic(), 0))
        return not any(thread.is_alive() for thread in self.threads)

    def _client(self, n: int) -> None:
        session = (date.today() + timedelta(days=60)).isoformat()  # its reminders not yet due
        versions = dict.fromkeys(self.owned[n], 1)
        with httpx.Client(base_url=f"{self.bases[n % 2]}/api/v1", timeout=30) as client:
            for _ in range(PER_MEASURE):
                for measure_id, version in versions.items():
                    body = {
                        "event": "vertagen",
                        "version": version,
                        "data": {"sitzung_am": session},
                    }
                    answer = self._post(client, f"/measures/{measure_id}/transitions", body)
                    if answer is None:
                        return
                    versions[measure_id] = answer["version"]
                    with self.lock:
                        self.fired[measure_id] += 1

    def _post(
        self, client: httpx.Client, path: str, body: dict[str, object]
    ) -> dict[str, Any] | None:
        headers = {**self.headers, "Idempotency-Key": uuid.uuid4().hex}
        for _ in range(3):
            try:
                response = client.post(path, json=body, headers=headers)
            except httpx.TransportError:
                continue
            if response.status_code == 200:
                answer: dict[str, Any] = response.json()
                return answer
            break
        with self.lock:
            self.errors.append(f"{path}: {response.status_code} {response.text[:200]}")
        return None


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_two_servers_and_two_schedulers_lose_and_double_nothing(
    rt: Runtime, smtp: tuple[Inbox, int], tmp_path: Path
) -> None:
    inbox, port = smtp
    people = city(rt)
    programme = factories.programme(rt)
    clerk = factories.user(rt, "sitzungsdienst", with_person=False)
    with rt.write() as c:
        token, _ = issue_token(c, clerk.user_id, datetime.now(UTC))  # type: ignore[arg-type]
    moving = _bulk_measures(rt, programme, "fva_beratung", CLIENTS * MEASURES_PER_CLIENT, "T")
    owned = [moving[n::CLIENTS] for n in range(CLIENTS)]
    env = _env(rt, port)
    ready = time.monotonic()

    processes = Processes(env, tmp_path)
    try:
        # The two schedulers first, so that one of them leads; the second server's scheduler
        # joins as a further standby once a leader stands. The first server runs two workers
        # and no scheduler (RATSFLOW_SCHEDULER=off), as a deployment that keeps jobs apart.
        first = processes.start("scheduler-1", "scheduler")
        second = processes.start("scheduler-2", "scheduler")
        schedulers = {first.pid, second.pid}
        one, one_base = processes.serve("serve-1", "--workers", "2", RATSFLOW_SCHEDULER="off")
        assert _wait_for(lambda: _leader(rt) in schedulers, 120), "kein Scheduler wurde aktiv"
        two, two_base = processes.serve("serve-2")
        bases = [one_base, two_base]
        assert _wait_for(lambda: all(_answers(b) for b in bases), 120), "Server nicht bereit"
        clients = Clients(bases, token, owned)
        started = time.monotonic()
        clients.start()
        _overdue_reminders(rt, programme, people["responsible"])

        assert _wait_for(lambda: len(inbox.messages) >= KILL_AFTER, 120)
        killed = _leader(rt)
        assert killed in schedulers
        os.kill(killed, signal.SIGKILL)  # type: ignore[arg-type]
        dead_at = time.monotonic()
        alive = {first.pid, second.pid, one.pid, two.pid} - {killed}
        assert _wait_for(lambda: _one_of(alive, _leader(rt)), HANDOVER_SECONDS)
        handover = time.monotonic() - dead_at
        assert handover < HANDOVER_SECONDS

        assert _wait_for(
            lambda: len(rows(rt)) == REMINDERS and all(r.status == "sent" for r in rows(rt)), 180
        ), Counter(r.status for r in rows(rt))
        assert clients.join(300), "Transitionen nicht rechtzeitig fertig"
        elapsed = time.monotonic() - started
        assert _one_of(alive, _leader(rt))  # still exactly one, and a living one
        # The others stood by: none of them died.
        assert [p.poll() for p in (first, second, one, two) if p.pid != killed] == [None] * 3
    finally:
        processes.stop()
    # For the scaling page (docs/skalierung.md): visible with ``-s``.
    print(
        f"\nprocesses up after {started - ready:.1f} s; {TRANSITIONS} transitions, "
        f"{REMINDERS} reminders: {elapsed:.1f} s; handover {handover:.1f} s"
    )

    # No transition lost, none doubled: what the clients got back is what the database holds.
    assert clients.errors == []
    assert sum(clients.fired.values()) == TRANSITIONS
    with rt.read() as c:
        versions = dict(
            c.execute(
                select(measures.c.id, measures.c.version).where(measures.c.id.in_(moving))
            ).all()
        )
        steps = dict(
            c.execute(
                select(history.c.entity_id, func.count())
                .where(history.c.entity_type == "measure", history.c.event == "vertagen")
                .group_by(history.c.entity_id)
            ).all()
        )
        audited = c.execute(
            select(func.count()).where(
                events.c.entity_type == "measure",
                events.c.entity_id.in_(moving),
                events.c.action == "measure.transition",
            )
        ).scalar_one()
        reports = verify_all(c, rt.chain_key)
    assert versions == {m: 1 + PER_MEASURE for m in moving}
    assert steps == {m: PER_MEASURE for m in moving}
    assert audited == TRANSITIONS
    assert reports and all(r.verification.intact for r in reports)

    # Every reminder arrived; at most one twice, with the same Message-ID.
    expected = {r.message_id for r in rows(rt)}
    arrived = Counter(inbox.message_ids())
    assert set(arrived) == expected
    assert len(expected) == REMINDERS
    doubled = {mid: n for mid, n in arrived.items() if n > 1}
    assert len(doubled) <= 1 and all(n == 2 for n in doubled.values()), doubled
