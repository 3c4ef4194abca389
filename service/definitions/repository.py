"""Stored definition versions: their exact text and its hash, never changed once written."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from service.definitions.models import StoredDefinition

table = StoredDefinition.__table__  # type: ignore[attr-defined]


def stored_hash(connection: Connection, name: str, version: int) -> str | None:
    """The content hash stored for this version, or None when it is not stored."""
    found: str | None = connection.execute(
        select(table.c.content_hash).where(table.c.name == name, table.c.version == version)
    ).scalar()
    return found


def insert_definition(
    connection: Connection, name: str, version: int, digest: str, content: str, now: datetime
) -> int:
    return int(
        connection.execute(
            insert(table).returning(table.c.id),
            {
                "name": name,
                "version": version,
                "content_hash": digest,
                "content": content,
                "loaded_at": now,
            },
        ).scalar_one()
    )


def texts(connection: Connection) -> list[Any]:
    """Name, version and text of every stored version, by name and version."""
    return list(
        connection.execute(
            select(table.c.name, table.c.version, table.c.content).order_by(
                table.c.name, table.c.version
            )
        )
    )


def versions(connection: Connection) -> list[Any]:
    """Name, version, content hash and load time of every stored version."""
    return list(
        connection.execute(
            select(table.c.name, table.c.version, table.c.content_hash, table.c.loaded_at).order_by(
                table.c.name, table.c.version
            )
        )
    )
