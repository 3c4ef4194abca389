"""Snapshots of a measure's Angaben: what names it in a report, as it stood when.

The values a Sachstandsbericht shows of a measure that change outside its workflow (its
Kennung, title and responsible person; the description with them) are kept with the moment
from which they held (``MeasureChange``), written on creation and on every edit of them in
the same transaction as the audit event. A report as of an earlier Stichtag reads the last
state before it (``reports.repository.reported_measures``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from service.measures.models import Measure, MeasureChange

measures = Measure.__table__  # type: ignore[attr-defined]
measure_changes = MeasureChange.__table__  # type: ignore[attr-defined]

COLUMNS = ("code", "title", "description", "responsible_person_id")


def record(connection: Connection, measure_id: int, at: datetime) -> None:
    """Keeps the measure's ``COLUMNS`` as they are now, holding from ``at``."""
    row = connection.execute(
        select(*(measures.c[name] for name in COLUMNS)).where(measures.c.id == measure_id)
    ).one()
    connection.execute(
        insert(measure_changes).values(measure_id=measure_id, changed_at=at, **row._mapping)
    )
