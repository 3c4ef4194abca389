"""Statement-level SQL for the one transition path; no ORM objects on the hot path.

What every transition runs (the item's row, its deadlines, the history entry) goes to the
driver directly (``service.driver``); the rarer reads stay SQLAlchemy statements.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Table, bindparam, select
from sqlalchemy.engine import Connection

from service.driver import DriverStatement, json_result, json_value, optional_time, time_value
from service.lifecycle.models import HistoryEntry
from service.measures.models import Measure
from service.papers.models import AMENDMENT_KIND, Paper, PaperMeasure
from service.statements.models import Condition, Statement, Weighing

measures: Table = Measure.__table__  # type: ignore[attr-defined]
papers: Table = Paper.__table__  # type: ignore[attr-defined]
statements: Table = Statement.__table__  # type: ignore[attr-defined]
weighings: Table = Weighing.__table__  # type: ignore[attr-defined]
conditions: Table = Condition.__table__  # type: ignore[attr-defined]
history: Table = HistoryEntry.__table__  # type: ignore[attr-defined]
paper_measures: Table = PaperMeasure.__table__  # type: ignore[attr-defined]

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
# An Änderungsvorlage references its measures but carries none: its decision moves no state.
_CARRIED = (
    select(paper_measures.c.measure_id)
    .join(papers, papers.c.id == paper_measures.c.paper_id)
    .where(paper_measures.c.paper_id == bindparam("paper_id"), papers.c.kind != AMENDMENT_KIND)
    .order_by(paper_measures.c.measure_id)
)


class ItemRow(NamedTuple):
    """A measure or paper as the transition path reads it; a paper has no measure's fields."""

    id: int
    body_id: int
    state: str
    version: int
    definition_name: str
    definition_version: int
    fields: dict[str, Any]
    title: str
    responsible_person_id: int | None = None
    code: str = ""
    public: bool = False


_ITEM_COLUMNS = "id, body_id, state, version, definition_name, definition_version, fields, title"
_LOAD = {
    "measure": DriverStatement(
        f"SELECT {_ITEM_COLUMNS}, responsible_person_id, code, public FROM measures WHERE id = ?"
    ),
    "paper": DriverStatement(f"SELECT {_ITEM_COLUMNS} FROM papers WHERE id = ?"),
}
_UPDATE = {
    name: DriverStatement(
        f"UPDATE {table} SET state = ?, version = version + 1, fields = ?, updated_at = ? "
        "WHERE id = ? AND version = ?"
    )
    for name, table in (("measure", "measures"), ("paper", "papers"))
}
_CLOSE = (
    "UPDATE deadlines SET open = FALSE, closed_at = ? "
    "WHERE entity_type = ? AND entity_id = ? AND open = TRUE"
)
_CLOSE_ALL = DriverStatement(_CLOSE)
_CLOSE_NAMED = DriverStatement(_CLOSE + " AND name = ?")
_INSERT_DEADLINE = DriverStatement(
    "INSERT INTO deadlines (body_id, entity_type, entity_id, name, label, due_at, open, "
    "created_at, reminders_planned) VALUES (?, ?, ?, ?, ?, ?, TRUE, ?, FALSE)"
)
_INSERT_HISTORY = DriverStatement(
    "INSERT INTO history_entries (entity_type, entity_id, at, recorded_at, event, label, "
    "from_state, to_state, actor_user_id, actor_role, comment, data, vote_id) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def load_item(connection: Connection, entity_type: str, entity_id: int) -> ItemRow | None:
    found = _LOAD[entity_type].run(connection, (entity_id,)).fetchone()
    if found is None:
        return None
    values = list(found)
    values[6] = json_result(values[6]) or {}
    if entity_type == "measure":
        values[10] = bool(values[10])
    return ItemRow(*values)


def existing_item(connection: Connection, entity_type: str, entity_id: int) -> ItemRow:
    """An item a row read in this transaction refers to (a paper's carried measure)."""
    found = load_item(connection, entity_type, entity_id)
    if found is None:
        raise LookupError(f"{entity_type} {entity_id} is referenced but missing")
    return found


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
) -> Any:
    """The UPDATE's own cursor: its ``rowcount`` is 0 when another writer won (the database
    decides races), to be read after the pipeline it may run in."""
    return _UPDATE[entity_type].run_apart(
        connection,
        (state, json_value(fields), time_value(connection, now), entity_id, version),
    )


def close_deadlines(
    connection: Connection, entity_type: str, entity_id: int, now: datetime, name: str | None
) -> None:
    params: tuple[Any, ...] = (time_value(connection, now), entity_type, entity_id)
    if name is None:
        _CLOSE_ALL.run(connection, params)
    else:
        _CLOSE_NAMED.run(connection, (*params, name))


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
    _INSERT_DEADLINE.run(
        connection,
        (
            body_id,
            entity_type,
            entity_id,
            name,
            label,
            time_value(connection, due_at),
            time_value(connection, now),
        ),
    )


def insert_history(
    connection: Connection,
    *,
    entity_type: str,
    entity_id: int,
    at: datetime,
    event: str,
    label: str,
    from_state: str,
    to_state: str,
    actor_user_id: int | None,
    actor_role: str | None,
    comment: str | None,
    data: dict[str, Any],
    recorded_at: datetime | None = None,
    vote_id: int | None = None,
) -> None:
    _INSERT_HISTORY.run(
        connection,
        (
            entity_type,
            entity_id,
            time_value(connection, at),
            optional_time(connection, recorded_at),
            event,
            label,
            from_state,
            to_state,
            actor_user_id,
            actor_role,
            comment,
            json_value(data),
            vote_id,
        ),
    )


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
