"""``/api/v1/committees`` (Gremien with their memberships) and ``/api/v1/meetings``."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, status
from fastapi.exceptions import RequestValidationError
from sqlalchemy.engine import Connection

from service import access, keyset
from service.actor import Actor
from service.api.council import patch_values, permitted
from service.api.deps import MAX_ID, MaybeActor, ReadDep, RuntimeDep, WriteDep
from service.api.problems import responses
from service.auth.errors import NotSignedIn
from service.committees import service
from service.committees.schemas import (
    AgendaItemCreate,
    AgendaItemOut,
    AttendanceIn,
    AttendanceList,
    AttendanceOut,
    CommitteeCreate,
    CommitteeOut,
    CommitteePage,
    CommitteeUpdate,
    MeetingCreate,
    MeetingDetail,
    MeetingPage,
    MeetingSummary,
    MeetingUpdate,
    MembershipCreate,
    MembershipEnd,
    MembershipOut,
    MembershipPage,
)
from service.errors import NotFound
from service.people.service import display_name

router = APIRouter(prefix="/api/v1/committees", tags=["Gremien"])
meetings_router = APIRouter(prefix="/api/v1/meetings", tags=["Sitzungen"])

CommitteeId = Annotated[int, Path(ge=1, le=MAX_ID)]
MeetingId = Annotated[int, Path(ge=1, le=MAX_ID)]
MembershipId = Annotated[int, Path(ge=1, le=MAX_ID)]
CommitteeManager = Annotated[Actor, Depends(permitted("committee.manage"))]
MeetingManager = Annotated[Actor, Depends(permitted("meeting.manage"))]
Limit = Annotated[int, Query(ge=1, le=200)]
Cursor = Annotated[str | None, Query(description="Aus `next_cursor` der Vorseite.")]


def _public_only(actor: Actor | None, permission: str) -> frozenset[str] | None:
    """The committee kinds a caller without ``permission`` may see; None: all."""
    return None if access.holds(actor, permission) else access.PUBLIC_COMMITTEE_KINDS


def _committee(row: Any) -> CommitteeOut:
    return CommitteeOut(
        id=row.id,
        slug=row.slug,
        name=row.name,
        short_name=row.short_name,
        kind=row.kind,
        public=access.committee_is_public(row.kind),
        vote_rules=dict(row.vote_rules or {}),
        meeting_cycle=row.meeting_cycle,
    )


@router.get(
    "",
    summary="Gremien auflisten",
    description="Alle Gremien mit Namen und Art; Sortierung `id` oder `name` (absteigend mit `-`).",
    response_model=CommitteePage,
    responses=responses(401, 422),
)
def list_committees(
    connection: ReadDep,
    actor: MaybeActor,
    kind: Annotated[str | None, Query(max_length=30)] = None,
    sort: Annotated[str, Query(examples=["name"])] = "id",
    limit: Limit = 50,
    cursor: Cursor = None,
) -> CommitteePage:
    order = keyset.parse_sort(sort, ("id", "name"))
    rows = service.page_committees(
        connection,
        kinds=None,
        kind=kind,
        sort=order,
        after=keyset.decode(cursor, order, int if order.key == "id" else str),
        limit=limit + 1,
    )
    return CommitteePage(
        items=[_committee(r) for r in rows[:limit]],
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
    return _committee(service.get_committee(connection, committee_id))


@router.get(
    "/{committee_id}",
    summary="Gremium lesen",
    response_model=CommitteeOut,
    responses=responses(401, 404),
)
def get_committee(
    committee_id: CommitteeId, connection: ReadDep, actor: MaybeActor
) -> CommitteeOut:
    # Every committee's name is public (a paper names its AG); its members may not be.
    return _committee(service.get_committee(connection, committee_id))


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
    return _committee(service.get_committee(connection, committee_id))


def _membership(row: Any) -> MembershipOut:
    return MembershipOut(
        id=row.id,
        committee_id=row.committee_id,
        person_id=row.person_id,
        name=display_name(row),
        role=row.role,
        voting_right=row.voting_right,
        valid_from=row.valid_from,
        valid_until=row.valid_until,
    )


def _members_visible(connection: Connection, committee_id: int, actor: Actor | None) -> Any:
    committee = service.get_committee(connection, committee_id)
    if not access.may_see_committee_internals(actor, committee):
        # The members of an internal working group are staff: personal data.
        if actor is None:
            raise NotSignedIn("Die Mitglieder dieses Gremiums sind nur angemeldet sichtbar.")
        raise NotFound("Gremium", committee_id)
    return committee


@router.get(
    "/{committee_id}/memberships",
    summary="Mitgliedschaften eines Gremiums",
    description="Öffentlich nur für Gremien des Rates und nur Ratsmitglieder, keine "
    "Beschäftigten der Verwaltung; `active_on` zeigt die Besetzung an einem Tag.",
    response_model=MembershipPage,
    responses=responses(401, 404, 422),
)
def list_memberships(
    committee_id: CommitteeId,
    connection: ReadDep,
    actor: MaybeActor,
    active_on: date | None = None,
    limit: Limit = 100,
    cursor: Cursor = None,
) -> MembershipPage:
    _members_visible(connection, committee_id, actor)
    order = keyset.Sort("id")
    after = keyset.decode(cursor, order, int)
    rows = service.memberships_of(
        connection,
        committee_id,
        active_on=active_on,
        public_only=not access.holds(actor, "person.read"),
        after_id=after.id if after else None,
        limit=limit + 1,
    )
    return MembershipPage(
        items=[_membership(r) for r in rows[:limit]],
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
    return _membership_out(connection, committee_id, membership_id)


def _membership_out(connection: Connection, committee_id: int, membership_id: int) -> MembershipOut:
    row = service.get_membership(connection, committee_id, membership_id)
    person = service.persons_by_id(connection, [row.person_id])[row.person_id]
    return MembershipOut(
        id=row.id,
        committee_id=row.committee_id,
        person_id=row.person_id,
        name=display_name(person),
        role=row.role,
        voting_right=row.voting_right,
        valid_from=row.valid_from,
        valid_until=row.valid_until,
    )


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
    return _membership_out(connection, committee_id, membership_id)


# --- meetings ------------------------------------------------------------------------------


def _meeting_summary(row: Any) -> MeetingSummary:
    return MeetingSummary(
        id=row.id,
        committee_id=row.committee_id,
        committee_name=row.committee_name,
        starts_at=row.starts_at,
        location=row.location,
        public=access.committee_is_public(row.committee_kind),
    )


def _visible_meeting(connection: Connection, meeting_id: int, actor: Actor | None) -> Any:
    row = service.get_meeting(connection, meeting_id)
    if not access.may_see_meeting(actor, row.committee_kind):
        raise NotFound("Sitzung", meeting_id)
    return row


def _meeting_detail(connection: Connection, row: Any, actor: Actor | None) -> MeetingDetail:
    staff = access.holds(actor, "meeting.read_internal")
    agenda = [
        AgendaItemOut(
            id=a.id,
            position=a.position,
            number=a.number,
            title=a.title,
            public=a.public,
            paper_id=a.paper_id if staff or a.paper_public else None,
            paper_reference=a.paper_reference if staff or a.paper_public else None,
            consultation_id=a.consultation_id if staff or a.paper_public else None,
        )
        for a in service.agenda(connection, row.id, public_only=not staff)
        if access.may_see_agenda_item(actor, a)
    ]
    return MeetingDetail(
        **_meeting_summary(row).model_dump(),
        invitation_sent_at=row.invitation_sent_at,
        agenda=agenda,
    )


@meetings_router.get(
    "",
    summary="Sitzungen auflisten",
    description="Ohne Anmeldung nur Sitzungen der Gremien des Rates. Sortierung `starts_at` "
    "(Vorgabe) oder `id`, absteigend mit `-`.",
    response_model=MeetingPage,
    responses=responses(401, 422),
)
def list_meetings(
    connection: ReadDep,
    actor: MaybeActor,
    committee_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    starts_from: Annotated[datetime | None, Query(description="Beginn ab (mit Zeitzone).")] = None,
    starts_before: Annotated[datetime | None, Query(description="Beginn vor.")] = None,
    sort: Annotated[str, Query(examples=["-starts_at"])] = "starts_at",
    limit: Limit = 50,
    cursor: Cursor = None,
) -> MeetingPage:
    order = keyset.parse_sort(sort, ("starts_at", "id"))
    rows = service.page_meetings(
        connection,
        kinds=_public_only(actor, "meeting.read_internal"),
        committee_id=committee_id,
        starts_from=_aware(starts_from, "starts_from"),
        starts_before=_aware(starts_before, "starts_before"),
        sort=order,
        after=keyset.decode(cursor, order, datetime if order.key == "starts_at" else int),
        limit=limit + 1,
    )
    return MeetingPage(
        items=[_meeting_summary(r) for r in rows[:limit]],
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
    meeting_id = service.new_meeting(runtime, connection, actor, **body.model_dump())
    return _meeting_detail(connection, service.get_meeting(connection, meeting_id), actor)


@meetings_router.get(
    "/{meeting_id}",
    summary="Sitzung lesen",
    description="Mit Tagesordnung; ohne Anmeldung fehlt der nicht öffentliche Teil ganz.",
    response_model=MeetingDetail,
    responses=responses(401, 404),
)
def get_meeting(meeting_id: MeetingId, connection: ReadDep, actor: MaybeActor) -> MeetingDetail:
    return _meeting_detail(connection, _visible_meeting(connection, meeting_id, actor), actor)


@meetings_router.patch(
    "/{meeting_id}",
    summary="Sitzung ändern",
    response_model=MeetingDetail,
    responses=responses(401, 403, 404, 422),
)
def edit_meeting(
    meeting_id: MeetingId,
    body: MeetingUpdate,
    runtime: RuntimeDep,
    connection: WriteDep,
    actor: MeetingManager,
) -> MeetingDetail:
    values = patch_values(body, {"starts_at"})
    service.edit_meeting(runtime, connection, actor, meeting_id, **values)
    return _meeting_detail(connection, service.get_meeting(connection, meeting_id), actor)


@meetings_router.post(
    "/{meeting_id}/agenda-items",
    summary="Tagesordnungspunkt hinzufügen",
    description="Öffentlicher oder nicht öffentlicher Teil; ein Punkt kann eine Vorlage "
    "behandeln (deren offener Beratungsschritt in diesem Gremium wird dieser Sitzung "
    "zugeordnet). Eine nicht öffentliche Vorlage gehört in den nicht öffentlichen Teil.",
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
    item_id = service.add_agenda_item(runtime, connection, actor, meeting_id, **body.model_dump())
    detail = _meeting_detail(connection, service.get_meeting(connection, meeting_id), actor)
    return next(a for a in detail.agenda if a.id == item_id)


def _attendance(connection: Connection, meeting: Any, actor: Actor | None) -> AttendanceList:
    entries = service.attendance_list(connection, meeting)
    people = service.persons_by_id(connection, [e.person_id for e in entries])
    staff = access.holds(actor, "person.read")
    public_people = set() if staff else service.in_public_committee(connection, list(people))
    items = [
        AttendanceOut(
            person_id=e.person_id,
            name=display_name(people[e.person_id]),
            member=e.member,
            status=e.status,
        )
        for e in entries
        if staff or access.person_is_public(people[e.person_id], e.person_id in public_people)
    ]
    recorded = any(e.status is not None for e in entries)
    return AttendanceList(meeting_id=meeting.id, recorded=recorded, items=items)


@meetings_router.get(
    "/{meeting_id}/attendance",
    summary="Anwesenheitsliste",
    description="Jedes Mitglied am Sitzungstag mit `anwesend`, `entschuldigt` oder "
    "`abwesend` (`null`, solange keine Liste erfasst ist). Ohne Anmeldung nur Ratsmitglieder "
    "öffentlicher Gremien.",
    response_model=AttendanceList,
    responses=responses(401, 404),
)
def get_attendance(meeting_id: MeetingId, connection: ReadDep, actor: MaybeActor) -> AttendanceList:
    return _attendance(connection, _visible_meeting(connection, meeting_id, actor), actor)


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
    service.record_attendance(runtime, connection, actor, meeting_id, entries)
    return _attendance(connection, service.get_meeting(connection, meeting_id), actor)
