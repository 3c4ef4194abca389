"""``/api/v1/programmes``: Arbeitspapiere, readable by everyone, kept by the AG lead."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from service import keyset
from service.api.deps import (
    MAX_ID,
    CurrentActor,
    Cursor,
    IfMatch,
    Limit,
    MaybeActor,
    RuntimeDep,
    WriteDep,
    expected_version,
)
from service.api.once import OnceRoute
from service.api.problems import responses
from service.programmes import service
from service.programmes.schemas import (
    ProgrammeCreate,
    ProgrammeOut,
    ProgrammePage,
    ProgrammeUpdate,
)

router = APIRouter(prefix="/api/v1/programmes", tags=["Arbeitspapiere"], route_class=OnceRoute)
ProgrammeId = Annotated[int, Path(ge=1, le=MAX_ID)]
BY_ID = keyset.Sort("id")


def _out(view: service.ProgrammeView, response: Response | None = None) -> ProgrammeOut:
    row = view.row
    if response is not None:
        response.headers["ETag"] = f'"{view.version}"'
    return ProgrammeOut.model_validate(
        {**row._mapping, "owner_name": view.owner_name, "version": view.version}
    )


@router.get(
    "",
    summary="Arbeitspapiere auflisten",
    response_model=ProgrammePage,
    responses=responses(401, 404, 422),
)
def list_programmes(
    runtime: RuntimeDep,
    actor: MaybeActor,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> ProgrammePage:
    views = service.read_programmes(runtime, actor, keyset.decode(cursor, BY_ID, int), limit)
    return ProgrammePage(
        items=[_out(v) for v in views[:limit]],
        next_cursor=keyset.next_cursor(views, limit, BY_ID, "id"),
    )


@router.get(
    "/{programme_id}",
    summary="Arbeitspapier lesen",
    response_model=ProgrammeOut,
    responses=responses(401, 404),
)
def get_programme(
    programme_id: ProgrammeId, runtime: RuntimeDep, actor: MaybeActor, response: Response
) -> ProgrammeOut:
    return _out(service.read_programme(runtime, actor, programme_id), response)


@router.post(
    "",
    summary="Arbeitspapier anlegen",
    status_code=201,
    response_model=ProgrammeOut,
    responses=responses(401, 403, 422),
)
def create_programme(
    body: ProgrammeCreate,
    runtime: RuntimeDep,
    connection: WriteDep,
    actor: CurrentActor,
    response: Response,
) -> ProgrammeOut:
    programme_id = service.create(runtime, connection, actor, body.model_dump())
    response.headers["Location"] = f"{router.prefix}/{programme_id}"
    return _out(service.written_programme(connection, actor, programme_id), response)


@router.patch(
    "/{programme_id}",
    summary="Arbeitspapier bearbeiten",
    description="Ändert nur die gesendeten Angaben. `version` (oder `If-Match`) muss der "
    "zuletzt gelesenen Versionskennung entsprechen, sonst 409.",
    response_model=ProgrammeOut,
    responses=responses(401, 403, 404, 409, 422),
)
def edit_programme(
    programme_id: ProgrammeId,
    body: ProgrammeUpdate,
    runtime: RuntimeDep,
    connection: WriteDep,
    actor: CurrentActor,
    response: Response,
    if_match: IfMatch = None,
) -> ProgrammeOut:
    version = expected_version(if_match, body.version, required=True)
    changes = body.model_dump(exclude_unset=True, exclude={"version", "comment"})
    for required in ("title", "review_cycle"):
        if required in changes and changes[required] is None:
            del changes[required]
    service.update(
        runtime, connection, actor, programme_id, changes, version=version, comment=body.comment
    )
    return _out(service.written_programme(connection, actor, programme_id), response)
