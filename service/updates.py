"""Changing a row and writing its audit event together: the edit path of the thin domains.

Only values that really change are written and audited; an edit that changes nothing writes
nothing, so a form saved twice does not clutter the audit trail.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Table, select, update
from sqlalchemy.engine import Connection

from service.actor import Actor
from service.audit.service import record
from service.errors import NotFound


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def update_audited(
    connection: Connection,
    chain_key: str,
    table: Table,
    row_id: int,
    values: Mapping[str, Any],
    *,
    actor: Actor,
    now: datetime,
    entity_type: str,
    label: str,
    persons: Iterable[int | None] = (),
    subject_person_id: int | None = None,
) -> dict[str, tuple[Any, Any]]:
    """Applies ``values`` to the row; returns the changes as ``{column: (before, after)}``."""
    before = connection.execute(select(table).where(table.c.id == row_id)).first()
    if before is None:
        raise NotFound(label, row_id)
    old = before._mapping
    changes = {k: (old[k], v) for k, v in values.items() if old[k] != v}
    if not changes:
        return {}
    connection.execute(
        update(table).where(table.c.id == row_id).values({k: v for k, (_, v) in changes.items()})
    )
    if entity_type == "person":
        persons = [*persons, row_id]
        subject_person_id = row_id
    record(
        connection,
        chain_key,
        actor=actor,
        now=now,
        action=f"{entity_type}.update",
        entity_type=entity_type,
        entity_id=row_id,
        changes={k: (_plain(a), _plain(b)) for k, (a, b) in changes.items()},
        persons=persons,
        subject_person_id=subject_person_id,
    )
    return changes
