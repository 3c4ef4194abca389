"""Papers (Vorlagen), their Beratungsfolge, and votes that decide them and their measures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from service.actor import Actor
from service.audit.service import record
from service.committees import service as committees
from service.errors import NotFound
from service.lifecycle import repository as lifecycle_repository
from service.lifecycle.service import Transitioned
from service.papers.models import Consultation, Paper, PaperMeasure, Vote, VoteParticipant
from service.records import create_row, insert_audited
from service.runtime import Runtime
from workflow.engine import Subject
from workflow.errors import EventOption, NotAllowed, WorkflowError
from workflow.votes import VoteInput, VoteResult, evaluate

papers = Paper.__table__  # type: ignore[attr-defined]
consultations = Consultation.__table__  # type: ignore[attr-defined]
paper_measures = PaperMeasure.__table__  # type: ignore[attr-defined]
votes = Vote.__table__  # type: ignore[attr-defined]
participants = VoteParticipant.__table__  # type: ignore[attr-defined]


class NotQuorate(WorkflowError):
    def __init__(self, result: VoteResult) -> None:
        super().__init__(result.explanation)
        self.result = result
        self.detail = result.explanation


def create_paper(runtime: Runtime, connection: Connection, actor: Actor, **values: Any) -> int:
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


def get_paper(connection: Connection, paper_id: int) -> Any:
    row = connection.execute(select(papers).where(papers.c.id == paper_id)).first()
    if row is None:
        raise NotFound("Vorlage", paper_id)
    return row


def paper_by_reference(connection: Connection, reference: str) -> Any:
    return connection.execute(select(papers).where(papers.c.reference == reference)).first()


@dataclass(frozen=True)
class VoteRequest:
    committee_slug: str
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
    an ``abstimmungsergebnis``, the one whose conditions accept this outcome.
    """
    paper = get_paper(connection, paper_id)
    committee = committees.committee_by_slug(connection, request.committee_slug)
    if committee is None:
        raise NotFound("Gremium", request.committee_slug)
    members = committees.voting_members(connection, committee.id, request.held_on)
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
        raise NotQuorate(result)
    now = runtime.now()
    consultation_id = connection.execute(
        select(consultations.c.id).where(
            consultations.c.paper_id == paper_id, consultations.c.committee_id == committee.id
        )
    ).scalar()
    values = {
        "paper_id": paper_id,
        "consultation_id": consultation_id,
        "committee_id": committee.id,
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
        "public": paper.public,
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
        for p in request.present_person_ids
        if p not in request.biased_person_ids
    ]
    rows += [
        {"vote_id": vote_id, "person_id": p, "status": "befangen"}
        for p in request.biased_person_ids
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
    )
    return VoteRecorded(vote_id, result, transition)


def _event_for_outcome(runtime: Runtime, paper: Any, outcome: str, now: datetime) -> str:
    engine = runtime.registry.engine(paper.definition_name, paper.definition_version)
    subject = Subject(paper.state, dict(paper.fields or {}))
    event = engine.decision_event(subject, {"abstimmungsergebnis": outcome}, now)
    if event is None:
        options = [EventOption(t.event, t.label) for t in engine.spec.events_from(paper.state)]
        raise NotAllowed("abstimmen", paper.state, options)
    return event


def history(connection: Connection, paper_id: int) -> list[Any]:
    get_paper(connection, paper_id)
    return lifecycle_repository.history_of(connection, "paper", paper_id)
