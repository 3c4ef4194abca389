"""``/api/v1/papers``: Vorlagen with their Beratungsfolge, carried measures and votes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Response, status
from sqlalchemy.engine import Connection

from service import keyset
from service.actor import Actor
from service.api.deps import (
    MAX_ID,
    CurrentActor,
    Cursor,
    Limit,
    MaybeActor,
    ReadDep,
    RuntimeDep,
    WriteDep,
    permitted,
)
from service.api.once import OnceRoute
from service.api.problems import responses
from service.api.transitions import TransitionAsked, history_out
from service.lifecycle.service import Transitioned
from service.measures.schemas import (
    HistoryItem,
    TransitionResponse,
)
from service.papers import (
    carrying,
    consultations,
    corrections,
    left_behind,
    reading,
    service,
    votes,
)
from service.papers.answers import consultation_out, detail_out, summary_out, vote_out
from service.papers.schemas import (
    CarryRequest,
    CarryResponse,
    ConsultationCreate,
    ConsultationDrop,
    ConsultationDropped,
    ConsultationOut,
    PaperCreate,
    PaperDetail,
    PaperPage,
    StepOut,
    VoteCorrectionIn,
    VoteCreate,
    VoteOut,
    VoteResponse,
)
from service.runtime import Runtime

router = APIRouter(prefix="/api/v1/papers", tags=["Vorlagen"], route_class=OnceRoute)
PaperId = Annotated[int, Path(ge=1, le=MAX_ID)]
PaperCreator = Annotated[Actor, Depends(permitted("paper.create"))]
Carrier = Annotated[Actor, Depends(permitted("paper.carry_measures"))]
Planner = Annotated[Actor, Depends(permitted("paper.plan_consultations"))]
VoteRecorder = Annotated[Actor, Depends(permitted("vote.record"))]
SORTS = ("id", "reference", "created_at")
PaperSort = Literal["id", "-id", "reference", "-reference", "created_at", "-created_at"]
SORT_TYPES: dict[str, type] = {"id": int, "reference": str, "created_at": datetime}


def _written(runtime: Runtime, connection: Connection, actor: Actor, paper_id: int) -> PaperDetail:
    """The paper as its writer sees it now, inside the write (whose audit event suffices)."""
    row = service.get_paper(connection, paper_id, runtime.body_id_in(connection))
    return detail_out(runtime, reading.paper_view(runtime, connection, actor, row))


@router.get(
    "",
    summary="Vorlagen auflisten",
    description="Ohne Anmeldung nur öffentliche Vorlagen; eine Seite, die eine nicht "
    "öffentliche Vorlage nennt, wird protokolliert. Sortierung `id`, `reference` oder "
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
    sort: Annotated[PaperSort, Query(examples=["-reference"])] = "id",
    limit: Limit = 50,
    cursor: Cursor = None,
) -> PaperPage:
    order = keyset.parse_sort(sort, SORTS)
    rows = reading.read_papers(
        runtime,
        connection,
        actor,
        state=state,
        reference=reference,
        committee_id=committee_id,
        sort=order,
        after=keyset.decode(cursor, order, SORT_TYPES[order.key]),
        limit=limit,
    )
    return PaperPage(
        items=[summary_out(runtime, r) for r in rows[:limit]],
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
    values = body.model_dump(exclude={"competence_reference"})
    if body.competence_reference is not None:
        values |= service.competence_columns(body.competence_reference.model_dump())
    paper_id = service.new_paper(runtime, connection, actor, **values)
    return _written(runtime, connection, actor, paper_id)


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
    view = reading.read_paper(runtime, connection, actor, paper_id)
    response.headers["ETag"] = f'"{view.paper.version}"'
    return detail_out(runtime, view)


@router.get(
    "/{paper_id}/history",
    summary="Verlauf einer Vorlage",
    response_model=list[HistoryItem],
    responses=responses(401, 404),
)
def paper_history(
    paper_id: PaperId, runtime: RuntimeDep, connection: ReadDep, actor: MaybeActor
) -> list[HistoryItem]:
    view = reading.read_paper(
        runtime, connection, actor, paper_id, with_details=False, with_history=True
    )
    return history_out(view.history, view.history_users)


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
    consultation_id = consultations.plan_consultation(
        runtime, connection, actor, paper_id, **body.model_dump()
    )
    return consultation_out(consultations.consultation(connection, paper_id, consultation_id))


@router.post(
    "/{paper_id}/consultations/{consultation_id}/drop",
    summary="Zurückgelassene Vorberatung entfallen lassen",
    description="Für Vorlagen, die nach der früheren Regel mit einer noch offenen "
    "Vorberatung in die Entscheidung gingen: Solange diese offen ist, stimmt die Entscheidung "
    "nicht ab (409 `beratungsfolge-nicht-eingehalten`). Ihre Abstimmung lässt sich nachtragen "
    "(`POST …/votes`, sie hält nur die Empfehlung fest), oder sie entfällt hier mit "
    "Begründung: `result` `entfallen`, `closed_by` `vorberatung_entfallen`, ein Eintrag im "
    "Verlauf und im Protokoll, die Vorlage in neuer Version. Eine Vorberatung, die die "
    "Vorlage noch erreicht, entfällt nicht (409 `vorberatung-steht-aus`), ebenso wenig ein "
    "anderer Schritt (409 `nur-vorberatung-entfaellt`) oder einer mit Ergebnis (409 "
    "`beratung-abgeschlossen`).",
    response_model=ConsultationDropped,
    responses=responses(401, 403, 404, 409, 422),
)
def drop_consultation(
    paper_id: PaperId,
    consultation_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    body: ConsultationDrop,
    runtime: RuntimeDep,
    connection: WriteDep,
    actor: Planner,
) -> ConsultationDropped:
    dropped = left_behind.drop_vorberatung(
        runtime,
        connection,
        actor,
        paper_id,
        consultation_id,
        reason=body.reason,
        version=body.version,
    )
    return ConsultationDropped(
        consultation=consultation_out(
            consultations.consultation(connection, paper_id, dropped.consultation_id)
        ),
        paper=StepOut(
            id=paper_id,
            event=left_behind.EVENT,
            from_state=dropped.state,
            to_state=dropped.state,
            version=dropped.version,
        ),
    )


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
    carried = carrying.attach_measures(runtime, connection, actor, paper_id, body.measure_ids)
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
def fire_paper_transition(
    paper_id: PaperId, asked: TransitionAsked, runtime: RuntimeDep, actor: CurrentActor
) -> Response:
    return asked.answer(service.fire, runtime, actor, paper_id)


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
) -> VoteResponse:
    recorded = votes.record_vote(
        runtime,
        connection,
        actor,
        paper_id,
        votes.VoteRequest(
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
            decision_text=body.decision_text,
        ),
    )
    shown = reading.written_votes(runtime, connection, actor, paper_id)
    return VoteResponse(
        vote=vote_out(next(v for v in shown if v.id == recorded.vote_id)),
        paper=_step(recorded.transition),
        measures=[_step(c) for c in recorded.transition.carried],
    )


@router.patch(
    "/{paper_id}/votes/{vote_id}",
    summary="Abstimmung berichtigen",
    description="Berichtigt die Zahlen oder den Beschlusstext einer erfassten Abstimmung, "
    "mit Begründung; die Berichtigung steht im Verlauf der Vorlage und im Protokoll. Eine "
    "Berichtigung, die das Ergebnis umkehren würde, wird abgelehnt (409 "
    "`berichtigung-aendert-ergebnis`): dafür muss das Gremium neu beschließen.",
    response_model=VoteOut,
    responses=responses(401, 403, 404, 409, 422),
)
def correct_vote(
    paper_id: PaperId,
    vote_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    body: VoteCorrectionIn,
    runtime: RuntimeDep,
    connection: WriteDep,
    actor: VoteRecorder,
) -> VoteOut:
    corrections.correct_vote(
        runtime,
        connection,
        actor,
        paper_id,
        vote_id,
        corrections.VoteCorrection(**body.model_dump()),
    )
    shown = reading.written_votes(runtime, connection, actor, paper_id)
    return vote_out(next(v for v in shown if v.id == vote_id))
