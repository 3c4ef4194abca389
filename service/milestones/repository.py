"""Queries for Meilensteine."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from service.milestones.models import Milestone

milestones = Milestone.__table__  # type: ignore[attr-defined]


def milestones_of(connection: Connection, measure_id: int) -> list[Any]:
    """The due ones by date, then those without a date."""
    query = (
        select(milestones)
        .where(milestones.c.measure_id == measure_id)
        .order_by(milestones.c.due_on.is_(None), milestones.c.due_on, milestones.c.id)
    )
    return list(connection.execute(query))


def milestone(connection: Connection, milestone_id: int) -> Any:
    query = select(milestones).where(milestones.c.id == milestone_id)
    return connection.execute(query).first()
