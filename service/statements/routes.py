"""``/api/v1/measures/{id}/statements``: Stellungnahmen of the DSB, the ISB and the Personalrat."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Response
from pydantic import ConfigDict, Field

from service.api.deps import MAX_ID, CurrentActor, MaybeActor, RuntimeDep, WriteDep
from service.api.payloads import NoNul
from service.api.problems import responses
from service.measures.schemas import StatementOut, statement_out
from service.statements import service

router = APIRouter(prefix="/api/v1/measures", tags=["Stellungnahmen"])
MeasureId = Annotated[int, Path(ge=1, le=MAX_ID)]


class StatementCreate(NoNul):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["datenschutz", "informationssicherheit", "personalrat"] | None = Field(
        default=None,
        description="Art der Stellungnahme; ohne Angabe die Rolle des Verfassers (nötig nur, "
        "wer mehrere dieser Rollen hat).",
    )
    outcome: Literal["zustimmend", "mit_auflagen", "ablehnend"] = Field(examples=["mit_auflagen"])
    given_on: date = Field(examples=["2024-01-15"], description="Datum der Stellungnahme.")
    text: str | None = Field(
        default=None,
        max_length=20_000,
        examples=["Zustimmung unter Auflagen: Löschkonzept vorlegen."],
    )


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
