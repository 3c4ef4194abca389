"""``/api/v1/programmes``: Arbeitspapiere, readable by everyone, kept by the AG lead."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Response
from fastapi.exceptions import RequestValidationError

from service.api import paging
from service.api.deps import MAX_ID, CurrentActor, MaybeActor, RuntimeDep, WriteDep
from service.api.problems import responses
from service.programmes import service
from service.programmes.schemas import (
    ProgrammeCreate,
    ProgrammeOut,
    ProgrammePage,
    ProgrammeUpdate,
)

router = APIRouter(prefix="/api/v1/programmes", tags=["Arbeitspapiere"])
ProgrammeId = Annotated[int, Path(ge=1, le=MAX_ID)]


def _out(view: service.ProgrammeView, response: Response | None = None) -> ProgrammeOut:
    row = view.row
    if response is not None:
        response.headers["ETag"] = f'"{view.version}"'
    return ProgrammeOut(
        id=row.id,
        title=row.title,
        description=row.description,
        owner_person_id=row.owner_person_id,
        owner_name=view.owner_name,
        paper_id=row.paper_id,
        review_cycle=row.review_cycle,
        created_at=row.created_at,
        version=view.version,
    )


def _tag(value: str) -> str | None:
    """The version named by ``If-Match``: one ETag as sent in ``ETag``, or ``*`` (any)."""
    tag = value.strip().removeprefix("W/")
    if tag == "*":
        return None
    if len(tag) >= 2 and tag[0] == tag[-1] == '"':
        tag = tag[1:-1]
    if not tag or not all(c in "0123456789abcdef" for c in tag):
        error = {"type": "etag_parsing", "loc": ("header", "If-Match"), "input": value}
        raise RequestValidationError([error])
    return tag


@router.get(
    "",
    summary="Arbeitspapiere auflisten",
    response_model=ProgrammePage,
    responses=responses(401, 404, 422),
)
def list_programmes(
    runtime: RuntimeDep,
    actor: MaybeActor,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(description="Aus `next_cursor` der Vorseite.")] = None,
) -> ProgrammePage:
    views, more = service.read_programmes(runtime, actor, paging.decode(cursor), limit)
    last = views[-1].row if more else None
    next_cursor = paging.encode("id", last.id, last.id) if last is not None else None
    return ProgrammePage(items=[_out(v) for v in views], next_cursor=next_cursor)


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
    if_match: Annotated[str | None, Header()] = None,
) -> ProgrammeOut:
    version = body.version
    if if_match:
        version = _tag(if_match) or version
    elif version is None:
        error = {"type": "missing", "loc": ("body", "version"), "input": None}
        raise RequestValidationError([error])
    changes = body.model_dump(exclude_unset=True, exclude={"version"})
    for required in ("title", "review_cycle"):
        if required in changes and changes[required] is None:
            del changes[required]
    service.update(runtime, connection, actor, programme_id, changes, version=version)
    return _out(service.written_programme(connection, actor, programme_id), response)
