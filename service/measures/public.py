"""What anyone may read of measures: public ones, their state, progress and steps.

Nothing here names a person: the steps leave out who took them and their comments, the
programme is named by its title only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection

from service.errors import NotFound
from service.lifecycle import repository as lifecycle_repository
from service.measures import repository
from service.measures.service import get_measure
from service.programmes import service as programmes


@dataclass(frozen=True)
class PublicStep:
    at: Any
    label: str
    from_state: str
    to_state: str


@dataclass(frozen=True)
class PublicMeasure:
    measure: Any
    steps: list[PublicStep]
    programme_title: str | None


def public_measures(connection: Connection, limit: int = 200) -> list[Any]:
    return repository.public_page(connection, limit)


def public_measure(connection: Connection, measure_id: int) -> PublicMeasure:
    """A public measure; a non-public one does not exist for the public."""
    row = get_measure(connection, measure_id)
    if not row.public:
        raise NotFound("Maßnahme", measure_id)
    steps = [
        PublicStep(e.at, e.label, e.from_state, e.to_state)
        for e in lifecycle_repository.history_of(connection, "measure", measure_id)
    ]
    programme = programmes.get(connection, row.programme_id) if row.programme_id else None
    return PublicMeasure(row, steps, programme.title if programme else None)
