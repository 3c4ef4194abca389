"""``/api/v1/measures/{id}/statements``: Stellungnahmen of the DSB, the ISB and the Personalrat."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from service.api.deps import MAX_ID, CurrentActor, MaybeActor, RuntimeDep, WriteDep
from service.api.problems import responses
from service.statements import service
from service.statements.schemas import StatementCreate, StatementOut, statement_out

router = APIRouter(prefix="/api/v1/measures", tags=["Stellungnahmen"])
MeasureId = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.post(
    "/{measure_id}/statements",
    summary="Stellungnahme abgeben",
    description="Die Art ist die Rolle des Verfassers (Datenschutz, Informationssicherheit, "
    "Personalrat). Eine Stellungnahme erfüllt die Bedingung, die der Übergang an den FVA "
    "für personenbezogene, sicherheitsrelevante oder personalwirksame Maßnahmen stellt.",
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
    response.headers["Location"] = f"{router.prefix}/{measure_id}/statements"
    return statement_out(*service.written_statement(connection, actor, statement_id))


@router.get(
    "/{measure_id}/statements",
    summary="Stellungnahmen zu einer Maßnahme",
    response_model=list[StatementOut],
    responses=responses(401, 404),
)
def list_statements(
    measure_id: MeasureId, runtime: RuntimeDep, actor: MaybeActor
) -> list[StatementOut]:
    read = service.read_statements(runtime, actor, measure_id)
    return [statement_out(s, read.authors.get(s.author_person_id)) for s in read.statements]
