"""Haushaltsansätze: planned, approved and spent amounts per measure and Haushaltsjahr.

Each amount has its own role (``access.BUDGET_FIELDS``): the AG plans, the Kämmerei
approves and books what was spent, by hand or from its finance software's CSV export. A
change of an amount the caller may not change is refused (403), never dropped.

Once its measure has ended (abgeschlossen, abgelehnt, gestoppt...), a line takes no new
plan and no new approval, and no new line is added (409 ``endzustand``); the Kämmerei still
books what was spent (``AFTER_END``), since invoices of a finished or stopped measure often
arrive after its end, and the Haushalt must show what the city really paid.

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
from service.budget import csv_import, repository, writes
from service.budget import rules as budget_rules
from service.errors import NotFound
from service.keyset import After
from service.measures import rules
from service.measures import service as measures
from service.runtime import Runtime

budget_lines = repository.budget_lines
YEAR_PAGE = 500
# The columns of a line that still change once its measure has ended.
AFTER_END = frozenset({"spent"})
STILL_BOOKED = "Verausgabte Beträge bucht die Kämmerei weiterhin."


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
            # An ended measure takes no new line; offered by the newest definition's end
            # states, while ``new_line`` judges by the measure's own.
            states = runtime.registry.latest("massnahme").spec.states.values()
            ended = {s.name for s in states if s.final}
            choices = [
                m
                for m in measures.list_measures(connection, runtime.body_id)
                if (m.public or not public_only) and m.state not in ended
            ]
    measures.log_list_read(runtime, actor, [*lines, *choices])
    return BudgetYear(sorted(lines, key=lambda r: (r.measure_code, r.id)), choices)


@dataclass(frozen=True)
class LineView:
    line: Any
    measure: Any
    # The columns the reader may change now (``changeable``).
    changeable: frozenset[str]
    # The label of the end state the measure is in, if it has ended.
    ended: str | None


def read_line(runtime: Runtime, actor: Actor, line_id: int) -> LineView:
    """One line and its measure, with what the reader may change on it."""
    with runtime.read() as connection:
        line = get_line(connection, line_id, runtime.body_id)
        measure = measures.visible_measure(runtime, connection, actor, line.measure_id)
    measures.log_measure_read(runtime, actor, measure)
    return LineView(
        line, measure, changeable(runtime, actor, measure), measures.end_state(runtime, measure)
    )


def changeable(runtime: Runtime, actor: Actor, measure: Any = None) -> frozenset[str]:
    """The columns of a line of ``measure`` (without one: of a new line) that ``actor`` may
    change: those of their roles, and once the measure has ended only ``AFTER_END``."""
    columns = {c for c, p in access.BUDGET_FIELDS.items() if access.holds(actor, p)}
    if measure is not None and measures.end_state(runtime, measure) is not None:
        columns &= AFTER_END
    return frozenset(columns)


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
    measure = measures.visible_measure(runtime, connection, actor, measure_id)
    given = {k: v for k, v in values.items() if v is not None}
    _check(given)
    access.require_budget_fields(actor, set(given))
    measures.require_open(runtime, measure, "Ein neuer Haushaltsansatz", hint=STILL_BOOKED)
    return insert_line(runtime, connection, actor, measure_id=measure_id, **given)


def update_line(
    runtime: Runtime,
    connection: Connection,
    actor: Actor,
    line_id: int,
    changes: Mapping[str, Any],
) -> None:
    """Changes the given columns. Each one that would change needs its role (403); once the
    measure has ended, only ``AFTER_END`` may change (409). A value sent as it already is
    changes nothing and needs no role beyond planning's."""
    line = get_line(connection, line_id, runtime.body_id_in(connection))
    measure = measures.visible_measure(runtime, connection, actor, line.measure_id)
    _check(changes)
    changed = {k: v for k, v in changes.items() if getattr(line, k) != v}
    access.require_budget_fields(actor, set(changed))
    if set(changed) - AFTER_END:
        what = "Das Ändern des Haushaltsansatzes"
        measures.require_open(runtime, measure, what, hint=STILL_BOOKED)
    writes.update(runtime, connection, actor, line, changed, now=runtime.now())


def import_spent(
    runtime: Runtime, connection: Connection, actor: Actor, content: bytes
) -> tuple[int, int, int]:
    """Books the spent amounts of a CSV file: (rows, updated, unchanged). Every row is
    checked first; all of them are written, in the caller's transaction, or none. Lines of
    ended measures are booked too (``AFTER_END``)."""
    access.require(actor, "budget.spend")
    body_id = runtime.body_id_in(connection)
    rows = csv_import.parse(connection, content, body_id)
    updated = unchanged = 0
    for row in rows:
        line = get_line(connection, row.line_id, body_id)
        if writes.update(runtime, connection, actor, line, {"spent": row.spent}, now=runtime.now()):
            updated += 1
        else:
            unchanged += 1
    return len(rows), updated, unchanged


def insert_line(runtime: Runtime, connection: Connection, actor: Actor, **values: Any) -> int:
    """Inserts a budget line, audited, checking nothing else (demo, tests)."""
    return writes.insert(runtime, connection, actor, values, now=runtime.now())
