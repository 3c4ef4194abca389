"""Queries behind the measure lists and the detail page: filters, sort orders, keyset pages.

Every list (page, CSV export) is built by ``list_query`` from one ``MeasureFilter``, so that
the export holds exactly what the list shows, and a caller who may see public measures only
never gets another row through any filter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, false, func, or_, select
from sqlalchemy.engine import Connection

from service import keyset
from service.deadlines.models import Deadline
from service.keyset import After
from service.measures.models import BudgetLine, Measure, Milestone, Programme, Statement
from service.people.models import Person

measures = Measure.__table__  # type: ignore[attr-defined]
programmes = Programme.__table__  # type: ignore[attr-defined]
statements = Statement.__table__  # type: ignore[attr-defined]
budget_lines = BudgetLine.__table__  # type: ignore[attr-defined]
milestones = Milestone.__table__  # type: ignore[attr-defined]
deadlines = Deadline.__table__  # type: ignore[attr-defined]
persons = Person.__table__  # type: ignore[attr-defined]

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
    public_only: bool
    state: str | None = None
    programme_id: int | None = None
    responsible_person_id: int | None = None
    overdue: bool | None = None
    needs_statement: bool | None = None


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
    conditions: list[ColumnElement[bool]] = []
    if f.public_only:
        conditions.append(measures.c.public.is_(True))
    if f.state:
        conditions.append(measures.c.state == f.state)
    if f.programme_id is not None:
        conditions.append(measures.c.programme_id == f.programme_id)
    if f.responsible_person_id is not None:
        conditions.append(measures.c.responsible_person_id == f.responsible_person_id)
    for wanted, condition in ((f.overdue, overdue(now)), (f.needs_statement, needs_statement())):
        if wanted is True:
            conditions.append(condition)
        elif wanted is False:
            # NULL (a flag missing in the JSON) counts as "not needed".
            conditions.append(~func.coalesce(condition, false()))
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
    """A page of the CSV export: the summary plus programme title and responsible person."""
    query = (
        select(
            *SUMMARY_COLUMNS,
            measures.c.fields,
            programmes.c.title.label("programme_title"),
            persons.c.title.label("person_title"),
            persons.c.given_name,
            persons.c.family_name,
        )
        .join(programmes, programmes.c.id == measures.c.programme_id)
        .outerjoin(persons, persons.c.id == measures.c.responsible_person_id)
        .where(*_where(f, now))
    )
    return list(connection.execute(_page(query, sort, after, limit)))


def sort_value(row: Any, sort: str) -> Any:
    return getattr(row, sort.lstrip("-"))


# --- the parts of one measure's detail ------------------------------------------------------


def statements_with_authors(connection: Connection, measure_id: int) -> list[Any]:
    return list(
        connection.execute(
            select(
                statements,
                persons.c.title.label("person_title"),
                persons.c.given_name,
                persons.c.family_name,
            )
            .outerjoin(persons, persons.c.id == statements.c.author_person_id)
            .where(statements.c.measure_id == measure_id)
            .order_by(statements.c.id)
        )
    )


def budget_lines_of(connection: Connection, measure_id: int) -> list[Any]:
    return list(
        connection.execute(
            select(budget_lines)
            .where(budget_lines.c.measure_id == measure_id)
            .order_by(budget_lines.c.fiscal_year, budget_lines.c.id)
        )
    )


def milestones_of(connection: Connection, measure_id: int) -> list[Any]:
    return list(
        connection.execute(
            select(milestones)
            .where(milestones.c.measure_id == measure_id)
            .order_by(milestones.c.due_on.is_(None), milestones.c.due_on, milestones.c.id)
        )
    )


def open_deadlines_of(connection: Connection, measure_id: int) -> list[Any]:
    return list(
        connection.execute(
            select(deadlines)
            .where(
                deadlines.c.entity_type == "measure",
                deadlines.c.entity_id == measure_id,
                deadlines.c.open.is_(True),
            )
            .order_by(deadlines.c.due_at, deadlines.c.id)
        )
    )


def person_row(connection: Connection, person_id: int | None) -> Any:
    if person_id is None:
        return None
    return connection.execute(select(persons).where(persons.c.id == person_id)).first()


def programme_exists(connection: Connection, programme_id: int) -> bool:
    found = connection.execute(select(programmes.c.id).where(programmes.c.id == programme_id))
    return found.first() is not None


def code_taken(connection: Connection, programme_id: int, code: str, but: int | None) -> bool:
    query = select(measures.c.id).where(
        measures.c.programme_id == programme_id, measures.c.code == code
    )
    if but is not None:
        query = query.where(measures.c.id != but)
    return connection.execute(query.limit(1)).first() is not None


def public_page(connection: Connection, limit: int) -> list[Any]:
    """Public measures by code, with what the public table shows (state and progress)."""
    query = (
        select(
            measures.c.id,
            measures.c.code,
            measures.c.title,
            measures.c.state,
            measures.c.fields,
        )
        .where(measures.c.public.is_(True))
        .order_by(measures.c.code, measures.c.id)
        .limit(limit)
    )
    return list(connection.execute(query))
