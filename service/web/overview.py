"""The queries behind the Übersicht: counts per state, the board and the table page.

Kept to what a page needs and cheap at 100,000 measures: the default table page and the
board walk indexes (``id``; ``state`` then ``id``), counts are one ``GROUP BY`` over the
state index, and flags (overdue, statement missing) are computed for the shown rows only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, exists, func, or_, select, true
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from service.deadlines.models import Deadline
from service.measures.models import Measure, Programme, Statement
from service.people.models import Person
from workflow.spec import WorkflowSpec

measures = Measure.__table__  # type: ignore[attr-defined]
programmes = Programme.__table__  # type: ignore[attr-defined]
statements = Statement.__table__  # type: ignore[attr-defined]
deadlines = Deadline.__table__  # type: ignore[attr-defined]
persons = Person.__table__  # type: ignore[attr-defined]

# Which flag on a measure calls for whose statement; mirrors the statement guards of
# ``workflow.guards`` (dsb_/isb_stellungnahme..., personalrat_angehoert...).
STATEMENT_FOR_FLAG: dict[str, str] = {
    "personenbezogen": "datenschutz",
    "sicherheitsrelevant": "informationssicherheit",
    "personalwirksam": "personalrat",
}
STATEMENT_LABELS = {
    "datenschutz": "Datenschutzbeauftragte/r",
    "informationssicherheit": "Informationssicherheitsbeauftragte/r",
    "personalrat": "Personalrat",
}
_STATEMENT_GUARDS = {
    "dsb_stellungnahme_bei_personenbezug",
    "isb_stellungnahme_bei_sicherheitsrelevanz",
    "personalrat_angehoert_bei_personalwirkung",
}
BOARD_CARDS = 5
PAGE_SIZE = 25
SORTS: dict[str, Any] = {
    "nr": measures.c.id,
    "kennung": measures.c.code,
    "titel": measures.c.title,
    "zustand": measures.c.state,
    "verantwortlich": persons.c.family_name,
    "aktualisiert": measures.c.updated_at,
}


@dataclass(frozen=True)
class Filters:
    programme_id: int | None = None
    responsible_person_id: int | None = None
    overdue: bool = False
    needs_statement: bool = False
    state: str | None = None

    @property
    def active(self) -> bool:
        return any(
            (
                self.programme_id,
                self.responsible_person_id,
                self.overdue,
                self.needs_statement,
                self.state,
            )
        )


@dataclass(frozen=True)
class Row:
    id: int
    code: str
    title: str
    state: str
    programme_id: int
    responsible: str | None
    updated_at: datetime
    progress: int | None
    overdue: bool = False
    missing_statements: tuple[str, ...] = ()


@dataclass
class Overview:
    counts: dict[str, int]
    board: dict[str, list[Row]]
    rows: list[Row]
    total: int
    page: int
    pages: int
    programmes: list[tuple[int, str]] = field(default_factory=list)
    people: list[tuple[int, str]] = field(default_factory=list)


def statement_states(spec: WorkflowSpec) -> set[str]:
    """States in which a missing statement still matters: up to the step that needs it."""
    found = {spec.initial}
    for t in spec.transitions:
        if _STATEMENT_GUARDS & set(t.guards):
            found.update(t.sources)
    return found


def _flag(name: str) -> ColumnElement[bool]:
    flag: ColumnElement[bool] = measures.c.fields[name].as_boolean() == true()
    return flag


def _overdue(now: datetime) -> ColumnElement[bool]:
    return exists().where(
        deadlines.c.entity_type == "measure",
        deadlines.c.entity_id == measures.c.id,
        deadlines.c.open.is_(True),
        deadlines.c.due_at < now,
    )


def _needs_statement(spec: WorkflowSpec) -> ColumnElement[bool]:
    missing = [
        and_(
            _flag(flag),
            ~exists().where(statements.c.measure_id == measures.c.id, statements.c.kind == kind),
        )
        for flag, kind in STATEMENT_FOR_FLAG.items()
    ]
    return and_(measures.c.state.in_(sorted(statement_states(spec))), or_(*missing))


def _conditions(filters: Filters, spec: WorkflowSpec, now: datetime) -> list[Any]:
    conditions: list[Any] = []
    if filters.programme_id is not None:
        conditions.append(measures.c.programme_id == filters.programme_id)
    if filters.responsible_person_id is not None:
        conditions.append(measures.c.responsible_person_id == filters.responsible_person_id)
    if filters.overdue:
        conditions.append(_overdue(now))
    if filters.needs_statement:
        conditions.append(_needs_statement(spec))
    return conditions


def _name(row: Any) -> str | None:
    if row.family_name is None:
        return None
    return " ".join(p for p in (row.given_name, row.family_name) if p)


_ROW_COLUMNS = (
    measures.c.id,
    measures.c.code,
    measures.c.title,
    measures.c.state,
    measures.c.programme_id,
    measures.c.updated_at,
    measures.c.fields,
    persons.c.given_name,
    persons.c.family_name,
)
_FROM = measures.outerjoin(persons, persons.c.id == measures.c.responsible_person_id)


def _rows(
    connection: Connection, raws: list[list[Any]], spec: WorkflowSpec, now: datetime
) -> list[list[Row]]:
    """Rows with their flags; the flags of every shown row come from two queries."""
    ids = sorted({r.id for raw in raws for r in raw})
    overdue = _overdue_ids(connection, ids, now)
    given = _statement_kinds(connection, ids)
    before_guard = statement_states(spec)

    def row(r: Any) -> Row:
        fields = r.fields or {}
        missing: tuple[str, ...] = ()
        if r.state in before_guard:
            missing = tuple(
                STATEMENT_LABELS[kind]
                for flag, kind in STATEMENT_FOR_FLAG.items()
                if fields.get(flag) and kind not in given.get(r.id, set())
            )
        return Row(
            id=r.id,
            code=r.code,
            title=r.title,
            state=r.state,
            programme_id=r.programme_id,
            responsible=_name(r),
            updated_at=r.updated_at,
            progress=fields.get("fortschritt"),
            overdue=r.id in overdue,
            missing_statements=missing,
        )

    return [[row(r) for r in raw] for raw in raws]


def _overdue_ids(connection: Connection, ids: list[int], now: datetime) -> set[int]:
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


def _statement_kinds(connection: Connection, ids: list[int]) -> dict[int, set[str]]:
    if not ids:
        return {}
    kinds: dict[int, set[str]] = {}
    for measure_id, kind in connection.execute(
        select(statements.c.measure_id, statements.c.kind).where(statements.c.measure_id.in_(ids))
    ):
        kinds.setdefault(measure_id, set()).add(kind)
    return kinds


def load_overview(
    connection: Connection,
    spec: WorkflowSpec,
    now: datetime,
    filters: Filters,
    *,
    sort: str = "nr",
    descending: bool = False,
    page: int = 1,
) -> Overview:
    conditions = _conditions(filters, spec, now)
    counts = {
        state: int(count)
        for state, count in connection.execute(
            select(measures.c.state, func.count()).where(*conditions).group_by(measures.c.state)
        )
    }
    shown_states = [state for state in spec.states if counts.get(state)]
    board_raw = [
        list(
            connection.execute(
                select(*_ROW_COLUMNS)
                .select_from(_FROM)
                .where(measures.c.state == state, *conditions)
                .order_by(measures.c.id)
                .limit(BOARD_CARDS)
            )
        )
        for state in shown_states
    ]
    table_conditions = [*conditions]
    if filters.state:
        table_conditions.append(measures.c.state == filters.state)
        total = counts.get(filters.state, 0)
    else:
        total = sum(counts.values())
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    column = SORTS.get(sort, measures.c.id)
    order = [column.desc() if descending else column.asc()]
    if column is not measures.c.id:
        order.append(measures.c.id)
    page_raw = list(
        connection.execute(
            select(*_ROW_COLUMNS)
            .select_from(_FROM)
            .where(*table_conditions)
            .order_by(*order)
            .limit(PAGE_SIZE)
            .offset((page - 1) * PAGE_SIZE)
        )
    )
    *board_rows, rows = _rows(connection, [*board_raw, page_raw], spec, now)
    board = dict(zip(shown_states, board_rows, strict=True))
    return Overview(counts, board, rows, total, page, pages)


def filter_choices(connection: Connection) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """Programmes, and the persons responsible for at least one measure."""
    programme_list = [
        (r.id, r.title)
        for r in connection.execute(
            select(programmes.c.id, programmes.c.title).order_by(programmes.c.title)
        )
    ]
    responsible = (
        select(measures.c.responsible_person_id)
        .where(measures.c.responsible_person_id.is_not(None))
        .distinct()
        .scalar_subquery()
    )
    people = [
        (r.id, _name(r) or f"Person {r.id}")
        for r in connection.execute(
            select(persons.c.id, persons.c.given_name, persons.c.family_name)
            .where(persons.c.id.in_(responsible))
            .order_by(persons.c.family_name, persons.c.given_name)
        )
    ]
    return programme_list, people


def counts_in_order(spec: WorkflowSpec, counts: Mapping[str, int]) -> list[tuple[str, str, int]]:
    return [(name, s.label, counts.get(name, 0)) for name, s in spec.states.items()]
