"""``/api/v1/measures``: list, read, history and the transition endpoint."""

from __future__ import annotations

import base64
import json
from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Query, Response
from fastapi.exceptions import RequestValidationError

from service.api.deps import MAX_ID, CurrentActor, MaybeActor, ReadDep, RuntimeDep, WriteDep
from service.api.problems import responses
from service.audit.service import record_access
from service.auth.service import usernames
from service.errors import NotFound
from service.measures import service
from service.measures.schemas import (
    AllowedTransition,
    DeadlineOut,
    HistoryItem,
    MeasureDetail,
    MeasurePage,
    MeasureSummary,
    TransitionRequest,
    TransitionResponse,
)
from workflow.engine import Subject

router = APIRouter(prefix="/api/v1/measures", tags=["Maßnahmen"])
MeasureId = Annotated[int, Path(ge=1, le=MAX_ID)]


def _cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"after": last_id}).encode()).decode()


def _after(cursor: str | None) -> int | None:
    if not cursor:
        return None
    try:
        after = int(json.loads(base64.urlsafe_b64decode(cursor.encode()))["after"])
    except (ValueError, KeyError, TypeError, OverflowError):
        raise NotFound("Seite", cursor) from None
    if not 0 <= after <= MAX_ID:
        raise NotFound("Seite", cursor)
    return after


def _if_match(value: str) -> int | None:
    """The version named by ``If-Match``: one ETag as sent in ``ETag``, or ``*`` (any)."""
    tag = value.strip()
    if tag == "*":
        return None
    tag = tag.removeprefix("W/")
    if len(tag) >= 2 and tag[0] == tag[-1] == '"':
        tag = tag[1:-1]
    if not tag.isascii() or not tag.isdigit():
        error = {"type": "etag_parsing", "loc": ("header", "If-Match"), "input": value}
        raise RequestValidationError([error])
    return int(tag)


@router.get(
    "",
    summary="Maßnahmen auflisten",
    response_model=MeasurePage,
    responses=responses(401, 404, 422),
)
def list_measures(
    runtime: RuntimeDep,
    connection: ReadDep,
    actor: MaybeActor,
    state: Annotated[str | None, Query(description="Nur dieser Zustand.")] = None,
    programme_id: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="Nur dieses Arbeitspapier.")
    ] = None,
    responsible_person_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(description="Aus `next_cursor` der Vorseite.")] = None,
) -> MeasurePage:
    rows = service.page_measures(
        connection,
        public_only=actor is None,
        state=state,
        programme_id=programme_id,
        responsible_person_id=responsible_person_id,
        after_id=_after(cursor),
        limit=limit + 1,
    )
    more = len(rows) > limit
    rows = rows[:limit]
    labels = runtime.registry.latest("massnahme").spec.states
    items = [
        MeasureSummary(
            id=r.id,
            code=r.code,
            title=r.title,
            state=r.state,
            state_label=labels[r.state].label if r.state in labels else r.state,
            version=r.version,
            programme_id=r.programme_id,
            public=r.public,
        )
        for r in rows
    ]
    return MeasurePage(items=items, next_cursor=_cursor(rows[-1].id) if more else None)


def _visible(connection: ReadDep | WriteDep, measure_id: int, actor: MaybeActor) -> object:
    row = service.get_measure(connection, measure_id)
    if actor is None and not row.public:
        raise NotFound("Maßnahme", measure_id)
    return row


def _log_internal_read(runtime: RuntimeDep, actor: MaybeActor, row: Any) -> None:
    """A read of a non-public measure is logged, in its own short write transaction."""
    if actor is not None and not row.public:
        with runtime.write() as connection:
            record_access(
                runtime, connection, actor, "measure", row.id, persons=[row.responsible_person_id]
            )


@router.get(
    "/{measure_id}",
    summary="Maßnahme lesen",
    response_model=MeasureDetail,
    responses=responses(401, 404),
)
def get_measure(
    measure_id: MeasureId,
    runtime: RuntimeDep,
    connection: ReadDep,
    actor: MaybeActor,
    response: Response,
) -> MeasureDetail:
    row = service.get_measure(connection, measure_id)
    if actor is None and not row.public:
        raise NotFound("Maßnahme", measure_id)
    _log_internal_read(runtime, actor, row)
    engine = runtime.registry.engine(row.definition_name, row.definition_version)
    allowed: list[AllowedTransition] = []
    if actor is not None:
        statements = tuple(service.statement_records(connection, measure_id))
        subject = Subject(row.state, dict(row.fields or {}), statements)
        allowed = [
            AllowedTransition(
                event=a.event,
                label=a.label,
                target=a.target,
                requires=list(a.requires),
                optional=list(a.optional),
                comment_required=a.comment_required,
                blocked_by=list(a.blocked_by),
            )
            for a in engine.allowed_events(subject, actor.roles, runtime.now())
        ]
    response.headers["ETag"] = f'"{row.version}"'
    return MeasureDetail(
        id=row.id,
        code=row.code,
        title=row.title,
        state=row.state,
        state_label=engine.spec.states[row.state].label,
        version=row.version,
        programme_id=row.programme_id,
        public=row.public,
        description=row.description,
        responsible_person_id=row.responsible_person_id,
        definition=row.definition_name,
        definition_version=row.definition_version,
        fields=dict(row.fields or {}),
        allowed_transitions=allowed,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


@router.post(
    "/{measure_id}/transitions",
    summary="Übergang auslösen",
    description="Löst ein Ereignis aus. `version` (oder `If-Match`) schützt vor "
    "gleichzeitigen Änderungen; ein unbekanntes oder unzulässiges Ereignis ergibt 409 mit "
    "den erlaubten Ereignissen.",
    response_model=TransitionResponse,
    responses=responses(401, 403, 404, 409, 422),
)
def fire_transition(
    measure_id: MeasureId,
    body: TransitionRequest,
    runtime: RuntimeDep,
    connection: WriteDep,
    actor: CurrentActor,
    if_match: Annotated[str | None, Header()] = None,
) -> TransitionResponse:
    version = body.version
    if if_match and (tagged := _if_match(if_match)) is not None:
        version = tagged
    done = service.fire(
        runtime,
        connection,
        actor,
        measure_id,
        body.event,
        version=version,
        data=body.data,
        comment=body.comment,
    )
    deadline = done.result.deadline
    return TransitionResponse(
        id=measure_id,
        event=done.result.event,
        from_state=done.result.source,
        to_state=done.result.target,
        version=done.version,
        deadline=DeadlineOut(name=deadline.name, label=deadline.label, due_at=deadline.due_at)
        if deadline
        else None,
    )


@router.get(
    "/{measure_id}/history",
    summary="Verlauf einer Maßnahme",
    response_model=list[HistoryItem],
    responses=responses(401, 404),
)
def measure_history(
    measure_id: MeasureId, runtime: RuntimeDep, connection: ReadDep, actor: MaybeActor
) -> list[HistoryItem]:
    row = service.get_measure(connection, measure_id)
    if actor is None and not row.public:
        raise NotFound("Maßnahme", measure_id)
    _log_internal_read(runtime, actor, row)
    entries = service.history(connection, measure_id)
    names = usernames(connection, {e.actor_user_id for e in entries}) if actor else {}
    return [
        HistoryItem(
            at=e.at,
            event=e.event,
            label=e.label,
            from_state=e.from_state,
            to_state=e.to_state,
            actor=names.get(e.actor_user_id) if actor else None,
            role=e.actor_role,
            comment=e.comment,
            data=dict(e.data or {}),
        )
        for e in entries
    ]
