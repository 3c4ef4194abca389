"""Haushaltsansätze: planned, approved and spent amounts per measure and Haushaltsjahr.

Each amount has its own role (``access.BUDGET_FIELDS``): the AG plans, the Kämmerei
approves and books what was spent, by hand or from its finance software's CSV export.
Lines are read with their measure: a list or page that shows a line of a non-public measure
is logged like a read of that measure (``measure.read``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Connection

from service import access
from service.actor import Actor
from service.budget import csv_import, repository
from service.budget import rules as budget_rules
from service.errors import NotFound
from service.keyset import After
from service.measures import rules
from service.measures import service as measures
from service.records import create_row, update_audited
from service.runtime import Runtime

budget_lines = repository.budget_lines
YEAR_PAGE = 500


def get_line(connection: Connection, line_id: int, body_id: int | None = None) -> Any:
    """The line; one of another body's measure than ``body_id`` is not found."""
    row = repository.get_line(connection, line_id, body_id)
    if row is None:
        raise NotFound("Haushaltsansatz", line_id)
    return row


def line_of_year(connection: Connection, measure_id: int, year: int) -> Any:
    """The measure's line of a Haushaltsjahr (the one its budget step planned)."""
    line = next(
        (r for r in repository.lines_of_measure(connection, measure_id) if r.fiscal_year == year),
        None,
    )
    if line is None:
        raise NotFound("Haushaltsansatz", f"{year}")
    return line


# --- reading ----------------------------------------------------------------------------------


def read_measure_lines(runtime: Runtime, actor: Actor | None, measure_id: int) -> list[Any]:
    def load(connection: Connection, _row: Any) -> tuple[list[Any], list[int]]:
        return repository.lines_of_measure(connection, measure_id), []

    return measures.read_part(runtime, actor, measure_id, load)


def read_lines(
    runtime: Runtime,
    actor: Actor | None,
    *,
    fiscal_year: int | None,
    measure_id: int | None,
    after: After | None,
    limit: int,
) -> list[Any]:
    """A page of lines with their measure's code and title, and one more row when another
    page follows."""
    with runtime.read() as connection:
        rows = repository.page(
            connection,
            body_id=runtime.body_id,
            public_only=access.public_only(actor),
            fiscal_year=fiscal_year,
            measure_id=measure_id,
            after=after,
            limit=limit + 1,
        )
    measures.log_list_read(runtime, actor, rows[:limit])
    return rows


@dataclass(frozen=True)
class BudgetYear:
    lines: list[Any]
    # The measures a new line can be planned for (for those who may plan).
    measures: list[Any] = field(default_factory=list)


def read_year(runtime: Runtime, actor: Actor, year: int) -> BudgetYear:
    """Every line of a Haushaltsjahr, by measure (a city has hundreds, not millions)."""
    lines: list[Any] = []
    after: After | None = None
    public_only = access.public_only(actor)
    with runtime.read() as connection:
        while True:
            page = repository.page(
                connection,
                body_id=runtime.body_id,
                public_only=public_only,
                fiscal_year=year,
                measure_id=None,
                after=after,
                limit=YEAR_PAGE,
            )
            lines += page
            if len(page) < YEAR_PAGE:
                break
            after = After(page[-1].id, page[-1].id)
        choices = []
        if access.holds(actor, "budget.plan"):
            choices = [
                m
                for m in measures.list_measures(connection, runtime.body_id)
                if m.public or not public_only
            ]
    measures.log_list_read(runtime, actor, [*lines, *choices])
    return BudgetYear(sorted(lines, key=lambda r: (r.measure_code, r.id)), choices)


def read_line(runtime: Runtime, actor: Actor | None, line_id: int) -> tuple[Any, Any]:
    """One line and its measure."""
    with runtime.read() as connection:
        line = get_line(connection, line_id, runtime.body_id)
        measure = measures.visible_measure(runtime, connection, actor, line.measure_id)
    measures.log_measure_read(runtime, actor, measure)
    return line, measure


# --- writing ----------------------------------------------------------------------------------


def _check(values: Mapping[str, Any]) -> None:
    rules.raise_problems(budget_rules.line_problems(values))


def new_line(
    runtime: Runtime,
    connection: Connection,
    actor: Actor,
    measure_id: int,
    values: Mapping[str, Any],
) -> int:
    measures.visible_measure(runtime, connection, actor, measure_id)
    given = {k: v for k, v in values.items() if v is not None}
    _check(given)
    access.require_budget_fields(actor, set(given))
    return insert_line(runtime, connection, actor, measure_id=measure_id, **given)


def update_line(
    runtime: Runtime,
    connection: Connection,
    actor: Actor,
    line_id: int,
    changes: Mapping[str, Any],
) -> None:
    line = get_line(connection, line_id, runtime.body_id_in(connection))
    measures.visible_measure(runtime, connection, actor, line.measure_id)
    _check(changes)
    access.require_budget_fields(actor, set(changes))
    changed = {k: v for k, v in changes.items() if getattr(line, k) != v}
    if not changed:
        return
    update_audited(
        connection,
        runtime.chain_key,
        budget_lines,
        line_id,
        changed,
        before=line,
        actor=actor,
        now=runtime.now(),
        entity_type="budget_line",
    )


def import_spent(
    runtime: Runtime, connection: Connection, actor: Actor, content: bytes
) -> tuple[int, int, int]:
    """Books the spent amounts of a CSV file: (rows, updated, unchanged). Every row is
    checked first; all of them are written, in the caller's transaction, or none."""
    access.require(actor, "budget.spend")
    body_id = runtime.body_id_in(connection)
    rows = csv_import.parse(connection, content, body_id)
    updated = unchanged = 0
    for row in rows:
        line = get_line(connection, row.line_id, body_id)
        if line.spent == row.spent:
            unchanged += 1
            continue
        update_audited(
            connection,
            runtime.chain_key,
            budget_lines,
            row.line_id,
            {"spent": row.spent},
            before=line,
            actor=actor,
            now=runtime.now(),
            entity_type="budget_line",
        )
        updated += 1
    return len(rows), updated, unchanged


def insert_line(runtime: Runtime, connection: Connection, actor: Actor, **values: Any) -> int:
    """Inserts a budget line, audited, checking nothing else (demo, tests)."""
    return create_row(runtime, connection, actor, budget_lines, "budget_line", values)
