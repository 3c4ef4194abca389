"""Meetings (Sitzungen): planning one and its agenda.

Who attended is in ``attendance``, what a caller reads of a meeting in ``reading``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.engine import Connection

from service import access, texts
from service.actor import Actor
from service.committees import repository
from service.committees.service import get_committee_or_none, invalid
from service.errors import Conflict, NotFound
from service.invitations.cancellation import CancellationNotice, tell_invited
from service.records import create_row, hold_chain, update_audited
from service.runtime import Runtime
from service.texts import TextRule
from workflow.calendar import to_local

MEETING_TEXTS = {"location": TextRule("Ort", 200)}
CANCEL_TEXTS = {"cancel_reason": TextRule("Grund der Absage", 500)}
# What a calendar shows of a meeting: changing one of them raises its sequence.
CALENDAR_FIELDS = ("starts_at", "location")
AGENDA_TEXTS = {
    "number": TextRule("Nummer", 20, required="Bitte eine Nummer angeben, z. B. Ö 3."),
    "title": TextRule(
        "Gegenstand", 500, required="Bitte einen Titel angeben oder eine Vorlage wählen."
    ),
}


def insert_meeting(runtime: Runtime, connection: Connection, actor: Actor, **values: Any) -> int:
    """Stores a meeting as given; checks nothing."""
    values.setdefault("body_id", runtime.body_id_in(connection))
    return create_row(runtime, connection, actor, repository.meetings, "meeting", values)


def new_meeting(
    runtime: Runtime,
    connection: Connection,
    actor: Actor,
    *,
    committee_id: int,
    starts_at: datetime,
    location: str | None = None,
) -> int:
    access.require(actor, "meeting.manage")
    texts.check("sitzung", MEETING_TEXTS, {"location": location})
    body_id = runtime.body_id_in(connection)
    if get_committee_or_none(connection, body_id, committee_id) is None:
        raise invalid("committee_id", "Gremium", f"Gremium {committee_id} gibt es nicht.")
    return insert_meeting(
        runtime,
        connection,
        actor,
        body_id=body_id,
        committee_id=committee_id,
        starts_at=starts_at,
        location=location,
    )


def get_meeting_or_none(connection: Connection, body_id: int, meeting_id: int) -> Any:
    return repository.meeting(connection, body_id, meeting_id)


def get_meeting(connection: Connection, body_id: int, meeting_id: int) -> Any:
    """The body's meeting; another body's is as missing as a wrong id."""
    row = repository.meeting(connection, body_id, meeting_id)
    if row is None:
        raise NotFound("Sitzung", meeting_id)
    return row


def visible_meeting(
    runtime: Runtime, connection: Connection, actor: Actor | None, meeting_id: int
) -> Any:
    """The meeting, if this caller may see it; one they may not see (another body's among
    them) does not exist for them."""
    row = get_meeting(connection, runtime.body_id_in(connection), meeting_id)
    if not access.may_see_meeting(actor, row.committee_kind):
        raise NotFound("Sitzung", meeting_id)
    return row


def page_meetings(
    runtime: Runtime, connection: Connection, actor: Actor | None, **kwargs: Any
) -> list[Any]:
    """A page of the body's meetings this caller may see (the public: of council bodies
    only)."""
    internal = access.holds(actor, "meeting.read_internal")
    kinds = None if internal else access.PUBLIC_COMMITTEE_KINDS
    return repository.page_meetings(
        connection, runtime.body_id_in(connection), kinds=kinds, **kwargs
    )


def edit_meeting(
    runtime: Runtime, connection: Connection, actor: Actor, meeting_id: int, **values: Any
) -> None:
    access.require(actor, "meeting.manage")
    row = get_meeting(connection, runtime.body_id_in(connection), meeting_id)
    texts.check("sitzung", MEETING_TEXTS, values)
    moved_to = values.get("starts_at")
    if moved_to is not None and to_local(moved_to).date() != to_local(row.starts_at).date():
        # The decisions taken in it carry its day, in their history and their deadlines.
        votes = repository.votes_held_in(connection, meeting_id)
        if votes:
            raise Conflict(
                "sitzung-mit-abstimmungen",
                "Sitzung mit Abstimmungen",
                f"In der Sitzung am {to_local(row.starts_at):%d.%m.%Y} sind schon {votes} "
                "Abstimmung(en) erfasst; sie tragen deren Datum, darum lässt sich der Tag der "
                "Sitzung nicht mehr ändern.",
            )
    if any(values[k] != getattr(row, k) for k in CALENDAR_FIELDS if k in values):
        # A subscribed calendar replaces its copy only when the sequence grows; the next
        # invitation is a changed one, not a Nachtrag (``invitations``).
        values = {**values, "sequence": row.sequence + 1, "moved_in_sequence": row.sequence + 1}
    update_audited(
        connection,
        runtime.chain_key,
        repository.meetings,
        meeting_id,
        values,
        actor=actor,
        now=runtime.now(),
        entity_type="meeting",
    )
    if moved_to is not None:
        _replan_steps(runtime, connection, actor, meeting_id, to_local(moved_to).date())


def _replan_steps(
    runtime: Runtime, connection: Connection, actor: Actor, meeting_id: int, day: date
) -> None:
    """The papers' open steps in a session moved to another day are planned for that day."""
    for step in repository.open_consultations_in(connection, meeting_id):
        update_audited(
            connection,
            runtime.chain_key,
            repository.consultations,
            step.id,
            {"planned_on": day},
            actor=actor,
            now=runtime.now(),
            entity_type="consultation",
            before=step,
        )


def why_not_cancellable(runtime: Runtime, connection: Connection, meeting: Any) -> str | None:
    """Why the meeting can no longer be called off, or None.

    A cancellation tells the members not to come; once the session has begun that is
    untrue (what did not go on was broken off or failed, not cancelled), and its members
    would get a letter and a calendar removal for a day that is already history. What was
    recorded of it (votes, attendance) proves it met whatever its date says now.
    """
    if repository.votes_held_in(connection, meeting.id):
        held = "Abstimmungen erfasst"
    elif repository.attendance_recorded(connection, meeting.id):
        held = "Anwesenheit erfasst"
    elif meeting.starts_at <= runtime.now():
        return (
            f"Die Sitzung hat am {to_local(meeting.starts_at):%d.%m.%Y um %H:%M} Uhr begonnen; "
            "eine Absage ist nicht mehr möglich."
        )
    else:
        return None
    return f"Die Sitzung hat bereits stattgefunden ({held}); eine Absage ist nicht mehr möglich."


def cancel_meeting(
    runtime: Runtime,
    connection: Connection,
    actor: Actor,
    meeting_id: int,
    *,
    reason: str | None = None,
) -> CancellationNotice:
    """Calls a session off: it stays on record (and in calendars, as cancelled), and its
    papers' steps stay planned here until the Sitzungsdienst moves them. In this
    transaction, invitations still waiting in the outbox are taken back, and everyone who
    had one, members who have left the committee since among them, gets the cancellation
    with the entry that removes it from their calendar; the audit event says how many, whom
    ratsflow could not e-mail and whose invitation it took back. A session that has begun
    or has votes or attendance recorded is refused (``why_not_cancellable``)."""
    access.require(actor, "meeting.manage")
    row = get_meeting(connection, runtime.body_id_in(connection), meeting_id)
    texts.check("sitzung", CANCEL_TEXTS, {"cancel_reason": reason})
    if row.cancelled_at is not None:
        raise Conflict(
            "sitzung-abgesagt",
            "Sitzung bereits abgesagt",
            f"Die Sitzung wurde am {to_local(row.cancelled_at):%d.%m.%Y} abgesagt.",
        )
    held = why_not_cancellable(runtime, connection, row)
    if held is not None:
        raise Conflict("sitzung-stattgefunden", "Sitzung hat stattgefunden", held)
    # The chain lock before the first change: see service.records.
    hold_chain(connection, runtime.chain_key)
    now = runtime.now()
    sequence = row.sequence + 1
    notice = tell_invited(runtime, connection, row, sequence=sequence, reason=reason, now=now)
    update_audited(
        connection,
        runtime.chain_key,
        repository.meetings,
        meeting_id,
        {"cancelled_at": now, "cancel_reason": reason, "sequence": sequence},
        actor=actor,
        now=now,
        entity_type="meeting",
        before=row,
        action="meeting.cancel",
        context=notice.audit_context(),
    )
    return notice


# --- agenda --------------------------------------------------------------------------------


def add_agenda_item(
    runtime: Runtime,
    connection: Connection,
    actor: Actor,
    meeting_id: int,
    *,
    number: str,
    title: str | None,
    public: bool,
    paper_id: int | None = None,
    position: int | None = None,
) -> int:
    """A Tagesordnungspunkt; one that treats a paper schedules the paper's open step here.

    Without a title it takes the paper's. A non-public paper belongs to the non-public
    part: the public agenda would otherwise announce what the council keeps confidential.
    """
    access.require(actor, "meeting.manage")
    body_id = runtime.body_id_in(connection)
    meeting = get_meeting(connection, body_id, meeting_id)
    if meeting.cancelled_at is not None:
        raise Conflict(
            "sitzung-abgesagt",
            "Sitzung abgesagt",
            f"Die Sitzung am {to_local(meeting.starts_at):%d.%m.%Y} ist abgesagt; ihre "
            "Tagesordnung lässt sich nicht mehr erweitern.",
        )
    if paper_id is not None:
        # Another body's paper is refused as a wrong id is.
        paper = repository.paper_heading(connection, body_id, paper_id)
        if paper is None:
            raise invalid("paper_id", "Vorlage", f"Vorlage {paper_id} gibt es nicht.")
        if public and not paper.public:
            raise invalid(
                "public",
                "öffentlich",
                "Eine nicht öffentliche Vorlage gehört in den nicht öffentlichen Teil.",
            )
        title = title or f"{paper.reference} {paper.title}"[:500]
    texts.check("tagesordnung", AGENDA_TEXTS, {"number": number, "title": title})
    if position is None:
        position = repository.next_agenda_position(connection, meeting_id)
    elif repository.agenda_position_taken(connection, meeting_id, position):
        raise Conflict(
            "position-vergeben",
            "Position vergeben",
            f"Die Tagesordnung hat schon einen Punkt an Position {position}.",
        )
    sequence = _supplement(runtime, connection, actor, meeting)
    item_id = create_row(
        runtime,
        connection,
        actor,
        repository.agenda_items,
        "agenda_item",
        {
            "meeting_id": meeting_id,
            "position": position,
            "number": number,
            "title": title,
            "public": public,
            "paper_id": paper_id,
            "added_in_sequence": sequence,
        },
    )
    if paper_id is not None:
        step = repository.unscheduled_consultation(connection, paper_id, meeting.committee_id)
        if step is not None:
            update_audited(
                connection,
                runtime.chain_key,
                repository.consultations,
                step.id,
                # The step is planned for the day of the session it moves to.
                {"meeting_id": meeting_id, "planned_on": to_local(meeting.starts_at).date()},
                actor=actor,
                before=step,
                now=runtime.now(),
                entity_type="consultation",
            )
    return item_id


def _supplement(runtime: Runtime, connection: Connection, actor: Actor, meeting: Any) -> int:
    """The version of the meeting an item added now first appears in. After the invitation
    went out an added item is a Nachtrag: the sequence grows, so sending the invitation
    again reaches every member with the Nachtrag and updates their calendar entry."""
    # Read again under the chain lock: two items added at once raise it twice.
    hold_chain(connection, runtime.chain_key)
    meeting = get_meeting(connection, meeting.body_id, meeting.id)
    if meeting.invitation_sent_at is None:
        return int(meeting.sequence)
    sequence = int(meeting.sequence) + 1
    update_audited(
        connection,
        runtime.chain_key,
        repository.meetings,
        meeting.id,
        {"sequence": sequence},
        actor=actor,
        now=runtime.now(),
        entity_type="meeting",
        before=meeting,
    )
    return sequence


def agenda(connection: Connection, meeting_id: int, *, public_only: bool) -> list[Any]:
    """The items with the paper each treats and the result of its step here, if any."""
    return repository.agenda_of(connection, meeting_id, public_only=public_only)


def mark_invited(connection: Connection, meeting_id: int, now: datetime) -> None:
    """When the invitations went out; ``invitations.send_invitation`` audits it."""
    repository.set_invitation_sent(connection, meeting_id, now)
