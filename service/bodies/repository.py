"""The bodies (Körperschaften) table."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.engine import Connection

from service.bodies.models import Body

bodies = Body.__table__  # type: ignore[attr-defined]


def body_id_by_slug(connection: Connection, slug: str) -> int | None:
    found = connection.execute(select(bodies.c.id).where(bodies.c.slug == slug)).scalar()
    return None if found is None else int(found)


def insert_body(connection: Connection, slug: str, name: str) -> int:
    return int(
        connection.execute(
            bodies.insert().returning(bodies.c.id), {"slug": slug, "name": name}
        ).scalar_one()
    )


def any_body(connection: Connection) -> bool:
    return connection.execute(select(bodies.c.id).limit(1)).first() is not None
