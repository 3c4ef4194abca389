"""Writing a row and its audit event together: the one way the domains insert and edit rows.

The chain lock comes first, before the row is touched, as on the transition path (see
``service.lifecycle.service``): a writer that changed a row and then waited for the chain
would hold that row's lock while the chain's holder, waiting for the row, holds the chain;
PostgreSQL would end one of them as a deadlock. Only values that really change are written
and audited, so a form saved twice does not clutter the audit trail.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, insert, select, update
from sqlalchemy.engine import Connection

from service.actor import Actor
from service.audit.repository import lock_chain
from service.audit.service import created, record
from service.runtime import Runtime


def hold_chain(connection: Connection, chain_key: str) -> None:
    """For a use case of several steps (a job's round of mails, say): the chain lock before
    its first change, as the helpers below take it."""
    lock_chain(connection, chain_key)


def insert_audited(
    connection: Connection,
    chain_key: str,
    table: Table,
    values: dict[str, Any],
    *,
    actor: Actor,
    now: datetime,
    entity_type: str,
    persons: Iterable[int | None] = (),
    subject_person_id: int | None = None,
    audited_values: dict[str, Any] | None = None,
) -> int:
    """Inserts one row and records it; ``audited_values`` when not every value may enter
    the trail (a password hash)."""
    lock_chain(connection, chain_key)
    row_id = connection.execute(insert(table).returning(table.c.id), values).scalar_one()
    if entity_type == "person":
        # A person's own record: its values are that person's data (erasure, Art. 15).
        persons = [*persons, row_id]
        subject_person_id = row_id
    record(
        connection,
        chain_key,
        actor=actor,
        now=now,
        action=f"{entity_type}.create",
        entity_type=entity_type,
        entity_id=row_id,
        changes=created(audited_values if audited_values is not None else values),
        persons=persons,
        subject_person_id=subject_person_id,
    )
    return int(row_id)


def create_row(
    runtime: Runtime,
    connection: Connection,
    actor: Actor,
    table: Table,
    entity_type: str,
    values: dict[str, Any],
    persons: Iterable[int | None] = (),
) -> int:
    """The common create path of a domain service: the row and its audit event, now."""
    return insert_audited(
        connection,
        runtime.chain_key,
        table,
        values,
        actor=actor,
        now=runtime.now(),
        entity_type=entity_type,
        persons=persons,
    )


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
    before: Any = None,
    condition: Any = None,
    persons: Iterable[int | None] = (),
    subject_person_id: int | None = None,
    action: str | None = None,
    audited: Mapping[str, tuple[Any, Any]] | None = None,
    comment: str | None = None,
    context: Mapping[str, Any] | None = None,
) -> bool:
    """Updates one row and records what changed, before and after, in one transaction.

    ``before`` is the row as the caller read it; without it the row is read here, under the
    chain lock. ``condition`` narrows the UPDATE (e.g. ``version = :seen``): False when it
    matched no row, so that the database, not a read in Python, decides who won a race
    (False, too, when the row does not exist). ``action`` names the event (default
    ``<entity_type>.update``); ``audited`` replaces the recorded changes when a written value
    must not enter the trail (a password hash); ``comment`` says why (a stated reason);
    ``context`` what else the use case did (the letters a cancellation wrote).
    """
    lock_chain(connection, chain_key)
    if before is None:
        before = connection.execute(select(table).where(table.c.id == row_id)).first()
        if before is None:
            return False
    changed = {k: v for k, v in values.items() if getattr(before, k, None) != v}
    matched = table.c.id == row_id if condition is None else (table.c.id == row_id) & condition
    if not changed:
        # Nothing to write; the caller's condition still decides whether the edit stands.
        return (
            condition is None
            or connection.execute(select(table.c.id).where(matched)).first() is not None
        )
    if connection.execute(update(table).where(matched).values(**changed)).rowcount != 1:
        return False
    if entity_type == "person":
        persons = [*persons, row_id]
        subject_person_id = row_id
    changes = audited
    if changes is None:
        changes = {
            name: (_plain(getattr(before, name, None)), _plain(value))
            for name, value in changed.items()
            if name not in _UNAUDITED
        }
    record(
        connection,
        chain_key,
        actor=actor,
        now=now,
        action=action or f"{entity_type}.update",
        entity_type=entity_type,
        entity_id=row_id,
        changes=changes,
        persons=persons,
        subject_person_id=subject_person_id,
        comment=comment,
        context=context,
    )
    return True


# Bookkeeping that every update touches and no reader of the trail needs.
_UNAUDITED = frozenset({"updated_at"})


def _plain(value: Any) -> Any:
    """JSON-safe and exact: amounts and dates as text, so that 0.10 stays 0.10."""
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, Decimal | date | datetime):
        return str(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)
