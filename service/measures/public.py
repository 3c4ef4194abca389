"""The public list of measures: public ones with their state and progress, and nothing that
names a person. One measure is read as the API reads it for the public (``read_measure``
without a caller)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection

from service.measures import repository


def public_measures(connection: Connection, body_id: int, limit: int = 200) -> list[Any]:
    return repository.public_page(connection, body_id, limit)
