"""Queries for Meilensteine."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from service.measures.models import Measure
from service.milestones.models import Milestone

milestones = Milestone.__table__  # type: ignore[attr-defined]
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
