"""Papers (Vorlagen), their Beratungsfolge, and votes that decide them and their measures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from service.actor import Actor
from service.audit.service import record
from service.bodies.service import current_body_id
from service.committees import service as committees
from service.errors import Conflict, NotFound, NotQuorate
from service.lifecycle import repository as lifecycle_repository
from service.lifecycle.service import Transitioned
from service.papers import repository
from service.papers.models import Consultation, Paper, PaperMeasure, Vote, VoteParticipant
from service.records import create_row, insert_audited
from service.runtime import Runtime
from workflow.calendar import to_local
from workflow.engine import AvailableEvent, Subject
from workflow.errors import EventOption, FieldProblem, InvalidData, NotAllowed
from workflow.votes import InvalidVote, VoteInput, VoteResult, evaluate

papers = Paper.__table__  # type: ignore[attr-defined]
consultations = Consultation.__table__  # type: ignore[attr-defined]
paper_measures = PaperMeasure.__table__  # type: ignore[attr-defined]
votes = Vote.__table__  # type: ignore[attr-defined]
participants = VoteParticipant.__table__  # type: ignore[attr-defined]


def create_paper(runtime: Runtime, connection: Connection, actor: Actor, **values: Any) -> int:
    reference = values.get("reference")
    if reference is not None and repository.reference_taken(connection, reference):
        raise Conflict(
            "drucksachennummer-vergeben",
            "Drucksachennummer vergeben",
            f"Die Drucksachennummer „{reference}“ ist bereits vergeben.",
        )
    spec = runtime.registry.latest("vorlage").spec
    now = runtime.now()
    row = {
        "state": spec.initial,
        "version": 1,
        "definition_name": spec.name,
        "definition_version": spec.version,
        "fields": {},
        "created_at": now,
        "updated_at": now,
        **values,
    }
    return insert_audited(
        connection, runtime.chain_key, papers, row, actor=actor, now=now, entity_type="paper"
    )


def add_consultation(runtime: Runtime, connection: Connection, actor: Actor, **values: Any) -> int:
    return create_row(runtime, connection, actor, consultations, "consultation", values)


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
    paper = get_paper(connection, paper_id)
    if _is_final(runtime, paper):
        raise Conflict(
            "vorlage-abgeschlossen",
            "Vorlage abgeschlossen",
            f"Die Vorlage {paper.reference} ist abgeschlossen; ihre Beratungsfolge "
            "lässt sich nicht mehr ändern.",
        )
    committee = committees.get_committee_or_none(connection, committee_id)
    if committee is None:
        raise _invalid("committee_id", "Gremium", f"Gremium {committee_id} gibt es nicht.")
    if meeting_id is not None:
        meeting = committees.get_meeting_or_none(connection, meeting_id)
        if meeting is None or meeting.committee_id != committee_id:
            raise _invalid(
                "meeting_id",
                "Sitzung",
                f"Sitzung {meeting_id} ist keine Sitzung des Gremiums {committee.short_name}.",
            )
        if planned_on is None:
            planned_on = to_local(meeting.starts_at).date()
    if position is None:
        position = repository.next_position(connection, paper_id)
    elif repository.position_taken(connection, paper_id, position):
        raise Conflict(
            "position-vergeben",
            "Position vergeben",
            f"Die Beratungsfolge der Vorlage {paper.reference} hat schon einen Schritt "
            f"an Position {position}.",
        )
    return add_consultation(
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


def carry_measures(
    runtime: Runtime, connection: Connection, actor: Actor, paper_id: int, measure_ids: list[int]
) -> None:
    connection.execute(
        insert(paper_measures), [{"paper_id": paper_id, "measure_id": m} for m in measure_ids]
    )
    record(
        connection,
        runtime.chain_key,
        actor=actor,
        now=runtime.now(),
        action="paper.carry_measures",
        entity_type="paper",
        entity_id=paper_id,
        context={"measure_id": sorted(measure_ids)},
    )


def attach_measures(
    runtime: Runtime, connection: Connection, actor: Actor, paper_id: int, measure_ids: list[int]
) -> list[int]:
    """Lets the paper carry more measures, before its Beratungsfolge starts.

    Once a committee has the paper, its members decide on what was sent to them; a measure
    added later would be decided without having been put before them.
    """
    paper = get_paper(connection, paper_id)
    spec = runtime.registry.engine(paper.definition_name, paper.definition_version).spec
    if paper.state != spec.initial:
        raise Conflict(
            "vorlage-in-beratung",
            "Vorlage bereits in Beratung",
            f"Die Vorlage {paper.reference} ist im Zustand „{spec.states[paper.state].label}“; "
            "Maßnahmen lassen sich nur im Entwurf hinzufügen.",
        )
    wanted = list(dict.fromkeys(measure_ids))
    found = {row.id: row for row in repository.measures_by_id(connection, wanted)}
    unknown = [m for m in wanted if m not in found]
    if unknown:
        names = ", ".join(str(m) for m in unknown)
        raise _invalid("measure_ids", "Maßnahmen", f"Diese Maßnahmen gibt es nicht: {names}.")
    ended = [found[m].code for m in wanted if _measure_spec_final(runtime, connection, found[m].id)]
    if ended:
        raise _invalid(
            "measure_ids",
            "Maßnahmen",
            f"Diese Maßnahmen sind abgeschlossen und können keiner Vorlage mehr folgen: "
            f"{', '.join(ended)}.",
        )
    new = [m for m in wanted if m not in repository.carried_ids(connection, paper_id)]
    if new:
        carry_measures(runtime, connection, actor, paper_id, new)
    return sorted(repository.carried_ids(connection, paper_id))


def _measure_spec_final(runtime: Runtime, connection: Connection, measure_id: int) -> bool:
    row = lifecycle_repository.load_item(connection, "measure", measure_id)
    spec = runtime.registry.engine(row.definition_name, row.definition_version).spec
    return bool(spec.states[row.state].final)


def _is_final(runtime: Runtime, paper: Any) -> bool:
    spec = runtime.registry.engine(paper.definition_name, paper.definition_version).spec
    return bool(spec.states[paper.state].final)


def _invalid(field: str, label: str, message: str) -> InvalidData:
    return InvalidData("vorlage", [FieldProblem(field, label, message)])


def get_paper(connection: Connection, paper_id: int) -> Any:
    row = connection.execute(select(papers).where(papers.c.id == paper_id)).first()
    if row is None:
        raise NotFound("Vorlage", paper_id)
    return row


def paper_by_reference(connection: Connection, reference: str) -> Any:
    return connection.execute(select(papers).where(papers.c.reference == reference)).first()


@dataclass(frozen=True)
class VoteRequest:
    """A vote as recorded; the committee is named by slug or by the consultation."""

    committee_slug: str | None
    held_on: date
    present: int | None = None
    yes: int | None = None
    no: int | None = None
    abstain: int | None = None
    unanimous: bool = False
    biased_person_ids: tuple[int, ...] = ()
    present_person_ids: tuple[int, ...] = ()
    resolution_number: str | None = None
    comment: str | None = None
    version: int | None = None
    consultation_id: int | None = None


@dataclass(frozen=True)
class VoteRecorded:
    vote_id: int
    result: VoteResult
    transition: Transitioned


def record_vote(
    runtime: Runtime,
    connection: Connection,
    actor: Actor,
    paper_id: int,
    request: VoteRequest,
    request_id: str | None = None,
) -> VoteRecorded:
    """Records the vote and fires the paper event its outcome leads to, carried to measures.

    Which event that is comes from the definition: of the events possible now that ask for
    an ``abstimmungsergebnis``, the one whose conditions accept this outcome. The vote
    belongs to the committee's next open step of the Beratungsfolge; a step further down
    cannot vote while an earlier one has not (the Stadtrat decides after the FVA advised).
    """
    paper = get_paper(connection, paper_id)
    committee, consultation = _vote_target(connection, paper, request)
    members = committees.voting_members(connection, committee.id, request.held_on)
    _check_persons(connection, committee, request)
    present = request.present if request.present is not None else len(request.present_person_ids)
    unanimous_without_attendance = request.unanimous and present == 0
    result = evaluate(
        VoteInput(
            voting_members=members,
            present=members if unanimous_without_attendance else present,
            yes=request.yes,
            no=request.no,
            abstain=request.abstain,
            biased=len(request.biased_person_ids),
            unanimous=request.unanimous,
            quorum_stated=unanimous_without_attendance,
        ),
        committees.vote_rules(committee),
    )
    if not result.quorate:
        raise NotQuorate(result.explanation, members, present, result.required_present)
    now = runtime.now()
    consultation_id = consultation.id if consultation is not None else None
    meeting_id = consultation.meeting_id if consultation is not None else None
    public = bool(paper.public) and not (
        meeting_id is not None
        and repository.treated_in_closed_session(connection, paper_id, meeting_id)
    )
    values = {
        "paper_id": paper_id,
        "consultation_id": consultation_id,
        "committee_id": committee.id,
        "meeting_id": meeting_id,
        "held_on": request.held_on,
        "voting_members": members,
        "present": present or None,
        "yes": request.yes,
        "no": request.no,
        "abstain": request.abstain,
        "biased": len(request.biased_person_ids),
        "unanimous": request.unanimous,
        "quorum_stated": unanimous_without_attendance,
        "outcome": result.outcome,
        "explanation": result.explanation,
        "resolution_number": request.resolution_number,
        "public": public,
        "recorded_at": now,
        "recorded_by": actor.user_id,
    }
    vote_id = insert_audited(
        connection,
        runtime.chain_key,
        votes,
        values,
        actor=actor,
        now=now,
        entity_type="vote",
        persons=[*request.biased_person_ids, *request.present_person_ids],
        audited_values={k: v for k, v in values.items() if k not in ("explanation",)},
    )
    rows = [
        {"vote_id": vote_id, "person_id": p, "status": "anwesend"}
        for p in dict.fromkeys(request.present_person_ids)
        if p not in request.biased_person_ids
    ]
    rows += [
        {"vote_id": vote_id, "person_id": p, "status": "befangen"}
        for p in dict.fromkeys(request.biased_person_ids)
    ]
    if rows:
        connection.execute(insert(participants), rows)
    if consultation_id is not None:
        connection.execute(
            consultations.update()
            .where(consultations.c.id == consultation_id)
            .values(result=result.outcome)
        )
    event = _event_for_outcome(runtime, paper, result.outcome, now)
    data: dict[str, Any] = {"abstimmungsergebnis": result.outcome}
    if request.resolution_number:
        data["beschlussnummer"] = request.resolution_number
    transition = runtime.lifecycle.fire(
        connection,
        "paper",
        paper_id,
        event,
        actor=actor,
        now=now,
        expected_version=request.version,
        data=data,
        comment=request.comment,
        request_id=request_id,
        by_vote=True,
    )
    return VoteRecorded(vote_id, result, transition)


def _vote_target(connection: Connection, paper: Any, request: VoteRequest) -> tuple[Any, Any]:
    """The committee that voted and its step of the Beratungsfolge (None if unplanned)."""
    if request.consultation_id is not None:
        consultation = repository.consultation(connection, request.consultation_id)
        if consultation is None or consultation.paper_id != paper.id:
            raise InvalidVote(
                "consultation_id",
                f"Die Vorlage {paper.reference} hat keinen Beratungsschritt "
                f"{request.consultation_id}.",
            )
        if consultation.result is not None:
            raise Conflict(
                "beratung-abgeschlossen",
                "Beratung bereits abgeschlossen",
                f"Zu diesem Beratungsschritt der Vorlage {paper.reference} ist schon ein "
                f"Ergebnis erfasst ({consultation.result}).",
            )
        committee = committees.get_committee_or_none(connection, consultation.committee_id)
    else:
        committee = committees.committee_by_slug(connection, request.committee_slug or "")
        if committee is None:
            raise NotFound("Gremium", request.committee_slug)
        consultation = repository.open_consultation(connection, paper.id, committee.id)
    if consultation is not None:
        earlier = repository.earlier_open_consultations(connection, paper.id, consultation.position)
        if earlier:
            first = earlier[0]
            raise Conflict(
                "beratungsfolge-nicht-eingehalten",
                "Beratungsfolge nicht eingehalten",
                f"Die Vorlage {paper.reference} muss zuerst im {first.short_name} "
                f"(Schritt {first.position} der Beratungsfolge) beraten werden.",
            )
    return committee, consultation


def _check_persons(connection: Connection, committee: Any, request: VoteRequest) -> None:
    present = set(request.present_person_ids)
    biased = set(request.biased_person_ids)
    if present and not biased <= present:
        raise InvalidVote(
            "biased_person_ids",
            "Befangene Mitglieder sind anwesend; bitte sie auch unter den Anwesenden nennen.",
        )
    if request.present is not None and present and request.present != len(present):
        raise InvalidVote(
            "present",
            f"Es sind {request.present} Anwesende angegeben, aber {len(present)} namentlich "
            "genannt.",
        )
    members = committees.voting_member_ids(connection, committee.id, request.held_on)
    strangers = sorted((present | biased) - members)
    if strangers:
        names = ", ".join(str(p) for p in strangers)
        raise InvalidVote(
            "present_person_ids" if set(strangers) & present else "biased_person_ids",
            f"Diese Personen gehören am {request.held_on:%d.%m.%Y} nicht mit Stimmrecht "
            f"zum Gremium {committee.short_name}: {names}.",
        )


def _event_for_outcome(runtime: Runtime, paper: Any, outcome: str, now: datetime) -> str:
    engine = runtime.registry.engine(paper.definition_name, paper.definition_version)
    subject = Subject(paper.state, dict(paper.fields or {}))
    event = engine.decision_event(subject, {"abstimmungsergebnis": outcome}, now)
    if event is None:
        options = [EventOption(t.event, t.label) for t in engine.spec.events_from(paper.state)]
        raise NotAllowed("abstimmen", paper.state, options)
    return event


def allowed_events(runtime: Runtime, actor: Actor | None, row: Any) -> list[AvailableEvent]:
    """What this caller may fire on the paper now (nothing for the public).

    Never an event a vote decides: that one follows from recording the vote.
    """
    if actor is None:
        return []
    engine = runtime.registry.engine(row.definition_name, row.definition_version)
    subject = Subject(row.state, dict(row.fields or {}))
    return [
        a
        for a in engine.allowed_events(subject, actor.roles, runtime.now())
        if not runtime.lifecycle.decided_by_vote(row, a.event)
    ]


def history(connection: Connection, paper_id: int) -> list[Any]:
    get_paper(connection, paper_id)
    return lifecycle_repository.history_of(connection, "paper", paper_id)


def fire(
    runtime: Runtime,
    connection: Connection,
    actor: Actor,
    paper_id: int,
    event: str,
    *,
    version: int | None = None,
    data: dict[str, Any] | None = None,
    comment: str | None = None,
    request_id: str | None = None,
) -> Transitioned:
    return runtime.lifecycle.fire(
        connection,
        "paper",
        paper_id,
        event,
        actor=actor,
        now=runtime.now(),
        expected_version=version,
        data=data,
        comment=comment,
        request_id=request_id,
    )


# --- reading, for the API ----------------------------------------------------------------


def page_papers(connection: Connection, **kwargs: Any) -> list[Any]:
    return repository.page_papers(connection, **kwargs)


def consultations_of(connection: Connection, paper_id: int) -> list[Any]:
    return repository.consultations_of(connection, paper_id)


def votes_of(connection: Connection, paper_id: int) -> list[Any]:
    return repository.votes_of(connection, paper_id)


def vote_participants(connection: Connection, vote_ids: list[int]) -> list[Any]:
    return repository.participants_of(connection, vote_ids)


def measures_of(connection: Connection, paper_id: int) -> list[Any]:
    return repository.measures_of(connection, paper_id)


def current_body(runtime: Runtime, connection: Connection) -> int:
    return current_body_id(connection, runtime.chain_key)
