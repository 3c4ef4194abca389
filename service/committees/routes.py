"""``/api/v1/committees``: Gremien with their memberships (meetings: ``meeting_routes``)."""

from __future__ import annotations

from datetime import date
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
from service.committees import service
from service.committees.answers import (
    committee_out,
    membership_out,
    written_membership,
)
from service.committees.schemas import (
    CommitteeCreate,
    CommitteeOut,
    CommitteePage,
    CommitteeUpdate,
    MembershipCreate,
    MembershipEnd,
    MembershipOut,
    MembershipPage,
)
from service.runtime import Runtime

router = APIRouter(prefix="/api/v1/committees", tags=["Gremien"], route_class=OnceRoute)
CommitteeSort = Literal["id", "-id", "name", "-name"]

CommitteeId = Annotated[int, Path(ge=1, le=MAX_ID)]
MembershipId = Annotated[int, Path(ge=1, le=MAX_ID)]
CommitteeManager = Annotated[Actor, Depends(permitted("committee.manage"))]


@router.get(
    "",
    summary="Gremien auflisten",
    description="Alle Gremien mit Namen und Art; Sortierung `id` oder `name` (absteigend mit `-`).",
    response_model=CommitteePage,
    responses=responses(401, 422),
)
def list_committees(
    runtime: RuntimeDep,
    connection: ReadDep,
    actor: MaybeActor,
    kind: Annotated[str | None, Query(max_length=30)] = None,
    sort: Annotated[CommitteeSort, Query(examples=["name"])] = "id",
    limit: Limit = 50,
    cursor: Cursor = None,
) -> CommitteePage:
    order = keyset.parse_sort(sort, ("id", "name"))
    rows = service.page_committees(
        connection,
        runtime.body_id_in(connection),
        kinds=None,
        kind=kind,
        sort=order,
        after=keyset.decode(cursor, order, int if order.key == "id" else str),
        limit=limit + 1,
    )
    return CommitteePage(
        items=[committee_out(r) for r in rows[:limit]],
        next_cursor=keyset.next_cursor(rows, limit, order, order.key),
    )


@router.post(
    "",
    summary="Gremium anlegen",
    status_code=status.HTTP_201_CREATED,
    response_model=CommitteeOut,
    responses=responses(401, 403, 409, 422),
)
def create_committee(
    body: CommitteeCreate, runtime: RuntimeDep, connection: WriteDep, actor: CommitteeManager
) -> CommitteeOut:
    committee_id = service.new_committee(runtime, connection, actor, **body.model_dump())
    return committee_out(_committee(runtime, connection, committee_id))


@router.get(
    "/{committee_id}",
    summary="Gremium lesen",
    response_model=CommitteeOut,
    responses=responses(401, 404),
)
def get_committee(
    committee_id: CommitteeId, runtime: RuntimeDep, connection: ReadDep, actor: MaybeActor
) -> CommitteeOut:
    # Every committee's name is public (a paper names its AG); its members may not be.
    return committee_out(_committee(runtime, connection, committee_id))


def _committee(runtime: Runtime, connection: Connection, committee_id: int) -> Any:
    return service.get_committee(connection, runtime.body_id_in(connection), committee_id)


@router.patch(
    "/{committee_id}",
    summary="Gremium ändern",
    description="Nur die angegebenen Felder ändern sich; Art und Kennung bleiben.",
    response_model=CommitteeOut,
    responses=responses(401, 403, 404, 422),
)
def edit_committee(
    committee_id: CommitteeId,
    body: CommitteeUpdate,
    runtime: RuntimeDep,
    connection: WriteDep,
    actor: CommitteeManager,
) -> CommitteeOut:
    values = patch_values(body, {"name", "short_name", "vote_rules"})
    service.edit_committee(runtime, connection, actor, committee_id, **values)
    return committee_out(_committee(runtime, connection, committee_id))


@router.get(
    "/{committee_id}/memberships",
    summary="Mitgliedschaften eines Gremiums",
    description="Öffentlich nur für Gremien des Rates und nur Ratsmitglieder, keine "
    "Beschäftigten der Verwaltung (ein Abruf, der solche zeigt, wird protokolliert); "
    "`active_on` zeigt die Besetzung an einem Tag.",
    response_model=MembershipPage,
    responses=responses(401, 404, 422),
)
def list_memberships(
    committee_id: CommitteeId,
    runtime: RuntimeDep,
    connection: ReadDep,
    actor: MaybeActor,
    active_on: date | None = None,
    limit: Limit = 100,
    cursor: Cursor = None,
) -> MembershipPage:
    order = keyset.Sort("id")
    after = keyset.decode(cursor, order, int)
    rows = service.read_memberships(
        runtime,
        connection,
        actor,
        committee_id,
        active_on=active_on,
        after_id=after.id if after else None,
        limit=limit,
    )
    return MembershipPage(
        items=[membership_out(r) for r in rows[:limit]],
        next_cursor=keyset.next_cursor(rows, limit, order, "id"),
    )


@router.post(
    "/{committee_id}/memberships",
    summary="Mitglied aufnehmen",
    status_code=status.HTTP_201_CREATED,
    response_model=MembershipOut,
    responses=responses(401, 403, 404, 422),
)
def add_membership(
    committee_id: CommitteeId,
    body: MembershipCreate,
    runtime: RuntimeDep,
    connection: WriteDep,
    actor: CommitteeManager,
) -> MembershipOut:
    membership_id = service.new_membership(
        runtime, connection, actor, committee_id, **body.model_dump()
    )
    body_id = runtime.body_id_in(connection)
    return written_membership(connection, body_id, committee_id, membership_id)


@router.post(
    "/{committee_id}/memberships/{membership_id}/end",
    summary="Mitgliedschaft beenden",
    description="Setzt den letzten Tag; die Mitgliedschaft bleibt als Geschichte erhalten.",
    response_model=MembershipOut,
    responses=responses(401, 403, 404, 409, 422),
)
def end_membership(
    committee_id: CommitteeId,
    membership_id: MembershipId,
    body: MembershipEnd,
    runtime: RuntimeDep,
    connection: WriteDep,
    actor: CommitteeManager,
) -> MembershipOut:
    service.end_membership(
        runtime, connection, actor, committee_id, membership_id, body.valid_until
    )
    body_id = runtime.body_id_in(connection)
    return written_membership(connection, body_id, committee_id, membership_id)
