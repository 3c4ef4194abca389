"""Statement-level SQL for the one transition path; no ORM objects on the hot path."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Table, and_, bindparam, insert, select, update
from sqlalchemy.engine import Connection

from service.deadlines.models import Deadline
from service.lifecycle.models import HistoryEntry
from service.measures.models import Measure
from service.papers.models import AMENDMENT_KIND, Paper, PaperMeasure
from service.statements.models import Condition, Statement, Weighing

measures: Table = Measure.__table__  # type: ignore[attr-defined]
papers: Table = Paper.__table__  # type: ignore[attr-defined]
statements: Table = Statement.__table__  # type: ignore[attr-defined]
weighings: Table = Weighing.__table__  # type: ignore[attr-defined]
conditions: Table = Condition.__table__  # type: ignore[attr-defined]
deadlines: Table = Deadline.__table__  # type: ignore[attr-defined]
history: Table = HistoryEntry.__table__  # type: ignore[attr-defined]
paper_measures: Table = PaperMeasure.__table__  # type: ignore[attr-defined]

ITEM_TABLES: dict[str, Table] = {"measure": measures, "paper": papers}


def _item_select(table: Table) -> Any:
    columns = [
        table.c.id,
        table.c.body_id,
        table.c.state,
        table.c.version,
        table.c.definition_name,
        table.c.definition_version,
        table.c.fields,
        table.c.title,
    ]
    if table is measures:
        columns += [table.c.responsible_person_id, table.c.code, table.c.public]
    return select(*columns).where(table.c.id == bindparam("id"))


def _item_update(table: Table) -> Any:
    return (
        update(table)
        .where(and_(table.c.id == bindparam("b_id"), table.c.version == bindparam("b_version")))
        .values(
            state=bindparam("state"),
            version=table.c.version + 1,
            fields=bindparam("fields"),
            updated_at=bindparam("updated_at"),
        )
    )


_SELECTS = {name: _item_select(table) for name, table in ITEM_TABLES.items()}
_UPDATES = {name: _item_update(table) for name, table in ITEM_TABLES.items()}
_STATEMENTS = (
    select(
        statements.c.kind,
        statements.c.author_person_id,
        statements.c.given_on,
        statements.c.outcome,
        weighings.c.id.is_not(None).label("weighed"),
    )
    .outerjoin(weighings, weighings.c.statement_id == statements.c.id)
    .where(statements.c.measure_id == bindparam("id"))
    .order_by(statements.c.given_on, statements.c.id)
)
_OPEN_CONDITIONS = (
    select(conditions.c.text)
    .where(conditions.c.measure_id == bindparam("id"), conditions.c.fulfilled_at.is_(None))
    .order_by(conditions.c.id)
)
_CLOSE_ALL = (
    update(deadlines)
    .where(
        deadlines.c.entity_type == bindparam("b_entity_type"),
        deadlines.c.entity_id == bindparam("b_entity_id"),
        deadlines.c.open.is_(True),
    )
    .values(open=False, closed_at=bindparam("closed_at"))
)
_CLOSE_NAMED = _CLOSE_ALL.where(deadlines.c.name == bindparam("b_name"))
_INSERT_DEADLINE = insert(deadlines)
_INSERT_HISTORY = insert(history)
# An Änderungsvorlage references its measures but carries none: its decision moves no state.
_CARRIED = (
    select(paper_measures.c.measure_id)
    .join(papers, papers.c.id == paper_measures.c.paper_id)
    .where(paper_measures.c.paper_id == bindparam("paper_id"), papers.c.kind != AMENDMENT_KIND)
    .order_by(paper_measures.c.measure_id)
)


def load_item(connection: Connection, entity_type: str, entity_id: int) -> Any:
    return connection.execute(_SELECTS[entity_type], {"id": entity_id}).first()


def load_statements(connection: Connection, measure_id: int) -> list[Any]:
    return list(connection.execute(_STATEMENTS, {"id": measure_id}))


def load_open_conditions(connection: Connection, measure_id: int) -> list[str]:
    return [r.text for r in connection.execute(_OPEN_CONDITIONS, {"id": measure_id})]


def update_item(
    connection: Connection,
    entity_type: str,
    entity_id: int,
    version: int,
    state: str,
    fields: dict[str, Any],
    now: datetime,
) -> bool:
    """The database decides races: zero rows updated means another writer won."""
    result = connection.execute(
        _UPDATES[entity_type],
        {
            "b_id": entity_id,
            "b_version": version,
            "state": state,
            "fields": fields,
            "updated_at": now,
        },
    )
    return result.rowcount == 1


def close_deadlines(
    connection: Connection, entity_type: str, entity_id: int, now: datetime, name: str | None
) -> None:
    params = {"b_entity_type": entity_type, "b_entity_id": entity_id, "closed_at": now}
    if name is None:
        connection.execute(_CLOSE_ALL, params)
    else:
        connection.execute(_CLOSE_NAMED, {**params, "b_name": name})


def insert_deadline(
    connection: Connection,
    body_id: int,
    entity_type: str,
    entity_id: int,
    name: str,
    label: str,
    due_at: datetime,
    now: datetime,
) -> None:
    connection.execute(
        _INSERT_DEADLINE,
        {
            "body_id": body_id,
            "entity_type": entity_type,
            "entity_id": entity_id,
            "name": name,
            "label": label,
            "due_at": due_at,
            "open": True,
            "created_at": now,
        },
    )


def insert_history(connection: Connection, **values: Any) -> None:
    connection.execute(_INSERT_HISTORY, values)


def carried_measures(connection: Connection, paper_id: int) -> list[int]:
    return list(connection.execute(_CARRIED, {"paper_id": paper_id}).scalars())


def history_of(connection: Connection, entity_type: str, entity_id: int) -> list[Any]:
    return list(
        connection.execute(
            select(history)
            .where(history.c.entity_type == entity_type, history.c.entity_id == entity_id)
            .order_by(history.c.id)
        )
    )
