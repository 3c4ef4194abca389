"""Queries for Meilensteine."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from service.measures.models import Measure
from service.milestones.models import Milestone, MilestoneChange

milestones = Milestone.__table__  # type: ignore[attr-defined]
changes = MilestoneChange.__table__  # type: ignore[attr-defined]
measures = Measure.__table__  # type: ignore[attr-defined]


def milestones_of(connection: Connection, measure_id: int) -> list[Any]:
    """The due ones by date, then those without a date."""
    query = (
        select(milestones)
        .where(milestones.c.measure_id == measure_id)
        .order_by(milestones.c.due_on.is_(None), milestones.c.due_on, milestones.c.id)
    )
    return list(connection.execute(query))


def milestone(connection: Connection, milestone_id: int, body_id: int | None) -> Any:
    """The milestone if its measure is the body's (None: of any body)."""
    query = select(milestones).where(milestones.c.id == milestone_id)
    if body_id is not None:
        query = query.join(measures, measures.c.id == milestones.c.measure_id).where(
            measures.c.body_id == body_id
        )
    return connection.execute(query).first()


def record_state(connection: Connection, milestone_id: int, at: datetime) -> None:
    """Keeps the milestone's title, due and done date as they are now, holding from ``at``:
    what a report as of a later day reads (``reports.repository.milestones_of_reported``)."""
    row = connection.execute(
        select(milestones.c.title, milestones.c.due_on, milestones.c.done_on).where(
            milestones.c.id == milestone_id
        )
    ).one()
    connection.execute(
        insert(changes).values(
            milestone_id=milestone_id,
            changed_at=at,
            title=row.title,
            due_on=row.due_on,
            done_on=row.done_on,
        )
    )
