"""The Körperschaft a deployment serves: the one whose slug keys the audit chain."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.engine import Connection

from service.bodies.models import Body
from service.errors import NotFound

bodies = Body.__table__  # type: ignore[attr-defined]


def current_body_id(connection: Connection, chain_key: str) -> int:
    found = connection.execute(select(bodies.c.id).where(bodies.c.slug == chain_key)).scalar()
    if found is None:
        raise NotFound("Körperschaft", chain_key)
    return int(found)


def create_body(connection: Connection, slug: str, name: str) -> int:
    """A new Körperschaft; its slug keys its audit chain."""
    return int(
        connection.execute(
            bodies.insert().returning(bodies.c.id), {"slug": slug, "name": name}
        ).scalar_one()
    )


def any_body(connection: Connection) -> bool:
    """Whether the database already serves a city (then no demo city joins it)."""
    return connection.execute(select(bodies.c.id).limit(1)).first() is not None
