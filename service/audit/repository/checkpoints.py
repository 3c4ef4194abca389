"""The signed checkpoints' rows: written under the chain lock, read per chain in order."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from service.audit.models import AuditCheckpoint

checkpoints = AuditCheckpoint.__table__  # type: ignore[attr-defined]


def insert_checkpoint(connection: Connection, values: dict[str, Any]) -> None:
    connection.execute(insert(checkpoints), values)


def checkpoint_rows(connection: Connection, chain_key: str | None = None) -> list[Any]:
    """Every checkpoint (of one chain, when named), by chain and seq."""
    query = select(checkpoints).order_by(checkpoints.c.chain_key, checkpoints.c.seq)
    if chain_key is not None:
        query = query.where(checkpoints.c.chain_key == chain_key)
    return list(connection.execute(query))


def latest_row(connection: Connection, chain_key: str) -> Any:
    """The chain's checkpoint with the highest seq (the last written of equals), or None."""
    return connection.execute(
        select(checkpoints)
        .where(checkpoints.c.chain_key == chain_key)
        .order_by(checkpoints.c.seq.desc(), checkpoints.c.id.desc())
        .limit(1)
    ).first()


def rows_at(connection: Connection, chain_key: str, seq: int) -> list[Any]:
    """The chain's checkpoints at ``seq`` (signed or not: the caller checks)."""
    return list(
        connection.execute(
            select(checkpoints).where(
                checkpoints.c.chain_key == chain_key, checkpoints.c.seq == seq
            )
        )
    )
