"""The bodies (Körperschaften) table."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.engine import Connection

from service.bodies.models import Body

bodies = Body.__table__  # type: ignore[attr-defined]


def body_id_by_slug(connection: Connection, slug: str) -> int | None:
    found = connection.execute(select(bodies.c.id).where(bodies.c.slug == slug)).scalar()
    return None if found is None else int(found)
