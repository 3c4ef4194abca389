"""``/api/v1/committees`` (Gremien with their memberships) and ``/api/v1/meetings``."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, status
from fastapi.exceptions import RequestValidationError
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
from service.api.payloads import patch_values
from service.api.problems import responses
from service.committees import attendance, meetings, reading, service
from service.committees.answers import (
    attendance_out,
    committee_out,
    meeting_detail,
    meeting_summary,
    membership_out,
    written_meeting,
    written_membership,
)
from service.committees.schemas import (
    AgendaItemCreate,
    AgendaItemOut,
    AttendanceIn,
    AttendanceList,
    CommitteeCreate,
    CommitteeOut,
    CommitteePage,
    CommitteeUpdate,
    MeetingCancel,
    MeetingCreate,
    MeetingDetail,
    MeetingPage,
    MeetingUpdate,
    MembershipCreate,
    MembershipEnd,
    MembershipOut,
    MembershipPage,
)
from service.runtime import Runtime

router = APIRouter(prefix="/api/v1/committees", tags=["Gremien"])
CommitteeSort = Literal["id", "-id", "name", "-name"]
MeetingSort = Literal["starts_at", "-starts_at", "id", "-id"]
meetings_router = APIRouter(prefix="/api/v1/meetings", tags=["Sitzungen"])

CommitteeId = Annotated[int, Path(ge=1, le=MAX_ID)]
MeetingId = Annotated[int, Path(ge=1, le=MAX_ID)]
MembershipId = Annotated[int, Path(ge=1, le=MAX_ID)]
CommitteeManager = Annotated[Actor, Depends(permitted("committee.manage"))]
MeetingManager = Annotated[Actor, Depends(permitted("meeting.manage"))]


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


# --- meetings ------------------------------------------------------------------------------


@meetings_router.get(
    "",
    summary="Sitzungen auflisten",
    description="Ohne Anmeldung nur Sitzungen der Gremien des Rates; eine Seite, die eine "
    "Sitzung einer internen Arbeitsgruppe nennt, wird protokolliert. Sortierung `starts_at` "
    "(Vorgabe) oder `id`, absteigend mit `-`.",
    response_model=MeetingPage,
    responses=responses(401, 422),
)
def list_meetings(
    runtime: RuntimeDep,
    connection: ReadDep,
    actor: MaybeActor,
    committee_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    starts_from: Annotated[datetime | None, Query(description="Beginn ab (mit Zeitzone).")] = None,
    starts_before: Annotated[datetime | None, Query(description="Beginn vor.")] = None,
    sort: Annotated[MeetingSort, Query(examples=["-starts_at"])] = "starts_at",
    limit: Limit = 50,
    cursor: Cursor = None,
) -> MeetingPage:
    order = keyset.parse_sort(sort, ("starts_at", "id"))
    rows = reading.read_meetings(
        runtime,
        connection,
        actor,
        committee_id=committee_id,
        starts_from=_aware(starts_from, "starts_from"),
        starts_before=_aware(starts_before, "starts_before"),
        sort=order,
        after=keyset.decode(cursor, order, datetime if order.key == "starts_at" else int),
        limit=limit,
    )
    return MeetingPage(
        items=[meeting_summary(r) for r in rows[:limit]],
        next_cursor=keyset.next_cursor(rows, limit, order, order.key),
    )


def _aware(value: datetime | None, name: str) -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise RequestValidationError(
            [{"type": "timezone_aware", "loc": ("query", name), "msg": "Zeitzone fehlt"}]
        )
    return value


@meetings_router.post(
    "",
    summary="Sitzung anlegen",
    status_code=status.HTTP_201_CREATED,
    response_model=MeetingDetail,
    responses=responses(401, 403, 422),
)
def create_meeting(
    body: MeetingCreate, runtime: RuntimeDep, connection: WriteDep, actor: MeetingManager
) -> MeetingDetail:
    meeting_id = meetings.new_meeting(runtime, connection, actor, **body.model_dump())
    return written_meeting(runtime, connection, actor, meeting_id)


@meetings_router.get(
    "/{meeting_id}",
    summary="Sitzung lesen",
    description="Mit Tagesordnung; ohne Anmeldung fehlt der nicht öffentliche Teil ganz.",
    response_model=MeetingDetail,
    responses=responses(401, 404),
)
def get_meeting(
    meeting_id: MeetingId, runtime: RuntimeDep, connection: ReadDep, actor: MaybeActor
) -> MeetingDetail:
    return meeting_detail(reading.read_meeting(runtime, connection, actor, meeting_id))


@meetings_router.patch(
    "/{meeting_id}",
    summary="Sitzung ändern",
    description="Ort und Beginn; den Tag einer Sitzung, in der schon abgestimmt wurde, nicht "
    "mehr (409 `sitzung-mit-abstimmungen`): ihre Beschlüsse tragen ihr Datum.",
    response_model=MeetingDetail,
    responses=responses(401, 403, 404, 409, 422),
)
def edit_meeting(
    meeting_id: MeetingId,
    body: MeetingUpdate,
    runtime: RuntimeDep,
    connection: WriteDep,
    actor: MeetingManager,
) -> MeetingDetail:
    values = patch_values(body, {"starts_at"})
    meetings.edit_meeting(runtime, connection, actor, meeting_id, **values)
    return written_meeting(runtime, connection, actor, meeting_id)


@meetings_router.post(
    "/{meeting_id}/cancel",
    summary="Sitzung absagen",
    description="Die Sitzung bleibt erhalten und erscheint in abonnierten Kalendern als "
    "abgesagt (STATUS:CANCELLED); eine schon abgesagte Sitzung antwortet 409.",
    response_model=MeetingDetail,
    responses=responses(401, 403, 404, 409, 422),
)
def cancel_meeting(
    meeting_id: MeetingId,
    body: MeetingCancel,
    runtime: RuntimeDep,
    connection: WriteDep,
    actor: MeetingManager,
) -> MeetingDetail:
    meetings.cancel_meeting(runtime, connection, actor, meeting_id, reason=body.reason)
    return written_meeting(runtime, connection, actor, meeting_id)


@meetings_router.post(
    "/{meeting_id}/agenda-items",
    summary="Tagesordnungspunkt hinzufügen",
    description="Öffentlicher oder nicht öffentlicher Teil; ein Punkt kann eine Vorlage "
    "behandeln (deren offener Beratungsschritt in diesem Gremium wird dieser Sitzung "
    "zugeordnet, auch einer aus einer abgesagten Sitzung). Eine nicht öffentliche Vorlage "
    "gehört in den nicht öffentlichen Teil. Eine abgesagte Sitzung antwortet 409 "
    "`sitzung-abgesagt`.",
    status_code=status.HTTP_201_CREATED,
    response_model=AgendaItemOut,
    responses=responses(401, 403, 404, 409, 422),
)
def add_agenda_item(
    meeting_id: MeetingId,
    body: AgendaItemCreate,
    runtime: RuntimeDep,
    connection: WriteDep,
    actor: MeetingManager,
) -> AgendaItemOut:
    item_id = meetings.add_agenda_item(runtime, connection, actor, meeting_id, **body.model_dump())
    return next(
        a for a in written_meeting(runtime, connection, actor, meeting_id).agenda if a.id == item_id
    )


@meetings_router.get(
    "/{meeting_id}/attendance",
    summary="Anwesenheitsliste",
    description="Jedes Mitglied am Sitzungstag mit `anwesend`, `entschuldigt` oder "
    "`abwesend` (`null`, solange keine Liste erfasst ist). Ohne Anmeldung nur Ratsmitglieder "
    "öffentlicher Gremien; ein Abruf, der mehr zeigt, wird protokolliert.",
    response_model=AttendanceList,
    responses=responses(401, 404),
)
def get_attendance(
    meeting_id: MeetingId, runtime: RuntimeDep, connection: ReadDep, actor: MaybeActor
) -> AttendanceList:
    view = reading.read_meeting(
        runtime, connection, actor, meeting_id, with_agenda=False, with_attendance=True
    )
    return attendance_out(view)


@meetings_router.put(
    "/{meeting_id}/attendance",
    summary="Anwesenheitsliste erfassen",
    description="Ersetzt die ganze Liste; ein nicht genanntes Mitglied gilt als abwesend.",
    response_model=AttendanceList,
    responses=responses(401, 403, 404, 422),
)
def put_attendance(
    meeting_id: MeetingId,
    body: AttendanceIn,
    runtime: RuntimeDep,
    connection: WriteDep,
    actor: MeetingManager,
) -> AttendanceList:
    entries = [(e.person_id, e.status) for e in body.entries]
    attendance.record_attendance(runtime, connection, actor, meeting_id, entries)
    meeting = meetings.get_meeting(connection, runtime.body_id_in(connection), meeting_id)
    return attendance_out(reading.meeting_view(connection, actor, meeting, False, True))
