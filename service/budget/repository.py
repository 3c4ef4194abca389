"""Queries for Haushaltsansätze: per measure, per Haushaltsjahr, and for matching imports."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from service.budget.models import BudgetLine, BudgetLineChange
from service.keyset import After
from service.measures.models import Measure

budget_lines = BudgetLine.__table__  # type: ignore[attr-defined]
line_changes = BudgetLineChange.__table__  # type: ignore[attr-defined]
measures = Measure.__table__  # type: ignore[attr-defined]


def get_line(connection: Connection, line_id: int, body_id: int | None) -> Any:
    """The line if its measure is the body's (None: of any body)."""
    query = select(budget_lines).where(budget_lines.c.id == line_id)
    if body_id is not None:
        query = query.join(measures, measures.c.id == budget_lines.c.measure_id).where(
            measures.c.body_id == body_id
        )
    return connection.execute(query).first()


def lines_of_measure(connection: Connection, measure_id: int) -> list[Any]:
    return list(
        connection.execute(
            select(budget_lines)
            .where(budget_lines.c.measure_id == measure_id)
            .order_by(budget_lines.c.fiscal_year, budget_lines.c.id)
        )
    )


def page(
    connection: Connection,
    *,
    body_id: int,
    public_only: bool,
    fiscal_year: int | None,
    measure_id: int | None,
    after: After | None,
    limit: int,
) -> list[Any]:
    query = select(
        budget_lines,
        measures.c.code.label("measure_code"),
        measures.c.title.label("measure_title"),
        measures.c.public.label("public"),
        measures.c.responsible_person_id,
    ).join(measures, measures.c.id == budget_lines.c.measure_id)
    query = query.where(measures.c.body_id == body_id)
    if public_only:
        query = query.where(measures.c.public.is_(True))
    if fiscal_year is not None:
        query = query.where(budget_lines.c.fiscal_year == fiscal_year)
    if measure_id is not None:
        query = query.where(budget_lines.c.measure_id == measure_id)
    if after is not None:
        query = query.where(budget_lines.c.id > after.id)
    return list(connection.execute(query.order_by(budget_lines.c.id).limit(limit)))


def lines_for_import(connection: Connection, codes: set[str], body_id: int) -> list[Any]:
    """Every line of the body's measures named in an import, with the measure's code."""
    if not codes:
        return []
    return list(
        connection.execute(
            select(budget_lines, measures.c.code.label("measure_code"))
            .join(measures, measures.c.id == budget_lines.c.measure_id)
            .where(measures.c.code.in_(sorted(codes)), measures.c.body_id == body_id)
            .order_by(budget_lines.c.id)
        )
    )


def measures_by_code(connection: Connection, codes: set[str], body_id: int) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    if not codes:
        return found
    rows = connection.execute(
        select(measures.c.id, measures.c.code).where(
            measures.c.code.in_(sorted(codes)), measures.c.body_id == body_id
        )
    )
    for row in rows:
        found.setdefault(row.code, []).append(row.id)
    return found


# A line's values its history keeps (``BudgetLineChange``): all but its measure.
RECORDED = (
    "fiscal_year",
    "product_account",
    "one_off_planned",
    "recurring_planned",
    "approved",
    "spent",
)


def record_state(connection: Connection, line_id: int, at: datetime) -> None:
    """Keeps the line's year, account and amounts as they are now, holding from ``at``: what
    a report as of a later day sums (``reports.repository.budgets_of_reported``)."""
    row = connection.execute(
        select(*(budget_lines.c[name] for name in RECORDED)).where(budget_lines.c.id == line_id)
    ).one()
    connection.execute(
        insert(line_changes).values(budget_line_id=line_id, changed_at=at, **row._mapping)
    )
