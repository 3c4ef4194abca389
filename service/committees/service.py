"""Committees, their members with voting right, and meetings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.engine import Connection

from service.access import PUBLIC_COMMITTEE_KINDS
from service.actor import Actor
from service.audit.service import record
from service.bodies.service import current_body_id
from service.committees import repository
from service.committees.models import AgendaItem, Committee, Meeting, Membership
from service.errors import Conflict, NotFound
from service.papers.models import Consultation
from service.records import create_row, update_audited
from service.runtime import Runtime
from workflow.calendar import to_local
from workflow.errors import FieldProblem, InvalidData
from workflow.votes import VoteRules

committees = Committee.__table__  # type: ignore[attr-defined]
memberships = Membership.__table__  # type: ignore[attr-defined]
meetings = Meeting.__table__  # type: ignore[attr-defined]
agenda_items = AgendaItem.__table__  # type: ignore[attr-defined]
consultations = Consultation.__table__  # type: ignore[attr-defined]


def create_committee(runtime: Runtime, connection: Connection, actor: Actor, **values: Any) -> int:
    return create_row(runtime, connection, actor, committees, "committee", values)


def add_membership(runtime: Runtime, connection: Connection, actor: Actor, **values: Any) -> int:
    return create_row(
        runtime, connection, actor, memberships, "membership", values, persons=[values["person_id"]]
    )


def create_meeting(runtime: Runtime, connection: Connection, actor: Actor, **values: Any) -> int:
    return create_row(runtime, connection, actor, meetings, "meeting", values)


def committee_by_slug(connection: Connection, slug: str) -> Any:
    return connection.execute(select(committees).where(committees.c.slug == slug)).first()


def voting_members(connection: Connection, committee_id: int, on: date) -> int:
    """Seats with voting right on that day (memberships are dated, members change)."""
    return int(
        connection.execute(
            select(func.count()).where(
                memberships.c.committee_id == committee_id,
                memberships.c.voting_right.is_(True),
                or_(memberships.c.valid_from.is_(None), memberships.c.valid_from <= on),
                or_(memberships.c.valid_until.is_(None), memberships.c.valid_until >= on),
            )
        ).scalar_one()
    )


def vote_rules(row: Any) -> VoteRules:
    return VoteRules(**(row.vote_rules or {}))


def meeting_on(connection: Connection, committee_id: int, starts_at: datetime) -> int | None:
    return connection.execute(
        select(meetings.c.id).where(
            and_(meetings.c.committee_id == committee_id, meetings.c.starts_at == starts_at)
        )
    ).scalar()


# --- the council API: reading, editing, agenda and attendance ------------------------------

ATTENDANCE_STATES = ("anwesend", "entschuldigt", "abwesend")


def get_committee_or_none(connection: Connection, committee_id: int) -> Any:
    return repository.committee(connection, committee_id)


def get_committee(connection: Connection, committee_id: int) -> Any:
    row = repository.committee(connection, committee_id)
    if row is None:
        raise NotFound("Gremium", committee_id)
    return row


def get_meeting_or_none(connection: Connection, meeting_id: int) -> Any:
    return repository.meeting(connection, meeting_id)


def get_meeting(connection: Connection, meeting_id: int) -> Any:
    row = repository.meeting(connection, meeting_id)
    if row is None:
        raise NotFound("Sitzung", meeting_id)
    return row


def voting_member_ids(connection: Connection, committee_id: int, on: date) -> set[int]:
    return repository.voting_member_ids(connection, committee_id, on)


def _invalid(field: str, label: str, message: str) -> InvalidData:
    return InvalidData("gremium", [FieldProblem(field, label, message)])


def _check_rules(rules: dict[str, Any]) -> None:
    try:
        VoteRules(**rules)
    except (TypeError, ValueError) as exc:
        raise _invalid("vote_rules", "Abstimmungsregeln", str(exc)) from None


def new_committee(runtime: Runtime, connection: Connection, actor: Actor, **values: Any) -> int:
    if repository.slug_taken(connection, values["slug"]):
        raise Conflict(
            "kurzname-vergeben",
            "Kennung vergeben",
            f"Die Kennung „{values['slug']}“ hat schon ein anderes Gremium.",
        )
    _check_rules(values.get("vote_rules") or {})
    values["body_id"] = current_body_id(connection, runtime.chain_key)
    return create_committee(runtime, connection, actor, **values)


def edit_committee(
    runtime: Runtime, connection: Connection, actor: Actor, committee_id: int, **values: Any
) -> None:
    get_committee(connection, committee_id)
    if "vote_rules" in values:
        _check_rules(values["vote_rules"] or {})
    update_audited(
        connection,
        runtime.chain_key,
        committees,
        committee_id,
        values,
        actor=actor,
        now=runtime.now(),
        entity_type="committee",
    )


def _check_term(valid_from: date | None, valid_until: date | None) -> None:
    if valid_from is not None and valid_until is not None and valid_until < valid_from:
        raise _invalid(
            "valid_until",
            "Mitglied bis",
            f"Das Ende ({valid_until:%d.%m.%Y}) liegt vor dem Beginn ({valid_from:%d.%m.%Y}).",
        )


def new_membership(
    runtime: Runtime, connection: Connection, actor: Actor, committee_id: int, **values: Any
) -> int:
    get_committee(connection, committee_id)
    person_id = values["person_id"]
    if not repository.persons_by_id(connection, [person_id]):
        raise _invalid("person_id", "Person", f"Person {person_id} gibt es nicht.")
    _check_term(values.get("valid_from"), values.get("valid_until"))
    return add_membership(runtime, connection, actor, committee_id=committee_id, **values)


def end_membership(
    runtime: Runtime,
    connection: Connection,
    actor: Actor,
    committee_id: int,
    membership_id: int,
    valid_until: date,
) -> Any:
    row = repository.membership(connection, membership_id)
    if row is None or row.committee_id != committee_id:
        raise NotFound("Mitgliedschaft", membership_id)
    if row.valid_until is not None:
        raise Conflict(
            "mitgliedschaft-beendet",
            "Mitgliedschaft bereits beendet",
            f"Die Mitgliedschaft {membership_id} endete schon am {row.valid_until:%d.%m.%Y}.",
        )
    _check_term(row.valid_from, valid_until)
    update_audited(
        connection,
        runtime.chain_key,
        memberships,
        membership_id,
        {"valid_until": valid_until},
        actor=actor,
        now=runtime.now(),
        entity_type="membership",
        persons=[row.person_id],
    )
    return repository.membership(connection, membership_id)


def new_meeting(runtime: Runtime, connection: Connection, actor: Actor, **values: Any) -> int:
    if repository.committee(connection, values["committee_id"]) is None:
        raise _invalid(
            "committee_id", "Gremium", f"Gremium {values['committee_id']} gibt es nicht."
        )
    return create_meeting(runtime, connection, actor, **values)


def edit_meeting(
    runtime: Runtime, connection: Connection, actor: Actor, meeting_id: int, **values: Any
) -> None:
    get_meeting(connection, meeting_id)
    update_audited(
        connection,
        runtime.chain_key,
        meetings,
        meeting_id,
        values,
        actor=actor,
        now=runtime.now(),
        entity_type="meeting",
    )


def add_agenda_item(
    runtime: Runtime,
    connection: Connection,
    actor: Actor,
    meeting_id: int,
    *,
    number: str,
    title: str,
    public: bool,
    paper_id: int | None = None,
    position: int | None = None,
) -> int:
    """A Tagesordnungspunkt; one that treats a paper schedules the paper's open step here.

    A non-public paper belongs to the non-public part: the public agenda would otherwise
    announce what the council keeps confidential.
    """
    meeting = get_meeting(connection, meeting_id)
    if paper_id is not None:
        paper_public = repository.paper_exists_public(connection, paper_id)
        if paper_public is None:
            raise _invalid("paper_id", "Vorlage", f"Vorlage {paper_id} gibt es nicht.")
        if public and not paper_public:
            raise _invalid(
                "public",
                "öffentlich",
                "Eine nicht öffentliche Vorlage gehört in den nicht öffentlichen Teil.",
            )
    if position is None:
        position = repository.next_agenda_position(connection, meeting_id)
    elif repository.agenda_position_taken(connection, meeting_id, position):
        raise Conflict(
            "position-vergeben",
            "Position vergeben",
            f"Die Tagesordnung hat schon einen Punkt an Position {position}.",
        )
    item_id = create_row(
        runtime,
        connection,
        actor,
        agenda_items,
        "agenda_item",
        {
            "meeting_id": meeting_id,
            "position": position,
            "number": number,
            "title": title,
            "public": public,
            "paper_id": paper_id,
        },
    )
    if paper_id is not None:
        step = repository.unscheduled_consultation(connection, paper_id, meeting.committee_id)
        if step is not None:
            update_audited(
                connection,
                runtime.chain_key,
                consultations,
                step.id,
                {"meeting_id": meeting_id},
                actor=actor,
                now=runtime.now(),
                entity_type="consultation",
            )
    return item_id


def agenda(connection: Connection, meeting_id: int, *, public_only: bool) -> list[Any]:
    return repository.agenda_of(connection, meeting_id, public_only=public_only)


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


def record_attendance(
    runtime: Runtime,
    connection: Connection,
    actor: Actor,
    meeting_id: int,
    entries: Sequence[tuple[int, str]],
) -> None:
    """Replaces the meeting's attendance list as a whole (the Sitzungsdienst's sheet)."""
    meeting = get_meeting(connection, meeting_id)
    people = [p for p, _ in entries]
    duplicates = sorted({p for p in people if people.count(p) > 1})
    if duplicates:
        raise _invalid(
            "entries",
            "Anwesenheit",
            f"Diese Personen stehen mehrfach in der Liste: {', '.join(map(str, duplicates))}.",
        )
    known = repository.persons_by_id(connection, people)
    unknown = [p for p in people if p not in known]
    if unknown:
        raise _invalid(
            "entries",
            "Anwesenheit",
            f"Diese Personen gibt es nicht: {', '.join(map(str, unknown))}.",
        )
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


def page_committees(connection: Connection, **kwargs: Any) -> list[Any]:
    return repository.page_committees(connection, **kwargs)


def page_meetings(connection: Connection, **kwargs: Any) -> list[Any]:
    return repository.page_meetings(connection, **kwargs)


def memberships_of(connection: Connection, committee_id: int, **kwargs: Any) -> list[Any]:
    return repository.memberships_of(connection, committee_id, **kwargs)


def get_membership(connection: Connection, committee_id: int, membership_id: int) -> Any:
    row = repository.membership(connection, membership_id)
    if row is None or row.committee_id != committee_id:
        raise NotFound("Mitgliedschaft", membership_id)
    return row


def persons_by_id(connection: Connection, person_ids: list[int]) -> dict[int, Any]:
    return repository.persons_by_id(connection, person_ids)


def in_public_committee(connection: Connection, person_ids: list[int]) -> set[int]:
    return repository.in_public_committee(connection, person_ids, PUBLIC_COMMITTEE_KINDS)
