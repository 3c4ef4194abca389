"""What follows from a measure's statements: the requests for them, the Abwägungen of the
Verwaltungsleitung and the Auflagen, read together for the measure page, the API and the
paper page. Apart from ``service`` so that the measure's own read can include it (the
statements' use cases build on the measures' service)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Connection

from service.statements import repository

Names = Callable[[Iterable[int | None]], dict[int, str]]


@dataclass(frozen=True)
class StatementsView:
    statements: list[Any]
    authors: dict[int, str]
    # What follows from the statements: open and answered requests, the Abwägungen of the
    # Verwaltungsleitung, the Auflagen (with who marked them fulfilled, for staff).
    requests: list[Any] = field(default_factory=list)
    weighings: dict[int, Any] = field(default_factory=dict)
    conditions: list[Any] = field(default_factory=list)
    people: dict[int, str] = field(default_factory=dict)

    def conditions_of(self, statement_id: int) -> list[Any]:
        return [c for c in self.conditions if c.statement_id == statement_id]


def statement_tasks(connection: Connection, measure_id: int, names: Names) -> StatementsView:
    """``names`` gives display names of persons to callers who may see them (staff)."""
    rows = repository.statements_of(connection, measure_id)
    found = {w.statement_id: w for w in repository.weighings_of(connection, [measure_id])}
    conds = repository.conditions_of(connection, measure_id)
    people = {s.author_person_id for s in rows}
    people |= {w.decided_by_person_id for w in found.values()}
    people |= {c.fulfilled_by_person_id for c in conds}
    named = names(people - {None})
    return StatementsView(
        statements=rows,
        authors={k: v for k, v in named.items() if k in {s.author_person_id for s in rows}},
        requests=repository.requests_of(connection, measure_id),
        weighings=found,
        conditions=conds,
        people=named,
    )


def weighings_of_measures(connection: Connection, measure_ids: list[int]) -> dict[int, list[Any]]:
    """The Abwägungen of these measures (with the statement's kind and date), by measure:
    what a paper carrying them shows its committee."""
    found: dict[int, list[Any]] = {}
    for row in repository.weighings_with_statements(connection, measure_ids):
        found.setdefault(row.measure_id, []).append(row)
    return found
