"""The Beratungsfolge: which committee advises on a paper, decides it, or takes note of it.

Kenntnisnahme is the step of an Informationsvorlage (an issued Sachstandsbericht): the
committee takes no vote; the Sitzungsdienst records the session day on which it took note.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.engine import Connection

from service import access
from service.actor import Actor
from service.committees import meetings
from service.committees import service as committees
from service.errors import Conflict
from service.papers import left_behind, repository, rounds
from service.papers.service import invalid, is_final, visible_paper
from service.records import create_row, update_audited
from service.runtime import Runtime
from workflow.calendar import to_local

ROLES = ("vorberatung", "entscheidung", "kenntnisnahme")
ROLE_LABELS = {
    "vorberatung": "Vorberatung",
    "entscheidung": "Entscheidung",
    "kenntnisnahme": "Kenntnisnahme",
}
# The result a Kenntnisnahme records instead of a vote's outcome.
TAKEN_NOTE = "zur_kenntnis_genommen"
# What a step's result says: a vote's outcome, a Kenntnisnahme, or the end of its round.
RESULT_LABELS = {
    "angenommen": "angenommen",
    "abgelehnt": "abgelehnt",
    TAKEN_NOTE: "zur Kenntnis genommen",
    rounds.REFERRED: "zurückverwiesen",
    rounds.DROPPED: "entfallen",
}
# Why a step was dropped, by what closed it (``closed_by``).
DROPPED_LABELS = {
    "zurueckverweisen": "entfallen (Vorlage zurückverwiesen)",
    "zurueckziehen": "entfallen (Vorlage zurückgezogen)",
    left_behind.EVENT: "entfallen (Begründung im Verlauf)",
}


def result_label(result: str | None, closed_by: str | None = None) -> str:
    """What a step of the Beratungsfolge came to, in words; „offen“ while it has no result."""
    if result is None:
        return "offen"
    if result == rounds.DROPPED and closed_by in DROPPED_LABELS:
        return DROPPED_LABELS[closed_by]
    return RESULT_LABELS.get(result, result)


def insert_consultation(
    runtime: Runtime, connection: Connection, actor: Actor, **values: Any
) -> int:
    """Stores a step of the Beratungsfolge as given; checks nothing."""
    return create_row(runtime, connection, actor, repository.consultations, "consultation", values)


def plan_consultation(
    runtime: Runtime,
    connection: Connection,
    actor: Actor,
    paper_id: int,
    *,
    committee_id: int,
    role: str,
    meeting_id: int | None = None,
    position: int | None = None,
    planned_on: date | None = None,
) -> int:
    """Adds a step to the Beratungsfolge; a decided paper's Beratungsfolge is history."""
    access.require(actor, "paper.plan_consultations")
    paper = visible_paper(runtime, connection, actor, paper_id)
    if is_final(runtime, paper):
        raise Conflict(
            "vorlage-abgeschlossen",
            "Vorlage abgeschlossen",
            f"Die Vorlage {paper.reference} ist abgeschlossen; ihre Beratungsfolge "
            "lässt sich nicht mehr ändern.",
        )
    if role not in ROLES:
        raise invalid("role", "Rolle", "Bitte Vorberatung, Entscheidung oder Kenntnisnahme wählen.")
    # The committee and the meeting must be the paper's body's: another's is a wrong id.
    committee = committees.get_committee_or_none(connection, paper.body_id, committee_id)
    if committee is None:
        raise invalid("committee_id", "Gremium", f"Gremium {committee_id} gibt es nicht.")
    if meeting_id is not None:
        meeting = meetings.get_meeting_or_none(connection, paper.body_id, meeting_id)
        if meeting is None:
            raise invalid("meeting_id", "Sitzung", f"Sitzung {meeting_id} gibt es nicht.")
        if meeting.committee_id != committee_id:
            held_by = committees.get_committee_or_none(
                connection, paper.body_id, meeting.committee_id
            )
            raise invalid(
                "meeting_id",
                "Sitzung",
                f"Die Sitzung am {to_local(meeting.starts_at):%d.%m.%Y} gehört zum Gremium "
                f"„{held_by.name if held_by else '?'}“, nicht zum Gremium „{committee.name}“.",
            )
        day = to_local(meeting.starts_at).date()
        if planned_on is not None and planned_on != day:
            raise invalid(
                "planned_on",
                "Geplant am",
                f"Der Schritt gehört zur Sitzung am {day:%d.%m.%Y} und ist für deren Tag "
                f"geplant, nicht für den {planned_on:%d.%m.%Y}.",
            )
        planned_on = day
    if position is None:
        position = repository.next_position(connection, paper_id)
    elif repository.position_taken(connection, paper_id, position):
        raise Conflict(
            "position-vergeben",
            "Position vergeben",
            f"Die Beratungsfolge der Vorlage {paper.reference} hat schon einen Schritt "
            f"an Position {position}.",
        )
    _check_order(runtime, connection, paper, role, position)
    return insert_consultation(
        runtime,
        connection,
        actor,
        paper_id=paper_id,
        position=position,
        committee_id=committee_id,
        meeting_id=meeting_id,
        role=role,
        planned_on=planned_on,
    )


def _check_order(
    runtime: Runtime, connection: Connection, paper: Any, role: str, position: int
) -> None:
    """Refuses a step the paper could never reach: it is advised before it is decided, and
    once decided it is final, so a Vorberatung after an open Entscheidung would block it;
    a paper past its Vorberatung takes none until it is referred back (``rounds``)."""
    spec = runtime.registry.engine(paper.definition_name, paper.definition_version).spec
    if role == "vorberatung" and left_behind.past_vorberatung(spec, paper.state):
        raise Conflict(
            "beratungsfolge-unmoeglich",
            "Beratungsfolge unmöglich",
            f"Die Vorlage {paper.reference} steht schon in „{spec.state_label(paper.state)}“: "
            "Ihre Vorberatung ist abgeschlossen, über eine weitere Vorberatung würde nicht mehr "
            "abgestimmt. Erneut vorberaten wird eine Vorlage, nachdem sie zurückverwiesen wurde.",
        )
    steps = [s for s in repository.consultations_of(connection, paper.id) if s.result is None]
    if role == "vorberatung":
        clash = next((s for s in steps if s.role == "entscheidung" and s.position < position), None)
    elif role == "entscheidung":
        clash = next((s for s in steps if s.role == "vorberatung" and s.position > position), None)
    else:
        return
    if clash is None:
        return
    raise Conflict(
        "beratungsfolge-unmoeglich",
        "Beratungsfolge unmöglich",
        f"Die Vorberatung muss vor der Entscheidung stehen: In der Beratungsfolge der Vorlage "
        f"{paper.reference} steht an Position {clash.position} die "
        f"{ROLE_LABELS[clash.role]} im {clash.committee_short_name}, der neue Schritt an "
        f"Position {position} wäre die {ROLE_LABELS[role]}.",
    )


def consultations_of(connection: Connection, paper_id: int) -> list[Any]:
    return repository.consultations_of(connection, paper_id)


def consultation(connection: Connection, paper_id: int, consultation_id: int) -> Any:
    """A step of this paper's Beratungsfolge, with its committee's names."""
    return next(c for c in consultations_of(connection, paper_id) if c.id == consultation_id)


def record_taken_note(
    connection: Connection,
    chain_key: str,
    actor: Actor,
    consultation_id: int,
    *,
    now: datetime,
) -> None:
    """Marks a Kenntnisnahme step as done, audited; its caller checked who may and when."""
    step = repository.consultation(connection, consultation_id)
    if step is None or step.role != "kenntnisnahme":
        raise Conflict(
            "keine-kenntnisnahme",
            "Keine Kenntnisnahme",
            "Dieser Schritt der Beratungsfolge ist keine Kenntnisnahme.",
        )
    update_audited(
        connection,
        chain_key,
        repository.consultations,
        consultation_id,
        {"result": TAKEN_NOTE},
        before=step,
        actor=actor,
        now=now,
        entity_type="consultation",
    )
