"""``/api/v1/papers``: Vorlagen with their Beratungsfolge, carried measures and votes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status
from sqlalchemy.engine import Connection

from service import access, keyset
from service.actor import Actor
from service.api.council import permitted
from service.api.deps import MAX_ID, CurrentActor, MaybeActor, ReadDep, RuntimeDep, WriteDep
from service.api.idempotency import IdempotencyKeyHeader, answer_once
from service.api.problems import responses
from service.api.transitions import TransitionAsked
from service.auth.service import usernames
from service.committees import service as committees
from service.errors import NotFound
from service.lifecycle.service import Transitioned
from service.measures.schemas import (
    AllowedTransition,
    HistoryItem,
    TransitionResponse,
)
from service.papers import service
from service.papers.schemas import (
    CarriedMeasure,
    CarryRequest,
    CarryResponse,
    ConsultationCreate,
    ConsultationOut,
    PaperCreate,
    PaperDetail,
    PaperPage,
    PaperSummary,
    ParticipantOut,
    StepOut,
    VoteCreate,
    VoteOut,
    VoteResponse,
)
from service.people.service import display_name
from service.runtime import Runtime
from workflow.engine import Subject

router = APIRouter(prefix="/api/v1/papers", tags=["Vorlagen"])
PaperId = Annotated[int, Path(ge=1, le=MAX_ID)]
PaperCreator = Annotated[Actor, Depends(permitted("paper.create"))]
Carrier = Annotated[Actor, Depends(permitted("paper.carry_measures"))]
Planner = Annotated[Actor, Depends(permitted("paper.plan_consultations"))]
VoteRecorder = Annotated[Actor, Depends(permitted("vote.record"))]
SORTS = ("id", "reference", "created_at")
SORT_TYPES: dict[str, type] = {"id": int, "reference": str, "created_at": datetime}


def _visible_paper(connection: Connection, paper_id: int, actor: Actor | None) -> Any:
    row = service.get_paper(connection, paper_id)
    if not access.may_see_paper(actor, row):
        raise NotFound("Vorlage", paper_id)
    return row


def _state_label(runtime: Runtime, row: Any) -> str:
    spec = runtime.registry.engine(row.definition_name, row.definition_version).spec
    state = spec.states.get(row.state)
    return state.label if state else row.state


def _summary(runtime: Runtime, row: Any) -> PaperSummary:
    return PaperSummary(
        id=row.id,
        reference=row.reference,
        title=row.title,
        state=row.state,
        state_label=_state_label(runtime, row),
        public=row.public,
        version=row.version,
    )


def _votes(connection: Connection, paper_id: int, actor: Actor | None) -> list[VoteOut]:
    rows = [v for v in service.votes_of(connection, paper_id) if access.may_see_vote(actor, v)]
    staff = access.holds(actor, "paper.read_internal")
    people = service.vote_participants(connection, [v.id for v in rows])
    public_people = committees.in_public_committee(connection, [p.id for p in people])
    by_vote: dict[int, list[ParticipantOut]] = {}
    for p in people:
        if staff or access.person_is_public(p, p.id in public_people):
            by_vote.setdefault(p.vote_id, []).append(
                ParticipantOut(person_id=p.id, name=display_name(p), status=p.status)
            )
    names = usernames(connection, {v.recorded_by for v in rows}) if staff else {}
    return [
        VoteOut(
            id=v.id,
            committee_id=v.committee_id,
            committee_name=v.committee_name,
            consultation_id=v.consultation_id,
            meeting_id=v.meeting_id,
            held_on=v.held_on,
            voting_members=v.voting_members,
            present=v.present,
            yes=v.yes,
            no=v.no,
            abstain=v.abstain,
            biased=v.biased,
            unanimous=v.unanimous,
            quorum_stated=v.quorum_stated,
            outcome=v.outcome,
            explanation=v.explanation,
            resolution_number=v.resolution_number,
            public=v.public,
            participants=by_vote.get(v.id, []),
            recorded_at=v.recorded_at,
            recorded_by=names.get(v.recorded_by),
        )
        for v in rows
    ]


def _consultation(row: Any) -> ConsultationOut:
    return ConsultationOut(
        id=row.id,
        position=row.position,
        committee_id=row.committee_id,
        committee_name=row.committee_name,
        committee_short_name=row.committee_short_name,
        meeting_id=row.meeting_id,
        meeting_starts_at=row.meeting_starts_at,
        role=row.role,
        authoritative=row.role == "entscheidung",
        planned_on=row.planned_on,
        result=row.result,
    )


def _detail(runtime: Runtime, connection: Connection, row: Any, actor: Actor | None) -> PaperDetail:
    engine = runtime.registry.engine(row.definition_name, row.definition_version)
    allowed: list[AllowedTransition] = []
    if actor is not None:
        subject = Subject(row.state, dict(row.fields or {}))
        allowed = [
            AllowedTransition(
                event=a.event,
                label=a.label,
                target=a.target,
                requires=list(a.requires),
                optional=list(a.optional),
                comment_required=a.comment_required,
                blocked_by=list(a.blocked_by),
            )
            for a in engine.allowed_events(subject, actor.roles, runtime.now())
        ]
    measures = [
        CarriedMeasure(id=m.id, code=m.code, title=m.title, state=m.state, public=m.public)
        for m in service.measures_of(connection, row.id)
        if m.public or access.holds(actor, "measure.read_internal")
    ]
    return PaperDetail(
        **_summary(runtime, row).model_dump(),
        dezernat=row.dezernat,
        file_number=row.file_number,
        resolution_proposal=row.resolution_proposal,
        competence=row.competence,
        reasoning=row.reasoning,
        definition=row.definition_name,
        definition_version=row.definition_version,
        fields=dict(row.fields or {}),
        consultations=[_consultation(c) for c in service.consultations_of(connection, row.id)],
        votes=_votes(connection, row.id, actor),
        measures=measures,
        allowed_transitions=allowed,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


@router.get(
    "",
    summary="Vorlagen auflisten",
    description="Ohne Anmeldung nur öffentliche Vorlagen. Sortierung `id`, `reference` oder "
    "`created_at`, absteigend mit vorangestelltem `-`.",
    response_model=PaperPage,
    responses=responses(401, 422),
)
def list_papers(
    runtime: RuntimeDep,
    connection: ReadDep,
    actor: MaybeActor,
    state: Annotated[str | None, Query(max_length=50, description="Nur dieser Zustand.")] = None,
    reference: Annotated[
        str | None,
        Query(max_length=50, description="Drucksachennummer oder ihr Anfang, etwa `VII/`."),
    ] = None,
    committee_id: Annotated[
        int | None,
        Query(ge=1, le=MAX_ID, description="Nur Vorlagen mit Beratung in diesem Gremium."),
    ] = None,
    sort: Annotated[str, Query(examples=["-reference"])] = "id",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(description="Aus `next_cursor` der Vorseite.")] = None,
) -> PaperPage:
    order = keyset.parse_sort(sort, SORTS)
    rows = service.page_papers(
        connection,
        public_only=not access.holds(actor, "paper.read_internal"),
        state=state,
        reference=reference,
        committee_id=committee_id,
        sort=order,
        after=keyset.decode(cursor, order, SORT_TYPES[order.key]),
        limit=limit + 1,
    )
    return PaperPage(
        items=[_summary(runtime, r) for r in rows[:limit]],
        next_cursor=keyset.next_cursor(rows, limit, order, order.key),
    )


@router.post(
    "",
    summary="Vorlage anlegen",
    status_code=status.HTTP_201_CREATED,
    response_model=PaperDetail,
    responses=responses(401, 403, 409, 422),
)
def create_paper(
    body: PaperCreate, runtime: RuntimeDep, connection: WriteDep, actor: PaperCreator
) -> PaperDetail:
    values = body.model_dump()
    values["body_id"] = service.current_body(runtime, connection)
    paper_id = service.create_paper(runtime, connection, actor, **values)
    return _detail(runtime, connection, service.get_paper(connection, paper_id), actor)


@router.get(
    "/{paper_id}",
    summary="Vorlage lesen",
    description="Mit Beratungsfolge, Abstimmungen und getragenen Maßnahmen. Die "
    "Öffentlichkeit sieht nur öffentliche Vorlagen und Abstimmungen, ohne Namen von "
    "Beschäftigten.",
    response_model=PaperDetail,
    responses=responses(401, 404),
)
def get_paper(
    paper_id: PaperId,
    runtime: RuntimeDep,
    connection: ReadDep,
    actor: MaybeActor,
    response: Response,
) -> PaperDetail:
    row = _visible_paper(connection, paper_id, actor)
    response.headers["ETag"] = f'"{row.version}"'
    return _detail(runtime, connection, row, actor)


@router.get(
    "/{paper_id}/history",
    summary="Verlauf einer Vorlage",
    response_model=list[HistoryItem],
    responses=responses(401, 404),
)
def paper_history(paper_id: PaperId, connection: ReadDep, actor: MaybeActor) -> list[HistoryItem]:
    _visible_paper(connection, paper_id, actor)
    entries = service.history(connection, paper_id)
    staff = access.holds(actor, "paper.read_internal")
    names = usernames(connection, {e.actor_user_id for e in entries}) if staff else {}
    return [
        HistoryItem(
            at=e.at,
            event=e.event,
            label=e.label,
            from_state=e.from_state,
            to_state=e.to_state,
            actor=names.get(e.actor_user_id),
            role=e.actor_role,
            comment=e.comment,
            data=dict(e.data or {}),
        )
        for e in entries
    ]


@router.post(
    "/{paper_id}/consultations",
    summary="Beratungsschritt hinzufügen",
    description="Ein Schritt der Beratungsfolge: Gremium, Sitzung, Rolle (`vorberatung` = "
    "beratend, `entscheidung` = entscheidend) und Reihenfolge.",
    status_code=status.HTTP_201_CREATED,
    response_model=ConsultationOut,
    responses=responses(401, 403, 404, 409, 422),
)
def add_consultation(
    paper_id: PaperId,
    body: ConsultationCreate,
    runtime: RuntimeDep,
    connection: WriteDep,
    actor: Planner,
) -> ConsultationOut:
    _visible_paper(connection, paper_id, actor)
    consultation_id = service.plan_consultation(
        runtime, connection, actor, paper_id, **body.model_dump()
    )
    rows = service.consultations_of(connection, paper_id)
    return _consultation(next(r for r in rows if r.id == consultation_id))


@router.post(
    "/{paper_id}/measures",
    summary="Maßnahmen mit der Vorlage tragen",
    description="Nur im Entwurf: Ein Beschluss über die Vorlage gilt später für jede "
    "Maßnahme, die sie trägt. Schon getragene Maßnahmen bleiben unverändert.",
    response_model=CarryResponse,
    responses=responses(401, 403, 404, 409, 422),
)
def carry_measures(
    paper_id: PaperId, body: CarryRequest, runtime: RuntimeDep, connection: WriteDep, actor: Carrier
) -> CarryResponse:
    _visible_paper(connection, paper_id, actor)
    carried = service.attach_measures(runtime, connection, actor, paper_id, body.measure_ids)
    return CarryResponse(measure_ids=carried)


@router.post(
    "/{paper_id}/transitions",
    summary="Übergang einer Vorlage auslösen",
    description="Wie bei Maßnahmen: `version` (oder `If-Match`) schützt vor gleichzeitigen "
    "Änderungen, ein unzulässiges Ereignis ergibt 409 mit den erlaubten Ereignissen. Ein "
    "Ereignis mit Folgeereignis (`cascade`) gilt für jede getragene Maßnahme, oder für keine: "
    "dann 409 mit den blockierenden Maßnahmen.",
    response_model=TransitionResponse,
    responses=responses(401, 403, 404, 409, 422),
)
def fire_transition(
    paper_id: PaperId,
    asked: TransitionAsked,
    runtime: RuntimeDep,
    connection: WriteDep,
    actor: CurrentActor,
) -> Response:
    _visible_paper(connection, paper_id, actor)
    return asked.answer(service.fire, runtime, connection, actor, paper_id)


def _step(done: Transitioned) -> StepOut:
    return StepOut(
        id=done.entity_id,
        event=done.result.event,
        from_state=done.result.source,
        to_state=done.result.target,
        version=done.version,
    )


@router.post(
    "/{paper_id}/votes",
    summary="Abstimmung erfassen",
    description="Erfasst das Ergebnis eines Beratungsschritts (Zahlen oder „einstimmig“, "
    "Anwesende und Befangene, Beschlussnummer), prüft die Beschlussfähigkeit (422 "
    "`nicht-beschlussfaehig` mit Erklärung) und löst das passende Ereignis der Vorlage aus; "
    "es gilt für jede getragene Maßnahme, oder für keine (409 `massnahmen-blockieren`, jede "
    "blockierende Maßnahme benannt).",
    status_code=status.HTTP_201_CREATED,
    response_model=VoteResponse,
    responses=responses(401, 403, 404, 409, 422),
)
def record_vote(
    paper_id: PaperId,
    body: VoteCreate,
    runtime: RuntimeDep,
    connection: WriteDep,
    actor: VoteRecorder,
    request: Request,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Response:
    _visible_paper(connection, paper_id, actor)

    def act() -> VoteResponse:
        recorded = service.record_vote(
            runtime,
            connection,
            actor,
            paper_id,
            service.VoteRequest(
                committee_slug=None,
                held_on=body.held_on,
                present=body.present,
                yes=body.yes,
                no=body.no,
                abstain=body.abstain,
                unanimous=body.unanimous,
                biased_person_ids=tuple(body.biased_person_ids),
                present_person_ids=tuple(body.present_person_ids),
                resolution_number=body.resolution_number,
                comment=body.comment,
                version=body.version,
                consultation_id=body.consultation_id,
            ),
        )
        vote = next(v for v in _votes(connection, paper_id, actor) if v.id == recorded.vote_id)
        return VoteResponse(
            vote=vote,
            paper=_step(recorded.transition),
            measures=[_step(c) for c in recorded.transition.carried],
        )

    payload = body.model_dump(mode="json")
    return answer_once(
        runtime,
        connection,
        actor,
        request,
        idempotency_key,
        payload=payload,
        act=act,
        status_code=status.HTTP_201_CREATED,
    )
