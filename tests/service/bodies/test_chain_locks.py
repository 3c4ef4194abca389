"""Each body queues only on its own chain lock (PostgreSQL; SQLite has one writer anyway).

While a transaction of body A holds A's chain lock, a step in body B commits at once; a
second step in body A waits until A's lock is free. Deadlines the step starts belong to
the item's body.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import select

from service.actor import Actor
from service.audit.models import AuditEvent
from service.audit.repository import lock_chain
from service.deadlines.models import Deadline
from service.runtime import Runtime
from tests import factories
from tests.service.chain_first import watching_statements

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.parametrize("database_url", ["postgres"], indirect=True),
]
NEIGHBOUR = "nachbarstadt"
LEITUNG = Actor(user_id=None, person_id=None, roles=frozenset({"ag_leitung"}), name="Leitung")
deadlines = Deadline.__table__  # type: ignore[attr-defined]
audit_events = AuditEvent.__table__  # type: ignore[attr-defined]


def _submit(runtime: Runtime, measure_id: int) -> None:
    with runtime.write() as c:
        runtime.lifecycle.fire(
            c, "measure", measure_id, "einreichen", actor=LEITUNG, now=runtime.now()
        )


def _in_thread(act: Any, name: str) -> tuple[threading.Thread, list[BaseException]]:
    errors: list[BaseException] = []

    def run() -> None:
        try:
            act()
        except BaseException as exc:  # reported to the test thread
            errors.append(exc)

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()
    return thread, errors


def test_a_body_does_not_wait_for_another_bodys_chain_lock(
    runtime: Runtime,
) -> None:
    neighbour = runtime.for_body(NEIGHBOUR)
    own_first, own_second = factories.measure(runtime), factories.measure(runtime)
    theirs = factories.measure(neighbour)
    asked = threading.Event()

    def spy(_c: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "pg_advisory_xact_lock" in statement and threading.current_thread().name == "A2":
            asked.set()

    with watching_statements(runtime.engine, spy):
        with runtime.engine.connect() as holder, holder.begin():
            lock_chain(holder, runtime.chain_key)
            waiting, waiting_errors = _in_thread(lambda: _submit(runtime, own_second), "A2")
            assert asked.wait(10), "der zweite Schritt in A fragt nie nach der Kettensperre"
            other, other_errors = _in_thread(lambda: _submit(neighbour, theirs), "B")
            other.join(timeout=1)
            assert not other.is_alive(), "B wartet auf die Kettensperre von A"
            assert other_errors == []
            assert waiting.is_alive(), "der zweite Schritt in A wartet nicht auf A"
        waiting.join(timeout=10)
        assert not waiting.is_alive() and waiting_errors == []
    _submit(runtime, own_first)
    with runtime.read() as c:
        bodies = dict(c.execute(select(deadlines.c.entity_id, deadlines.c.body_id)).all())
        chains = set(c.execute(select(audit_events.c.chain_key).distinct()).scalars())
    assert bodies[theirs] == neighbour.body_id
    assert bodies[own_second] == bodies[own_first] == runtime.body_id != neighbour.body_id
    assert chains == {runtime.chain_key, NEIGHBOUR}
