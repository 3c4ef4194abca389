"""Inserting a row and writing its audit event together, for the non-hot create paths."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.engine import Connection

from service.actor import Actor
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
