"""A measure's Angaben as each edit left them: what a report shows of it, as it stood when.

What changes of a measure outside its workflow (its Kennung, title, responsible person and
description, and the fields of its definition the form „Angaben bearbeiten“ edits, such as
the target date or the costs) is kept with the moment from which it held
(``MeasureChange``), written on creation and on every edit of it in the same transaction
as the audit event. A report as of an earlier Stichtag names the measure by the last state
before it and replays its fields from these and its steps
(``reports.repository.reported_measures``, ``reports.replay.fields_as_of``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from service.measures.models import Measure, MeasureChange

measures = Measure.__table__  # type: ignore[attr-defined]
measure_changes = MeasureChange.__table__  # type: ignore[attr-defined]

COLUMNS = ("code", "title", "description", "responsible_person_id")


def changed_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """The fields an edit set: each whose value differs, ``None`` for one it cleared. Only
    these count from the edit on; a field the form sent back unchanged keeps the moment a
    step or an earlier edit set it."""
    return {
        name: after.get(name)
        for name in sorted({*before, *after})
        if before.get(name) != after.get(name)
    }


def record(
    connection: Connection, measure_id: int, at: datetime, fields: Mapping[str, Any]
) -> None:
    """Keeps the measure's ``COLUMNS`` as they are now and the ``fields`` this change set,
    holding from ``at``."""
    row = connection.execute(
        select(*(measures.c[name] for name in COLUMNS)).where(measures.c.id == measure_id)
    ).one()
    connection.execute(
        insert(measure_changes).values(
            measure_id=measure_id, changed_at=at, fields=dict(fields), **row._mapping
        )
    )
