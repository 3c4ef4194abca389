"""Helpers for tests of logged reads: the access events written, and an audit that fails."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from service.audit import repository as audit_repository
from service.audit.models import AuditEvent, AuditEventPerson
from service.runtime import Runtime

events = AuditEvent.__table__  # type: ignore[attr-defined]
# The trail's own uses that show its contents: accesses like the ``*.read`` events.
TRAIL_ACCESSES = ("audit.query", "audit.export", "audit.disclosure")
event_persons = AuditEventPerson.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Read:
    actor_id: int | None
    entity_id: int | None
    persons: frozenset[int]


def reads(runtime: Runtime, action: str) -> list[Read]:
    """The access events ``action`` (e.g. ``attachment.read``) in the order written."""
    with runtime.read() as c:
        rows = c.execute(
            select(events.c.id, events.c.actor_id, events.c.entity_id)
            .where(events.c.action == action)
            .order_by(events.c.seq)
        ).all()
        found = []
        for row in rows:
            persons = c.execute(
                select(event_persons.c.person_id).where(event_persons.c.event_id == row.id)
            ).scalars()
            found.append(Read(row.actor_id, row.entity_id, frozenset(persons)))
    return found


@dataclass(frozen=True)
class Access:
    action: str
    entity_id: int | None
    actor_id: int | None


def accesses(runtime: Runtime) -> list[Access]:
    """Every access event so far (each ``*.read`` and the trail's own queries), in order."""
    with runtime.read() as c:
        rows = c.execute(
            select(events.c.action, events.c.entity_id, events.c.actor_id)
            .where(events.c.action.endswith(".read") | events.c.action.in_(TRAIL_ACCESSES))
            .order_by(events.c.seq)
        ).all()
    return [Access(r.action, r.entity_id, r.actor_id) for r in rows]


def audit_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on no audit event can be written, as with a full disk or a lost connection."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise OperationalError("INSERT INTO audit_events", {}, Exception("disk I/O error"))

    monkeypatch.setattr(audit_repository, "append", refuse)
