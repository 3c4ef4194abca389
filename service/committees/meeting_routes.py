"""``/api/v1/meetings``: sessions of the Gremien, their agenda, attendance and cancellation."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, status
from fastapi.exceptions import RequestValidationError

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
from service.committees import attendance, meetings, reading
from service.committees.answers import (
    attendance_out,
    cancelled_meeting,
    meeting_detail,
    meeting_summary,
    written_meeting,
)
from service.committees.schemas import (
    AgendaItemCreate,
    AgendaItemOut,
    AttendanceIn,
    AttendanceList,
    CancelledMeeting,
    MeetingCancel,
    MeetingCreate,
    MeetingDetail,
    MeetingPage,
    MeetingUpdate,
)

meetings_router = APIRouter(prefix="/api/v1/meetings", tags=["Sitzungen"], route_class=OnceRoute)
MeetingSort = Literal["starts_at", "-starts_at", "id", "-id"]
MeetingId = Annotated[int, Path(ge=1, le=MAX_ID)]
MeetingManager = Annotated[Actor, Depends(permitted("meeting.manage"))]


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
    "abgesagt (STATUS:CANCELLED). Jedes Mitglied, das eine Einladung erhielt (auch eines, "
    "das das Gremium inzwischen verlassen hat), bekommt in derselben Transaktion die Absage "
    "mit Kalendereintrag (METHOD:CANCEL), der den Termin entfernt; Einladungen, die noch im "
    "Postausgang warten, gehen nicht mehr hinaus. Die Antwort nennt unter `cancellation`, "
    "an wie viele Mitglieder die Absage per E-Mail ging, und die ohne E-Mail-Adresse mit "
    "Namen. Eine schon abgesagte Sitzung antwortet 409, ebenso eine, die schon begonnen hat "
    "oder in der Abstimmungen oder die Anwesenheit erfasst sind (`sitzung-stattgefunden`).",
    response_model=CancelledMeeting,
    responses=responses(401, 403, 404, 409, 422),
)
def cancel_meeting(
    meeting_id: MeetingId,
    body: MeetingCancel,
    runtime: RuntimeDep,
    connection: WriteDep,
    actor: MeetingManager,
) -> CancelledMeeting:
    notice = meetings.cancel_meeting(runtime, connection, actor, meeting_id, reason=body.reason)
    return cancelled_meeting(runtime, connection, actor, meeting_id, notice)


@meetings_router.post(
    "/{meeting_id}/agenda-items",
    summary="Tagesordnungspunkt hinzufügen",
    description="Öffentlicher oder nicht öffentlicher Teil; ein Punkt kann eine Vorlage "
    "behandeln (deren offener Beratungsschritt in diesem Gremium wird dieser Sitzung "
    "zugeordnet, auch einer aus einer abgesagten Sitzung). Nach dem Versand der Einladung ist "
    "ein neuer Punkt ein Nachtrag: die Fassung der Sitzung steigt, `ratsflow invitation send` "
    "schickt allen Mitgliedern den Nachtrag zur Einladung. Eine nicht öffentliche Vorlage "
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
