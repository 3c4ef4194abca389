"""``/api/v1/persons``: people in the process; personal data, so staff read and it is logged.

Following OParl, a council member of a council body is a public figure: the public sees
name, title, function and council memberships, nothing else. Everyone else (administrative
staff, members of internal working groups only) needs a login, and the answer to an
anonymous caller is then 401 whether or not the person exists, so the API reveals nothing
about who works in the administration.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, status
from sqlalchemy.engine import Connection

from service import keyset
from service.actor import Actor
from service.api.deps import (
    MAX_ID,
    Cursor,
    Limit,
    MaybeActor,
    ReadDep,
    RuntimeDep,
    WriteDep,
    permitted,
)
from service.api.once import OnceRoute
from service.api.payloads import patch_values
from service.api.problems import responses
from service.people import service
from service.people.schemas import (
    PersonCreate,
    PersonDetail,
    PersonMembership,
    PersonPage,
    PersonSummary,
    PersonUpdate,
)
from service.runtime import Runtime

router = APIRouter(prefix="/api/v1/persons", tags=["Personen"], route_class=OnceRoute)
PersonSort = Literal["family_name", "-family_name", "id", "-id"]
PersonId = Annotated[int, Path(ge=1, le=MAX_ID)]
PersonManager = Annotated[Actor, Depends(permitted("person.manage"))]


def _summary(row: Any) -> PersonSummary:
    return PersonSummary(
        id=row.id,
        name=service.display_name(row),
        title=row.title,
        given_name=row.given_name,
        family_name=row.family_name,
        function=row.function,
    )


def _person(runtime: Runtime, connection: Connection, person_id: int) -> Any:
    return service.get_person(connection, runtime.body_id_in(connection), person_id)


def _detail(view: service.PersonView) -> PersonDetail:
    memberships = [
        PersonMembership(
            membership_id=m.id,
            committee_id=m.committee_id,
            committee_name=m.committee_name,
            role=m.role,
            voting_right=m.voting_right,
            valid_from=m.valid_from,
            valid_until=m.valid_until,
        )
        for m in view.memberships
    ]
    row = view.person
    return PersonDetail(
        **_summary(row).model_dump(),
        email=row.email if view.staff else None,
        is_staff=row.is_staff if view.staff else None,
        memberships=memberships,
    )


@router.get(
    "",
    summary="Personen auflisten",
    description="Angemeldet alle Personen; ohne Anmeldung nur Ratsmitglieder der Gremien des "
    "Rates. Sortierung `family_name` (Vorgabe) oder `id`, absteigend mit `-`. Jeder Abruf "
    "durch Beschäftigte wird protokolliert.",
    response_model=PersonPage,
    responses=responses(401, 422),
)
def list_persons(
    runtime: RuntimeDep,
    connection: ReadDep,
    actor: MaybeActor,
    committee_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    is_staff: Annotated[bool | None, Query(description="Nur für Angemeldete wirksam.")] = None,
    sort: Annotated[PersonSort, Query(examples=["family_name"])] = "family_name",
    limit: Limit = 50,
    cursor: Cursor = None,
) -> PersonPage:
    order = keyset.parse_sort(sort, ("family_name", "id"))
    rows = service.read_persons(
        runtime,
        connection,
        actor,
        committee_id=committee_id,
        is_staff=is_staff,
        sort=order,
        after=keyset.decode(cursor, order, str if order.key == "family_name" else int),
        limit=limit,
    )
    shown = rows[:limit]
    cursor_out = None
    if len(rows) > limit:
        last = shown[-1]
        value = (last.family_name or "") if order.key == "family_name" else last.id
        cursor_out = keyset.encode(order, value, last.id)
    return PersonPage(items=[_summary(r) for r in shown], next_cursor=cursor_out)


@router.post(
    "",
    summary="Person anlegen",
    status_code=status.HTTP_201_CREATED,
    response_model=PersonDetail,
    responses=responses(401, 403, 422),
)
def create_person(
    body: PersonCreate, runtime: RuntimeDep, connection: WriteDep, actor: PersonManager
) -> PersonDetail:
    person_id = service.new_person(runtime, connection, actor, **body.model_dump())
    return _detail(service.person_view(connection, actor, _person(runtime, connection, person_id)))


@router.get(
    "/{person_id}",
    summary="Person lesen",
    description="Angemeldet mit E-Mail und allen Mitgliedschaften (der Abruf wird "
    "protokolliert); ohne Anmeldung nur Ratsmitglieder mit ihren Mandaten, sonst 401.",
    response_model=PersonDetail,
    responses=responses(401, 404),
)
def get_person(
    person_id: PersonId, runtime: RuntimeDep, connection: ReadDep, actor: MaybeActor
) -> PersonDetail:
    return _detail(service.read_person(runtime, connection, actor, person_id))


@router.patch(
    "/{person_id}",
    summary="Person ändern",
    response_model=PersonDetail,
    responses=responses(401, 403, 404, 409, 422),
)
def edit_person(
    person_id: PersonId,
    body: PersonUpdate,
    runtime: RuntimeDep,
    connection: WriteDep,
    actor: PersonManager,
) -> PersonDetail:
    values = patch_values(body, {"family_name", "is_staff"})
    service.edit_person(runtime, connection, actor, person_id, **values)
    return _detail(service.person_view(connection, actor, _person(runtime, connection, person_id)))
