"""Queries of the measure domain: lists, the Übersicht, one measure's parts, references.

Every list (API page, CSV export, the Übersicht's board and table) is filtered by ``_where``
from one ``MeasureFilter``, so that the export holds exactly what the list shows, and a
caller who may see public measures only never gets another row through any filter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, false, func, or_, select
from sqlalchemy.engine import Connection

from service import keyset
from service.deadlines.models import Deadline
from service.keyset import After
from service.measures.models import Measure
from service.papers.models import Paper, PaperMeasure
from service.people.models import Person
from service.programmes.models import Programme
from service.statements.models import Statement

measures = Measure.__table__  # type: ignore[attr-defined]
programmes = Programme.__table__  # type: ignore[attr-defined]
statements = Statement.__table__  # type: ignore[attr-defined]
deadlines = Deadline.__table__  # type: ignore[attr-defined]
persons = Person.__table__  # type: ignore[attr-defined]
papers = Paper.__table__  # type: ignore[attr-defined]
paper_measures = PaperMeasure.__table__  # type: ignore[attr-defined]

SORT_COLUMNS = {
    "id": measures.c.id,
    "code": measures.c.code,
    "title": measures.c.title,
    "state": measures.c.state,
    "updated_at": measures.c.updated_at,
}

# A flag of the Aufwand-Nutzen-Analyse and the statement it calls for (the guards of
# ``an_fva_uebergeben`` ask for the same).
STATEMENT_FOR_FLAG = {
    "personenbezogen": "datenschutz",
    "sicherheitsrelevant": "informationssicherheit",
    "personalwirksam": "personalrat",
}


@dataclass(frozen=True)
class MeasureFilter:
    """What a list asks for. ``public_only`` and ``body_id`` are set by the service from the
    caller and the addressed body, never by a door (no body: no row); ``statement_states``
    narrows ``needs_statement`` to the states in which a missing statement still blocks a
    step (the Übersicht)."""

    public_only: bool = True
    body_id: int | None = None
    state: str | None = None
    programme_id: int | None = None
    responsible_person_id: int | None = None
    overdue: bool | None = None
    needs_statement: bool | None = None
    statement_states: tuple[str, ...] = ()


def _has_statement(kind: str) -> ColumnElement[bool]:
    return exists().where(statements.c.measure_id == measures.c.id, statements.c.kind == kind)


def needs_statement() -> ColumnElement[bool]:
    """A flag is set, and the statement it calls for is missing."""
    return or_(
        *(
            and_(measures.c.fields[flag].as_boolean().is_(True), ~_has_statement(kind))
            for flag, kind in STATEMENT_FOR_FLAG.items()
        )
    )


def overdue(now: datetime) -> ColumnElement[bool]:
    """An open deadline of the measure fell due before now."""
    return exists().where(
        deadlines.c.entity_type == "measure",
        deadlines.c.entity_id == measures.c.id,
        deadlines.c.open.is_(True),
        deadlines.c.due_at < now,
    )


def _where(f: MeasureFilter, now: datetime) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [measures.c.body_id == f.body_id]
    if f.public_only:
        conditions.append(measures.c.public.is_(True))
    if f.state:
        conditions.append(measures.c.state == f.state)
    if f.programme_id is not None:
        conditions.append(measures.c.programme_id == f.programme_id)
    if f.responsible_person_id is not None:
        conditions.append(measures.c.responsible_person_id == f.responsible_person_id)
    # Built only when asked for: building them costs more than running a board query.
    flags: tuple[tuple[bool | None, Callable[[], ColumnElement[bool]]], ...] = (
        (f.overdue, partial(overdue, now)),
        (f.needs_statement, needs_statement),
    )
    for wanted, build in flags:
        if wanted is True:
            conditions.append(build())
        elif wanted is False:
            # NULL (a flag missing in the JSON) counts as "not needed".
            conditions.append(~func.coalesce(build(), false()))
    if f.needs_statement and f.statement_states:
        conditions.append(measures.c.state.in_(sorted(f.statement_states)))
    return conditions


def _page(query: Select[Any], sort: str, after: After | None, limit: int) -> Select[Any]:
    order = keyset.Sort(sort.lstrip("-"), sort.startswith("-"))
    return keyset.page(query, SORT_COLUMNS[order.key], measures.c.id, order, after, limit)


SUMMARY_COLUMNS = (
    measures.c.id,
    measures.c.code,
    measures.c.title,
    measures.c.state,
    measures.c.version,
    measures.c.programme_id,
    measures.c.public,
    measures.c.responsible_person_id,
    measures.c.updated_at,
)


def page(
    connection: Connection,
    f: MeasureFilter,
    *,
    sort: str,
    after: After | None,
    limit: int,
    now: datetime,
) -> list[Any]:
    """Keyset paging on (sort column, id): page 20 costs what page 1 costs."""
    query = select(*SUMMARY_COLUMNS).where(*_where(f, now))
    return list(connection.execute(_page(query, sort, after, limit)))


def export_page(
    connection: Connection,
    f: MeasureFilter,
    *,
    sort: str,
    after: After | None,
    limit: int,
    now: datetime,
) -> list[Any]:
    """A page of the CSV export: the summary plus fields and the programme's title."""
    query = (
        select(*SUMMARY_COLUMNS, measures.c.fields, programmes.c.title.label("programme_title"))
        .join(programmes, programmes.c.id == measures.c.programme_id)
        .where(*_where(f, now))
    )
    return list(connection.execute(_page(query, sort, after, limit)))


def sort_value(row: Any, sort: str) -> Any:
    return getattr(row, sort.lstrip("-"))


def internal_responsibles(connection: Connection, f: MeasureFilter, now: datetime) -> list[Any]:
    """The persons responsible for the non-public measures a list holds (None: nobody);
    no row means the list holds no non-public measure."""
    query = (
        select(measures.c.responsible_person_id)
        .where(*_where(f, now), measures.c.public.is_(False))
        .distinct()
    )
    return list(connection.execute(query).scalars())


def all_measures(connection: Connection, body_id: int | None) -> list[Any]:
    """Every measure of the body (None: of every body, for the system's own work)."""
    query = select(*SUMMARY_COLUMNS)
    if body_id is not None:
        query = query.where(measures.c.body_id == body_id)
    return list(connection.execute(query.order_by(measures.c.id)))


# --- the Übersicht -----------------------------------------------------------------------------

BOARD_COLUMNS = (*SUMMARY_COLUMNS, measures.c.fields)
OVERVIEW_SORTS: dict[str, Any] = {
    "nr": measures.c.id,
    "kennung": measures.c.code,
    "titel": measures.c.title,
    "zustand": measures.c.state,
    "verantwortlich": persons.c.family_name,
    "aktualisiert": measures.c.updated_at,
}


def state_counts(connection: Connection, f: MeasureFilter, now: datetime) -> dict[str, int]:
    """Measures per state: one ``GROUP BY`` over the state index."""
    query = select(measures.c.state, func.count()).where(*_where(f, now))
    return {state: int(n) for state, n in connection.execute(query.group_by(measures.c.state))}


def board(
    connection: Connection, f: MeasureFilter, now: datetime, states: list[str], limit: int
) -> list[list[Any]]:
    """The first ``limit`` measures of each state, by id: the state index, then the id."""
    conditions = _where(f, now)
    return [
        list(
            connection.execute(
                select(*BOARD_COLUMNS)
                .where(measures.c.state == state, *conditions)
                .order_by(measures.c.id)
                .limit(limit)
            )
        )
        for state in states
    ]


def offset_page(
    connection: Connection,
    f: MeasureFilter,
    now: datetime,
    *,
    sort: str,
    descending: bool,
    offset: int,
    limit: int,
) -> list[Any]:
    """A numbered page of the Übersicht's table (sortable by the responsible's name)."""
    column = OVERVIEW_SORTS.get(sort, measures.c.id)
    order = [column.desc() if descending else column.asc()]
    if column is not measures.c.id:
        order.append(measures.c.id)
    query = (
        select(*BOARD_COLUMNS)
        .select_from(measures.outerjoin(persons, persons.c.id == measures.c.responsible_person_id))
        .where(*_where(f, now))
        .order_by(*order)
        .limit(limit)
        .offset(offset)
    )
    return list(connection.execute(query))


def overdue_ids(connection: Connection, ids: list[int], now: datetime) -> set[int]:
    if not ids:
        return set()
    # Selected by item only, filtered here: the (entity_type, entity_id) index then serves
    # the query on every backend, where a condition on due_at could lure a planner into
    # scanning every overdue Frist of the city.
    return {
        r.entity_id
        for r in connection.execute(
            select(deadlines.c.entity_id, deadlines.c.open, deadlines.c.due_at).where(
                deadlines.c.entity_type == "measure", deadlines.c.entity_id.in_(ids)
            )
        )
        if r.open and r.due_at < now
    }


def statement_kinds(connection: Connection, ids: list[int]) -> dict[int, set[str]]:
    kinds: dict[int, set[str]] = {}
    if ids:
        query = select(statements.c.measure_id, statements.c.kind)
        for measure_id, kind in connection.execute(query.where(statements.c.measure_id.in_(ids))):
            kinds.setdefault(measure_id, set()).add(kind)
    return kinds


# --- one measure's parts ----------------------------------------------------------------------


def measure(connection: Connection, measure_id: int, body_id: int | None) -> Any:
    """The measure if it is the body's (None: of any body, for the system's own work)."""
    query = select(measures).where(measures.c.id == measure_id)
    if body_id is not None:
        query = query.where(measures.c.body_id == body_id)
    return connection.execute(query).first()


def programme_of(connection: Connection, programme_id: int) -> Any:
    query = select(programmes.c.id, programmes.c.title).where(programmes.c.id == programme_id)
    return connection.execute(query).first()


def deadlines_of(connection: Connection, measure_id: int) -> list[Any]:
    """Every Frist of the measure: open ones first, the latest first."""
    query = select(deadlines).where(
        deadlines.c.entity_type == "measure", deadlines.c.entity_id == measure_id
    )
    return list(
        connection.execute(query.order_by(deadlines.c.open.desc(), deadlines.c.due_at.desc()))
    )


def papers_of(connection: Connection, measure_id: int) -> list[Any]:
    """The Vorlagen that carry the measure."""
    query = (
        select(papers.c.id, papers.c.reference, papers.c.title, papers.c.public)
        .join(paper_measures, paper_measures.c.paper_id == papers.c.id)
        .where(paper_measures.c.measure_id == measure_id)
        .order_by(papers.c.id)
    )
    return list(connection.execute(query))


# --- persons and programmes as a measure names them --------------------------------------------


def persons_by_id(connection: Connection, ids: set[int | None]) -> list[Any]:
    wanted = sorted(i for i in ids if i is not None)
    if not wanted:
        return []
    query = select(persons.c.id, persons.c.title, persons.c.given_name, persons.c.family_name)
    return list(connection.execute(query.where(persons.c.id.in_(wanted))))


def staff_persons(connection: Connection, body_id: int) -> list[Any]:
    """The body's staff who can be made responsible for a measure (erased persons never)."""
    query = (
        select(persons.c.id, persons.c.title, persons.c.given_name, persons.c.family_name)
        .add_columns(persons.c.function)
        .where(
            persons.c.body_id == body_id,
            persons.c.is_staff.is_(True),
            persons.c.erased_at.is_(None),
        )
        .order_by(persons.c.family_name, persons.c.given_name)
    )
    return list(connection.execute(query))


def responsible_persons(connection: Connection, body_id: int) -> list[Any]:
    """The persons responsible for at least one measure of the body."""
    responsible = (
        select(measures.c.responsible_person_id)
        .where(measures.c.responsible_person_id.is_not(None), measures.c.body_id == body_id)
        .distinct()
        .scalar_subquery()
    )
    query = (
        select(persons.c.id, persons.c.title, persons.c.given_name, persons.c.family_name)
        .where(persons.c.id.in_(responsible))
        .order_by(persons.c.family_name, persons.c.given_name)
    )
    return list(connection.execute(query))


def programme_titles(connection: Connection, body_id: int) -> list[Any]:
    query = select(programmes.c.id, programmes.c.title).where(programmes.c.body_id == body_id)
    return list(connection.execute(query.order_by(programmes.c.title)))


def programme_exists(connection: Connection, programme_id: int, body_id: int) -> bool:
    query = select(programmes.c.id).where(
        programmes.c.id == programme_id, programmes.c.body_id == body_id
    )
    return connection.execute(query).first() is not None


def person_may_be_responsible(connection: Connection, person_id: int, body_id: int) -> bool:
    """The person exists in the body and was not erased."""
    query = select(persons.c.id).where(
        persons.c.id == person_id, persons.c.body_id == body_id, persons.c.erased_at.is_(None)
    )
    return connection.execute(query).first() is not None


def codes(connection: Connection, body_id: int, pattern: str) -> list[Any]:
    """The body's measures whose Kennung is ``LIKE`` the pattern (any case, ``\\`` escapes)."""
    code = func.lower(measures.c.code)
    query = select(measures.c.id, measures.c.code, measures.c.title).where(
        measures.c.body_id == body_id, code.like(pattern.lower(), escape="\\")
    )
    return list(connection.execute(query))


def public_page(connection: Connection, body_id: int, limit: int) -> list[Any]:
    """Public measures of the body by code, with their state and progress."""
    query = (
        select(
            measures.c.id, measures.c.code, measures.c.title, measures.c.state, measures.c.fields
        )
        .where(measures.c.public.is_(True), measures.c.body_id == body_id)
        .order_by(measures.c.code, measures.c.id)
        .limit(limit)
    )
    return list(connection.execute(query))
