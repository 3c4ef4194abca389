"""Open Fristen for the Beschlusskontrolle: measures' and papers' deadlines, with who is
responsible and in which Arbeitspapier, read with the index on ``(open, due_at)``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from service.deadlines.models import Deadline
from service.measures.models import Measure, Programme
from service.papers.models import Paper
from service.people.models import Person
from workflow.calendar import to_local

deadlines = Deadline.__table__  # type: ignore[attr-defined]
measures = Measure.__table__  # type: ignore[attr-defined]
programmes = Programme.__table__  # type: ignore[attr-defined]
papers = Paper.__table__  # type: ignore[attr-defined]
persons = Person.__table__  # type: ignore[attr-defined]

SOON = timedelta(days=30)
LIMIT = 2000
NOBODY = "ohne verantwortliche Person"


@dataclass
class Due:
    row: Any
    overdue: bool
    days: int  # days until due (negative: overdue since)


@dataclass
class Group:
    key: str
    title: str
    items: list[Due] = field(default_factory=list)

    @property
    def overdue(self) -> int:
        return sum(1 for d in self.items if d.overdue)


@dataclass
class Deadlines:
    measures: list[Due]
    papers: list[Due]
    by_person: list[Group]
    by_programme: list[Group]
    truncated: bool


def load(
    connection: Connection,
    now: datetime,
    *,
    person_id: int | None,
    programme_id: int | None,
    overdue_only: bool,
    horizon: timedelta = SOON,
) -> Deadlines:
    until = now if overdue_only else now + horizon
    query = (
        select(
            deadlines.c.id,
            deadlines.c.label,
            deadlines.c.due_at,
            measures.c.id.label("measure_id"),
            measures.c.code,
            measures.c.title,
            measures.c.responsible_person_id,
            programmes.c.id.label("programme_id"),
            programmes.c.title.label("programme_title"),
            persons.c.given_name,
            persons.c.family_name,
        )
        .join(measures, measures.c.id == deadlines.c.entity_id)
        .join(programmes, programmes.c.id == measures.c.programme_id)
        .outerjoin(persons, persons.c.id == measures.c.responsible_person_id)
        .where(
            deadlines.c.open.is_(True),
            deadlines.c.entity_type == "measure",
            deadlines.c.due_at < until,
        )
        .order_by(deadlines.c.due_at, deadlines.c.id)
        .limit(LIMIT + 1)
    )
    if person_id is not None:
        query = query.where(measures.c.responsible_person_id == person_id)
    if programme_id is not None:
        query = query.where(measures.c.programme_id == programme_id)
    rows = list(connection.execute(query))
    truncated = len(rows) > LIMIT
    measure_due = [_due(r, now) for r in rows[:LIMIT]]
    paper_due: list[Due] = []
    if person_id is None and programme_id is None:
        paper_rows = connection.execute(
            select(
                deadlines.c.id,
                deadlines.c.label,
                deadlines.c.due_at,
                papers.c.id.label("paper_id"),
                papers.c.reference,
                papers.c.title,
            )
            .join(papers, papers.c.id == deadlines.c.entity_id)
            .where(
                deadlines.c.open.is_(True),
                deadlines.c.entity_type == "paper",
                deadlines.c.due_at < until,
            )
            .order_by(deadlines.c.due_at, deadlines.c.id)
            .limit(LIMIT)
        )
        paper_due = [_due(r, now) for r in paper_rows]
    return Deadlines(
        measures=measure_due,
        papers=paper_due,
        by_person=_group(measure_due, lambda r: (str(r.responsible_person_id), _name(r))),
        by_programme=_group(measure_due, lambda r: (str(r.programme_id), r.programme_title)),
        truncated=truncated,
    )


def _due(row: Any, now: datetime) -> Due:
    days = (to_local(row.due_at).date() - to_local(now).date()).days
    return Due(row, row.due_at < now, days)


def _name(row: Any) -> str:
    if row.responsible_person_id is None:
        return NOBODY
    return " ".join(p for p in (row.given_name, row.family_name) if p) or NOBODY


def _group(items: list[Due], key: Any) -> list[Group]:
    groups: dict[str, Group] = {}
    for due in items:
        k, title = key(due.row)
        groups.setdefault(k, Group(k, title)).items.append(due)
    return sorted(groups.values(), key=lambda g: (-g.overdue, g.title))
