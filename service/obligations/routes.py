"""``/api/v1/obligations`` and ``/api/v1/papers/{id}/obligations``: the duties a resolution
imposes (Pflichten aus dem Beschluss), their due dates and recorded fulfilments."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from service.api.deps import MAX_ID, CurrentActor, MaybeActor, RuntimeDep, WriteDep
from service.api.once import OnceRoute
from service.api.problems import responses
from service.obligations import service
from service.obligations.schemas import (
    ObligationCreate,
    ObligationFulfilmentCreate,
    ObligationOut,
    obligation_out,
)

router = APIRouter(prefix="/api/v1", tags=["Pflichten aus dem Beschluss"], route_class=OnceRoute)
ItemId = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.get(
    "/obligations",
    summary="Pflichten aus Beschlüssen",
    description="Offene zuerst, nach Fälligkeit; Pflichten nichtöffentlicher Vorlagen nur "
    "für Beschäftigte und die Ratsmitglieder der Gremien ihrer Beratungsfolge.",
    response_model=list[ObligationOut],
    responses=responses(401),
)
def list_obligations(runtime: RuntimeDep, actor: MaybeActor) -> list[ObligationOut]:
    read = service.read_obligations(runtime, actor)
    return [obligation_out(o, read.people) for o in read.items]


@router.get(
    "/papers/{paper_id}/obligations",
    summary="Pflichten aus dem Beschluss einer Vorlage",
    response_model=list[ObligationOut],
    responses=responses(401, 404),
)
def paper_obligations(
    paper_id: ItemId, runtime: RuntimeDep, actor: MaybeActor
) -> list[ObligationOut]:
    read = service.read_obligations(runtime, actor, paper_id=paper_id)
    return [obligation_out(o, read.people) for o in read.items]


@router.post(
    "/papers/{paper_id}/obligations",
    summary="Pflicht aus dem Beschluss anlegen",
    description="Mit erster Fälligkeit und Rhythmus; die zuständige Rolle wird vorher "
    "erinnert, bei Überschreitung wird an die Verwaltungsleitung eskaliert.",
    status_code=201,
    response_model=ObligationOut,
    responses=responses(401, 403, 404, 422),
)
def create_obligation(
    paper_id: ItemId,
    body: ObligationCreate,
    runtime: RuntimeDep,
    connection: WriteDep,
    actor: CurrentActor,
    response: Response,
) -> ObligationOut:
    obligation_id = service.new_obligation(
        runtime, connection, actor, paper_id, **body.model_dump()
    )
    response.headers["Location"] = f"{router.prefix}/obligations/{obligation_id}"
    return _written(runtime, connection, actor, obligation_id)


@router.get(
    "/obligations/{obligation_id}",
    summary="Eine Pflicht aus einem Beschluss",
    response_model=ObligationOut,
    responses=responses(401, 404),
)
def get_obligation(obligation_id: ItemId, runtime: RuntimeDep, actor: MaybeActor) -> ObligationOut:
    read = service.read_obligation(runtime, actor, obligation_id)
    return obligation_out(read.items[0], read.people)


@router.post(
    "/obligations/{obligation_id}/fulfilments",
    summary="Erfüllung einer Pflicht vermerken",
    description="Mit Nachweis (etwa der Kenntnisnahme der Informationsvorlage im FVA). Eine "
    "wiederkehrende Pflicht rückt auf ihre nächste Fälligkeit vor, eine einmalige ist "
    "danach erledigt.",
    status_code=201,
    response_model=ObligationOut,
    responses=responses(401, 403, 404, 409, 422),
)
def fulfil_obligation(
    obligation_id: ItemId,
    body: ObligationFulfilmentCreate,
    runtime: RuntimeDep,
    connection: WriteDep,
    actor: CurrentActor,
) -> ObligationOut:
    service.fulfil_obligation(runtime, connection, actor, obligation_id, **body.model_dump())
    return _written(runtime, connection, actor, obligation_id)


def _written(
    runtime: RuntimeDep, connection: WriteDep, actor: CurrentActor, obligation_id: int
) -> ObligationOut:
    read = service.written_obligation(runtime, connection, actor, obligation_id)
    return obligation_out(read.items[0], read.people)
