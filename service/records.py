"""Inserting a row and writing its audit event together, for the non-hot create paths."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, insert, update
from sqlalchemy.engine import Connection

from service.actor import Actor
from service.audit.repository import lock_chain
from service.audit.service import created, record
from service.runtime import Runtime


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
    values: dict[str, Any],
    *,
    before: Any,
    actor: Actor,
    now: datetime,
    entity_type: str,
    condition: Any = None,
    persons: Iterable[int | None] = (),
) -> bool:
    """Updates one row and records what changed, before and after, in one transaction.

    ``condition`` narrows the UPDATE (e.g. ``version = :seen``): False when it matched no
    row, so that the database, not a read in Python, decides who won a race. The chain lock
    comes first, as on the transition path, so two writers never wait for each other's
    locks in opposite order.
    """
    lock_chain(connection, chain_key)
    statement = update(table).where(table.c.id == row_id)
    if condition is not None:
        statement = statement.where(condition)
    if connection.execute(statement.values(**values)).rowcount != 1:
        return False
    changes = {
        name: (_plain(getattr(before, name, None)), _plain(value))
        for name, value in values.items()
        if name not in _UNAUDITED and getattr(before, name, None) != value
    }
    record(
        connection,
        chain_key,
        actor=actor,
        now=now,
        action=f"{entity_type}.update",
        entity_type=entity_type,
        entity_id=row_id,
        changes=changes,
        persons=persons,
    )
    return True


# Bookkeeping columns every update touches; the version change is audited by its caller.
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
