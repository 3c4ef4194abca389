"""``/api/v1/measures/{id}/statements``: Stellungnahmen of the DSB, the ISB and the Personalrat,
the requests for them, the Abwägung of the Verwaltungsleitung and the Auflagen."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from service.api.deps import MAX_ID, CurrentActor, MaybeActor, RuntimeDep, WriteDep
from service.api.once import OnceRoute
from service.api.problems import responses
from service.statements import service
from service.statements.schemas import (
    ConditionFulfilmentCreate,
    ConditionOut,
    StatementCreate,
    StatementOut,
    StatementRequestOut,
    WeighingCreate,
    WeighingOut,
    condition_out,
    request_out,
    statement_out,
    weighing_out,
)

router = APIRouter(prefix="/api/v1/measures", tags=["Stellungnahmen"], route_class=OnceRoute)
MeasureId = Annotated[int, Path(ge=1, le=MAX_ID)]
ItemId = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.post(
    "/{measure_id}/statements",
    summary="Stellungnahme abgeben",
    description="Die Art ist die Rolle des Verfassers (Datenschutz, Informationssicherheit, "
    "Personalrat). Eine Stellungnahme erfüllt die Bedingung, die der Übergang an den FVA "
    "für personenbezogene, sicherheitsrelevante oder personalwirksame Maßnahmen stellt; "
    "„ablehnend“ sperrt ihn bis zur Abwägung der Verwaltungsleitung, „mit Auflagen“ nennt "
    "jede Auflage einzeln, und die Maßnahme wird erst abgeschlossen, wenn jede erfüllt ist.",
    status_code=201,
    response_model=StatementOut,
    responses=responses(401, 403, 404, 409, 422),
)
def give_statement(
    measure_id: MeasureId,
    body: StatementCreate,
    runtime: RuntimeDep,
    connection: WriteDep,
    actor: CurrentActor,
    response: Response,
) -> StatementOut:
    statement_id = service.give_statement(
        runtime, connection, actor, measure_id, **body.model_dump()
    )
    row, tasks = service.written_statement(connection, actor, statement_id)
    response.headers["Location"] = f"{router.prefix}/{measure_id}/statements"
    return statement_out(row, tasks.people, tasks)


@router.get(
    "/{measure_id}/statements",
    summary="Stellungnahmen zu einer Maßnahme",
    description="Mit ihren Auflagen (und wer sie als erfüllt vermerkt hat) und der Abwägung "
    "der Verwaltungsleitung nach einer ablehnenden Stellungnahme.",
    response_model=list[StatementOut],
    responses=responses(401, 404),
)
def list_statements(
    measure_id: MeasureId, runtime: RuntimeDep, actor: MaybeActor
) -> list[StatementOut]:
    read = service.read_statements(runtime, actor, measure_id)
    return [statement_out(s, read.people, read) for s in read.statements]


@router.get(
    "/{measure_id}/statement-requests",
    summary="Angeforderte Stellungnahmen",
    description="Beim Eintritt in die AG-Prüfung fordert ratsflow die Stellungnahmen an, die "
    "der Übergang an den FVA verlangt, jede mit Frist (Erinnerung und Eskalation wie bei "
    "jeder Frist); die Stellungnahme schließt ihre Anforderung.",
    response_model=list[StatementRequestOut],
    responses=responses(401, 404),
)
def list_requests(
    measure_id: MeasureId, runtime: RuntimeDep, actor: MaybeActor
) -> list[StatementRequestOut]:
    read = service.read_statements(runtime, actor, measure_id)
    return [request_out(r) for r in read.requests]


@router.post(
    "/{measure_id}/statements/{statement_id}/weighing",
    summary="Abwägung nach ablehnender Stellungnahme erfassen",
    description="Die Beauftragten beraten, die Verwaltung entscheidet: mit einer begründeten "
    "Abwägung gibt die Verwaltungsleitung den Schritt an den FVA trotz einer ablehnenden "
    "Stellungnahme frei. Sie steht auf der Maßnahme und in den Unterlagen des FVA.",
    status_code=201,
    response_model=WeighingOut,
    responses=responses(401, 403, 404, 409, 422),
)
def weigh_statement(
    measure_id: MeasureId,
    statement_id: ItemId,
    body: WeighingCreate,
    runtime: RuntimeDep,
    connection: WriteDep,
    actor: CurrentActor,
) -> WeighingOut:
    service.weigh_statement(
        runtime, connection, actor, measure_id, statement_id, reason=body.reason
    )
    tasks = service.written_tasks(connection, actor, measure_id)
    return weighing_out(tasks.weighings[statement_id], tasks.people)


@router.post(
    "/{measure_id}/conditions/{condition_id}/fulfilment",
    summary="Auflage als erfüllt vermerken",
    description="Mit Vermerk; wer und wann wird festgehalten. Solange eine Auflage offen ist, "
    "kann die Maßnahme nicht abgeschlossen werden.",
    response_model=ConditionOut,
    responses=responses(401, 403, 404, 409, 422),
)
def fulfil_condition(
    measure_id: MeasureId,
    condition_id: ItemId,
    body: ConditionFulfilmentCreate,
    runtime: RuntimeDep,
    connection: WriteDep,
    actor: CurrentActor,
) -> ConditionOut:
    service.fulfil_condition(runtime, connection, actor, measure_id, condition_id, note=body.note)
    tasks = service.written_tasks(connection, actor, measure_id)
    row = next(c for c in tasks.conditions if c.id == condition_id)
    return condition_out(row, tasks.people)
