"""``/api/v1/measures``: list and export, create, read, edit, history and transitions."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Response
from fastapi.responses import StreamingResponse

from service import keyset
from service.actor import Actor
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
from service.api.transitions import TransitionAsked, history_out
from service.baseline.service import BaselineView
from service.budget.schemas import BudgetLineOut
from service.measures import export, service
from service.measures.schemas import (
    AllowedTransition,
    BaselineOut,
    DeviationOut,
    HistoryItem,
    MeasureCreate,
    MeasureDetail,
    MeasurePage,
    MeasureSummary,
    MeasureUpdate,
    OpenDeadline,
    SortKey,
    TransitionResponse,
)
from service.milestones.schemas import MilestoneOut
from service.runtime import Runtime
from service.statements.schemas import StatementOut, statement_out
from service.xlsx_export import MEDIA_TYPE, attachment
from workflow.calendar import to_local

router = APIRouter(prefix="/api/v1/measures", tags=["Maßnahmen"], route_class=OnceRoute)
MeasureId = Annotated[int, Path(ge=1, le=MAX_ID)]


def _filter(
    state: Annotated[
        str | None, Query(description="Nur dieser Zustand, z. B. `umsetzung`.")
    ] = None,
    programme_id: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="Nur dieses Arbeitspapier.")
    ] = None,
    responsible_person_id: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="Nur Maßnahmen dieser Person.")
    ] = None,
    overdue: Annotated[
        bool | None,
        Query(description="`true`: mit einer offenen, schon fälligen Frist; `false`: ohne."),
    ] = None,
    needs_statement: Annotated[
        bool | None,
        Query(
            description="`true`: personenbezogen, sicherheitsrelevant oder personalwirksam, "
            "aber die passende Stellungnahme (DSB, ISB, Personalrat) fehlt."
        ),
    ] = None,
) -> service.MeasureFilter:
    return service.MeasureFilter(
        state=state,
        programme_id=programme_id,
        responsible_person_id=responsible_person_id,
        overdue=overdue,
        needs_statement=needs_statement,
    )


FilterDep = Annotated[service.MeasureFilter, Depends(_filter)]
SORT_TYPES: dict[str, type] = {
    "id": int,
    "code": str,
    "title": str,
    "state": str,
    "updated_at": datetime,
}
SortDep = Annotated[
    SortKey,
    Query(description="Sortierung: Spalte, mit `-` davor absteigend, z. B. `-updated_at`."),
]


@router.get(
    "",
    summary="Maßnahmen auflisten",
    description="Filterbar und sortierbar; blättern mit `cursor` aus `next_cursor` "
    "(Keyset: jede Seite kostet gleich viel). Ohne Anmeldung nur öffentliche Maßnahmen.",
    response_model=MeasurePage,
    responses=responses(401, 404, 422),
)
def list_measures(
    runtime: RuntimeDep,
    actor: MaybeActor,
    f: FilterDep,
    sort: SortDep = "id",
    limit: Limit = 50,
    cursor: Cursor = None,
) -> MeasurePage:
    order = keyset.parse_sort(sort, tuple(SORT_TYPES))
    after = keyset.decode(cursor, order, SORT_TYPES[order.key])
    found = service.read_page(runtime, actor, f, sort=sort, after=after, limit=limit)
    rows = found[:limit]
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
            responsible_person_id=r.responsible_person_id,
            updated_at=r.updated_at,
        )
        for r in rows
    ]
    return MeasurePage(items=items, next_cursor=keyset.next_cursor(found, limit, order, order.key))


@router.get(
    "/export.csv",
    summary="Maßnahmenliste als CSV",
    description="Dieselben Filter und dieselbe Sortierung wie die Liste, alle Seiten in einer "
    "Datei: UTF-8 mit BOM und `;` als Trennzeichen, damit Excel sie direkt öffnet. "
    "Gleichwertig zu `/export?format=csv`.",
    response_class=StreamingResponse,
    responses={
        200: {"content": {"text/csv": {}}, "description": "CSV-Datei."},
        **responses(401, 422),
    },
)
def export_measures_csv(
    runtime: RuntimeDep, actor: MaybeActor, f: FilterDep, sort: SortDep = "id"
) -> Response:
    return _export(runtime, actor, f, sort, "csv")


@router.get(
    "/export",
    summary="Maßnahmenliste als CSV oder Excel",
    description="Dieselben Filter und dieselbe Sortierung wie die Liste, alle Seiten in einer "
    "Datei. `format=csv`: UTF-8 mit BOM und `;`; `format=xlsx`: Excel-Arbeitsmappe mit "
    "Datumswerten und Beträgen als Zahlen, fixierter Kopfzeile und Filter.",
    response_class=StreamingResponse,
    responses={
        200: {"content": {"text/csv": {}, MEDIA_TYPE: {}}, "description": "Die Datei."},
        **responses(401, 422),
    },
)
def export_measures(
    runtime: RuntimeDep,
    actor: MaybeActor,
    f: FilterDep,
    sort: SortDep = "id",
    format: Annotated[Literal["csv", "xlsx"], Query(description="csv oder xlsx")] = "csv",
) -> Response:
    return _export(runtime, actor, f, sort, format)


def _export(
    runtime: Runtime, actor: Actor | None, f: service.MeasureFilter, sort: str, kind: str
) -> Response:
    labels = runtime.registry.latest("massnahme").spec.states
    rows = service.export_measures(runtime, actor, f, sort)
    filename = f"massnahmen-{to_local(runtime.now()).date().isoformat()}.{kind}"
    if kind == "xlsx":
        return Response(
            export.measures_xlsx(rows.rows, labels, with_names=rows.with_names),
            media_type=MEDIA_TYPE,
            headers=attachment(filename),
        )
    return StreamingResponse(
        export.measures_csv(rows.rows, labels, with_names=rows.with_names),
        media_type="text/csv; charset=utf-8",
        headers=attachment(filename),
    )


@router.post(
    "",
    summary="Maßnahme anlegen",
    description="Legt eine Maßnahme im Anfangszustand der neuesten Ablaufdefinition an. "
    "AG-Mitglieder legen nur eigene Maßnahmen an (ohne `responsible_person_id`: die eigene "
    "Person).",
    status_code=201,
    response_model=MeasureDetail,
    responses=responses(401, 403, 422),
)
def create_measure(
    body: MeasureCreate,
    runtime: RuntimeDep,
    connection: WriteDep,
    actor: CurrentActor,
    response: Response,
) -> MeasureDetail:
    measure_id = service.new_measure(runtime, connection, actor, **body.model_dump())
    response.headers["Location"] = f"{router.prefix}/{measure_id}"
    return _detail(
        runtime, service.written_measure(runtime, connection, actor, measure_id), response
    )


def _detail(runtime: Runtime, view: service.MeasureView, response: Response) -> MeasureDetail:
    row, now = view.measure, runtime.now()
    response.headers["ETag"] = f'"{row.version}"'
    return MeasureDetail(
        id=row.id,
        code=row.code,
        title=row.title,
        state=row.state,
        state_label=view.spec.states[row.state].label,
        version=row.version,
        programme_id=row.programme_id,
        public=row.public,
        description=row.description,
        responsible_person_id=row.responsible_person_id,
        responsible_person_name=view.responsible,
        definition=row.definition_name,
        definition_version=row.definition_version,
        fields=view.fields,
        allowed_transitions=[
            AllowedTransition(
                event=a.event,
                label=a.label,
                target=a.target,
                requires=list(a.requires),
                optional=list(a.optional),
                comment_required=a.comment_required,
                blocked_by=list(a.blocked_by),
                missing_fields=[f for fields in a.missing.values() for f in fields],
            )
            for a in view.allowed
        ],
        created_at=row.created_at,
        updated_at=row.updated_at,
        statements=_statements(view),
        budget_lines=[
            BudgetLineOut.model_validate(b, from_attributes=True) for b in view.budget_lines
        ],
        milestones=[MilestoneOut.model_validate(m, from_attributes=True) for m in view.milestones],
        open_deadlines=[
            OpenDeadline(name=d.name, label=d.label, due_at=d.due_at, overdue=d.due_at < now)
            for d in view.open_deadlines
        ],
        baseline=_baseline(view.baseline),
    )


def _statements(view: service.MeasureView) -> list[StatementOut]:
    """Each statement as ``/measures/{id}/statements`` gives it: with its Auflagen and the
    Abwägung."""
    tasks = view.statement_tasks
    if tasks is None:
        return [statement_out(s, view.authors) for s in view.statements]
    return [statement_out(s, tasks.people, tasks) for s in tasks.statements]


def _baseline(view: BaselineView | None) -> BaselineOut | None:
    if view is None:
        return None
    base = view.values
    return BaselineOut(
        resolution_number=view.resolution_number,
        decided_on=view.decided_on,
        paper_id=view.paper_id,
        title=base.title,
        description=base.description,
        one_off_cost=base.one_off_cost,
        recurring_cost=base.recurring_cost,
        target_date=base.target_date,
        deviations=[DeviationOut(**vars(d)) for d in view.deviations],
    )


@router.get(
    "/{measure_id}",
    summary="Maßnahme lesen",
    description="Alles zu einer Maßnahme in einem Aufruf: Felder, `version` (auch als `ETag`), "
    "die für den Aufrufer möglichen Übergänge, Stellungnahmen, Haushaltsansätze, Meilensteine "
    "und offene Fristen.",
    response_model=MeasureDetail,
    responses=responses(401, 404),
)
def get_measure(
    measure_id: MeasureId, runtime: RuntimeDep, actor: MaybeActor, response: Response
) -> MeasureDetail:
    return _detail(runtime, service.read_measure(runtime, actor, measure_id), response)


@router.patch(
    "/{measure_id}",
    summary="Maßnahme bearbeiten",
    description="Ändert nur die gesendeten Angaben. `version` (oder `If-Match`) muss der "
    "zuletzt gelesenen Version entsprechen, sonst 409. Zustand und Übergangsdaten ändern "
    "sich nur über `transitions`.",
    response_model=MeasureDetail,
    responses=responses(401, 403, 404, 409, 422),
)
def edit_measure(
    measure_id: MeasureId,
    body: MeasureUpdate,
    runtime: RuntimeDep,
    connection: WriteDep,
    actor: CurrentActor,
    response: Response,
    if_match: IfMatch = None,
) -> MeasureDetail:
    version = expected_version(if_match, body.version, required=True)
    changes = body.model_dump(exclude_unset=True, exclude={"version"})
    service.update_measure(runtime, connection, actor, measure_id, changes, version=version)
    return _detail(
        runtime, service.written_measure(runtime, connection, actor, measure_id), response
    )


@router.post(
    "/{measure_id}/transitions",
    summary="Übergang auslösen",
    description="Löst ein Ereignis aus. `version` (oder `If-Match`) schützt vor "
    "gleichzeitigen Änderungen; ein unbekanntes oder unzulässiges Ereignis ergibt 409 mit "
    "den erlaubten Ereignissen. Mit `Idempotency-Key` liefert eine Wiederholung die erste "
    "Antwort, ohne erneut zu handeln.",
    response_model=TransitionResponse,
    responses=responses(401, 403, 404, 409, 422),
)
def fire_measure_transition(
    measure_id: MeasureId, asked: TransitionAsked, runtime: RuntimeDep, actor: CurrentActor
) -> Response:
    return asked.answer(service.fire_by_user, runtime, actor, measure_id)


@router.get(
    "/{measure_id}/history",
    summary="Verlauf einer Maßnahme",
    response_model=list[HistoryItem],
    responses=responses(401, 404),
)
def measure_history(
    measure_id: MeasureId, runtime: RuntimeDep, actor: MaybeActor
) -> list[HistoryItem]:
    read = service.read_history(runtime, actor, measure_id)
    return history_out(read.entries, read.users)
