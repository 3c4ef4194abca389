"""The Körperschaft a deployment serves: the one whose slug keys the audit chain."""

from __future__ import annotations

from sqlalchemy.engine import Connection

from service.bodies import repository
from service.errors import NotFound


def current_body_id(connection: Connection, chain_key: str) -> int:
    found = repository.body_id_by_slug(connection, chain_key)
    if found is None:
        raise NotFound("Körperschaft", chain_key)
    return found


def create_body(connection: Connection, slug: str, name: str) -> int:
    """A new Körperschaft; its slug keys its audit chain."""
    return repository.insert_body(connection, slug, name)


def any_body(connection: Connection) -> bool:
    """Whether the database already serves a city (then no demo city joins it)."""
    return repository.any_body(connection)
