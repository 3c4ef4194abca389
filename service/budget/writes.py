"""Writing a Haushaltsansatz: the row, its audit event and the state it holds from now on.

Every way a line is written (the budget pages and the API, the Kämmerei's CSV import, the
measure's step "Im Haushalt einplanen" from any door) goes through these two, so that no
change is missing from the line's history (``budget_line_changes``), from which a past
Sachstandsbericht sums the amounts of its Stichtag. All three rows share one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection

from service.actor import Actor
from service.budget import repository
from service.records import insert_audited, update_audited
from service.runtime import Runtime


def insert(
    runtime: Runtime,
    connection: Connection,
    actor: Actor,
    values: Mapping[str, Any],
    *,
    now: datetime,
) -> int:
    line_id = insert_audited(
        connection,
        runtime.chain_key,
        repository.budget_lines,
        dict(values),
        actor=actor,
        now=now,
        entity_type="budget_line",
    )
    repository.record_state(connection, line_id, now)
    return line_id


def update(
    runtime: Runtime,
    connection: Connection,
    actor: Actor,
    line: Any,
    values: Mapping[str, Any],
    *,
    now: datetime,
) -> bool:
    """Writes what differs from ``line`` as read; False when nothing did."""
    changed = {k: v for k, v in values.items() if getattr(line, k) != v}
    if not changed:
        return False
    update_audited(
        connection,
        runtime.chain_key,
        repository.budget_lines,
        line.id,
        changed,
        before=line,
        actor=actor,
        now=now,
        entity_type="budget_line",
    )
    repository.record_state(connection, line.id, now)
    return True
