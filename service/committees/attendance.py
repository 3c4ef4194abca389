"""Who attended a meeting: the Sitzungsdienst's sheet, and what a vote needs of it.

``record_attendance`` is the one gate every change of the sheet passes (access, checks,
audit, one transaction); ``record_all_present`` fills the sheet for the usual case and hands
it to that gate, so the Sitzungsdienst then only changes the exceptions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.engine import Connection

from service import access
from service.actor import Actor
from service.audit.repository import lock_chain
from service.audit.service import record
from service.committees import repository
from service.committees.meetings import get_meeting
from service.committees.service import invalid, voting_member_ids
from service.errors import Conflict
from service.runtime import Runtime
from workflow.calendar import to_local

ATTENDANCE_STATES = ("anwesend", "entschuldigt", "abwesend")


@dataclass(frozen=True)
class AttendanceEntry:
    person_id: int
    status: str | None
    member: bool


def attendance_list(connection: Connection, meeting: Any) -> list[AttendanceEntry]:
    """Every member on the meeting's day, and any guest recorded.

    The table keeps one row per person present (``present``) or excused (not ``present``);
    once a list is recorded, a member without a row was absent without excuse. Before
    that, nobody's status is known.
    """
    rows = {r.person_id: r for r in repository.attendance_of(connection, meeting.id)}
    day = to_local(meeting.starts_at).date()
    members = repository.member_ids(connection, meeting.committee_id, day)
    recorded = bool(rows)
    entries = []
    for person_id in [*members, *(p for p in rows if p not in members)]:
        row = rows.get(person_id)
        if row is None:
            status = "abwesend" if recorded else None
        else:
            status = "anwesend" if row.present else "entschuldigt"
        entries.append(AttendanceEntry(person_id, status, person_id in members))
    return entries


@dataclass(frozen=True)
class AttendanceSheet:
    """What a vote in the meeting needs to know of who is there."""

    day: date
    recorded: bool
    present_voting: tuple[int, ...]


def attendance_sheet(connection: Connection, meeting: Any) -> AttendanceSheet:
    day = to_local(meeting.starts_at).date()
    entries = attendance_list(connection, meeting)
    voting = voting_member_ids(connection, meeting.committee_id, day)
    return AttendanceSheet(
        day=day,
        recorded=any(e.status is not None for e in entries),
        present_voting=tuple(
            e.person_id for e in entries if e.person_id in voting and e.status == "anwesend"
        ),
    )


def record_attendance(
    runtime: Runtime,
    connection: Connection,
    actor: Actor,
    meeting_id: int,
    entries: Sequence[tuple[int, str]],
) -> None:
    """Replaces the meeting's attendance list as a whole (the Sitzungsdienst's sheet)."""
    access.require(actor, "meeting.manage")
    # The chain lock before the first change: see service.records.
    lock_chain(connection, runtime.chain_key)
    body_id = runtime.body_id_in(connection)
    meeting = get_meeting(connection, body_id, meeting_id)
    if meeting.cancelled_at is not None:
        raise Conflict(
            "sitzung-abgesagt",
            "Sitzung abgesagt",
            f"Die Sitzung am {to_local(meeting.starts_at):%d.%m.%Y} ist abgesagt; für sie "
            "wird keine Anwesenheit erfasst.",
        )
    people = [p for p, _ in entries]
    duplicates = sorted({p for p in people if people.count(p) > 1})
    if duplicates:
        raise invalid(
            "entries",
            "Anwesenheit",
            f"Diese Personen stehen mehrfach in der Liste: {', '.join(map(str, duplicates))}.",
        )
    # Another body's person is as unknown here as a wrong id.
    known = repository.persons_by_id(connection, body_id, people)
    unknown = [p for p in people if p not in known]
    if unknown:
        raise invalid(
            "entries",
            "Anwesenheit",
            f"Diese Personen gibt es nicht: {', '.join(map(str, unknown))}.",
        )
    wrong = sorted({status for _, status in entries} - set(ATTENDANCE_STATES))
    if wrong:
        raise invalid("entries", "Anwesenheit", f"Unbekannter Status: {', '.join(wrong)}.")
    before = {e.person_id: e.status for e in attendance_list(connection, meeting)}
    rows = [
        {"meeting_id": meeting_id, "person_id": p, "present": status == "anwesend"}
        for p, status in entries
        if status != "abwesend"
    ]
    repository.replace_attendance(connection, meeting_id, rows)
    after = {e.person_id: e.status for e in attendance_list(connection, meeting)}
    changes = {
        f"person_{p}": (before.get(p), after.get(p))
        for p in sorted(set(before) | set(after))
        if before.get(p) != after.get(p)
    }
    record(
        connection,
        runtime.chain_key,
        actor=actor,
        now=runtime.now(),
        action="meeting.attendance",
        entity_type="meeting",
        entity_id=meeting_id,
        changes=changes,
        persons=sorted(set(before) | set(after)),
    )


def record_all_present(
    runtime: Runtime, connection: Connection, actor: Actor, meeting_id: int
) -> None:
    """Every member on the meeting's day present, in one step (the Stadtrat took 37 clicks
    when everyone started absent); a guest already on the sheet keeps their status."""
    access.require(actor, "meeting.manage")
    lock_chain(connection, runtime.chain_key)
    meeting = get_meeting(connection, runtime.body_id_in(connection), meeting_id)
    sheet = attendance_list(connection, meeting)
    entries = [(e.person_id, "anwesend") for e in sheet if e.member]
    entries += [(e.person_id, e.status) for e in sheet if not e.member and e.status is not None]
    record_attendance(runtime, connection, actor, meeting_id, entries)
