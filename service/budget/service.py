"""Haushaltsansätze: planned, approved and spent amounts per measure and Haushaltsjahr.

Each amount has its own role (``access.BUDGET_FIELDS``): the AG plans, the Kämmerei
approves and books what was spent, by hand or from its finance software's CSV export.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.engine import Connection

from service import access
from service.actor import Actor
from service.budget import repository
from service.budget.csv_import import SpentRow
from service.errors import NotFound
from service.measures import service as measures
from service.records import update_audited
from service.runtime import Runtime

budget_lines = repository.budget_lines


def get_line(connection: Connection, line_id: int) -> Any:
    row = repository.get_line(connection, line_id)
    if row is None:
        raise NotFound("Haushaltsansatz", line_id)
    return row


def new_line(
    runtime: Runtime,
    connection: Connection,
    actor: Actor,
    measure_id: int,
    values: Mapping[str, Any],
) -> int:
    measures.get_measure(connection, measure_id)
    given = {k: v for k, v in values.items() if v is not None}
    access.require_budget_fields(actor, set(given))
    return measures.add_budget_line(runtime, connection, actor, measure_id=measure_id, **given)


def update_line(
    runtime: Runtime,
    connection: Connection,
    actor: Actor,
    line_id: int,
    changes: Mapping[str, Any],
) -> None:
    line = get_line(connection, line_id)
    access.require_budget_fields(actor, set(changes))
    if not changes:
        return
    update_audited(
        connection,
        runtime.chain_key,
        budget_lines,
        line_id,
        dict(changes),
        before=line,
        actor=actor,
        now=runtime.now(),
        entity_type="budget_line",
    )


def book_spent(
    runtime: Runtime, connection: Connection, actor: Actor, rows: list[SpentRow]
) -> tuple[int, int]:
    """Writes checked import rows: (updated, unchanged). All of them, in the caller's
    transaction, or none."""
    access.require(actor, "budget.spend")
    updated = unchanged = 0
    for row in rows:
        line = get_line(connection, row.line_id)
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
    return updated, unchanged
