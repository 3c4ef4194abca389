"""Queries on deadlines, each served by an index: ``(open, due_at)`` for what is due,
``(reminders_planned, next_reminder_at)`` for the reminder sweep."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Table, false, insert, select, true, update
from sqlalchemy.engine import Connection

from service.deadlines.models import Deadline
from service.measures.models import Measure
from service.papers.models import Paper
from service.people.models import Person
from service.programmes.models import Programme

deadlines: Table = Deadline.__table__  # type: ignore[attr-defined]
measures: Table = Measure.__table__  # type: ignore[attr-defined]
programmes: Table = Programme.__table__  # type: ignore[attr-defined]
papers: Table = Paper.__table__  # type: ignore[attr-defined]
persons: Table = Person.__table__  # type: ignore[attr-defined]

_COLUMNS = (
    deadlines.c.id,
    deadlines.c.entity_type,
    deadlines.c.entity_id,
    deadlines.c.name,
    deadlines.c.label,
    deadlines.c.due_at,
    deadlines.c.open,
    deadlines.c.next_reminder_at,
)


# --- the reminder sweep --------------------------------------------------------------------


def unplanned(connection: Connection, limit: int) -> list[Any]:
    """Deadlines the sweep has not seen yet (index prefix ``reminders_planned = false``)."""
    return list(
        connection.execute(
            select(*_COLUMNS)
            .where(deadlines.c.reminders_planned == false())
            .order_by(deadlines.c.id)
            .limit(limit)
        )
    )


def reminder_due(connection: Connection, now: datetime, limit: int) -> list[Any]:
    """Deadlines with a reminder due: one index range on (planned, next_reminder_at)."""
    return list(
        connection.execute(
            select(*_COLUMNS)
            .where(deadlines.c.reminders_planned == true(), deadlines.c.next_reminder_at <= now)
            .order_by(deadlines.c.next_reminder_at, deadlines.c.id)
            .limit(limit)
        )
    )


def plan(connection: Connection, deadline_id: int, next_at: datetime | None) -> None:
    connection.execute(
        update(deadlines)
        .where(deadlines.c.id == deadline_id)
        .values(reminders_planned=True, next_reminder_at=next_at)
    )


# --- open deadlines ------------------------------------------------------------------------


def open_overdue(connection: Connection, now: datetime) -> list[Any]:
    return list(
        connection.execute(
            select(*_COLUMNS)
            .where(deadlines.c.open.is_(True), deadlines.c.due_at < now)
            .order_by(deadlines.c.due_at)
        )
    )


def open_named_due_before(connection: Connection, name: str, until: datetime) -> list[Any]:
    return list(
        connection.execute(
            select(*_COLUMNS)
            .where(
                deadlines.c.open.is_(True),
                deadlines.c.due_at <= until,
                deadlines.c.name == name,
            )
            .order_by(deadlines.c.due_at)
        )
    )


def open_of_measures(
    connection: Connection,
    body_id: int,
    until: datetime,
    limit: int,
    *,
    person_id: int | None,
    programme_id: int | None,
) -> list[Any]:
    """Open deadlines of the body's measures due before ``until``, with measure, programme and the
    responsible person's name parts (``person_*``)."""
    query = (
        select(
            deadlines.c.id,
            deadlines.c.label,
            deadlines.c.due_at,
            measures.c.id.label("measure_id"),
            measures.c.code,
            measures.c.title,
            measures.c.public,
            measures.c.responsible_person_id,
            programmes.c.id.label("programme_id"),
            programmes.c.title.label("programme_title"),
            persons.c.title.label("person_title"),
            persons.c.given_name.label("person_given_name"),
            persons.c.family_name.label("person_family_name"),
        )
        .join(measures, measures.c.id == deadlines.c.entity_id)
        .join(programmes, programmes.c.id == measures.c.programme_id)
        .outerjoin(persons, persons.c.id == measures.c.responsible_person_id)
        .where(
            deadlines.c.open.is_(True),
            deadlines.c.entity_type == "measure",
            deadlines.c.due_at < until,
            deadlines.c.body_id == body_id,
            measures.c.body_id == body_id,
        )
        .order_by(deadlines.c.due_at, deadlines.c.id)
        .limit(limit)
    )
    if person_id is not None:
        query = query.where(measures.c.responsible_person_id == person_id)
    if programme_id is not None:
        query = query.where(measures.c.programme_id == programme_id)
    return list(connection.execute(query))


def open_of_papers(connection: Connection, body_id: int, until: datetime, limit: int) -> list[Any]:
    return list(
        connection.execute(
            select(
                deadlines.c.id,
                deadlines.c.label,
                deadlines.c.due_at,
                papers.c.id.label("paper_id"),
                papers.c.reference,
                papers.c.title,
                papers.c.public,
            )
            .join(papers, papers.c.id == deadlines.c.entity_id)
            .where(
                deadlines.c.open.is_(True),
                deadlines.c.entity_type == "paper",
                deadlines.c.due_at < until,
                deadlines.c.body_id == body_id,
                papers.c.body_id == body_id,
            )
            .order_by(deadlines.c.due_at, deadlines.c.id)
            .limit(limit)
        )
    )


# --- deadlines of statement requests and obligations ---------------------------------------


def start(
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
        insert(deadlines).values(
            body_id=body_id,
            entity_type=entity_type,
            entity_id=entity_id,
            name=name,
            label=label,
            due_at=due_at,
            open=True,
            created_at=now,
        )
    )


def close_of(connection: Connection, entity_type: str, entity_id: int, now: datetime) -> None:
    connection.execute(
        update(deadlines)
        .where(
            deadlines.c.entity_type == entity_type,
            deadlines.c.entity_id == entity_id,
            deadlines.c.open.is_(True),
        )
        .values(open=False, closed_at=now)
    )
