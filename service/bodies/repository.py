"""The bodies (Körperschaften) table."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, func, select, update
from sqlalchemy.engine import Connection

from service.auth.models import User
from service.bodies.models import Body
from service.committees.models import Committee
from service.people.models import Person

bodies = Body.__table__  # type: ignore[attr-defined]
_HOLDINGS: list[Table] = [
    Person.__table__,  # type: ignore[attr-defined]
    User.__table__,  # type: ignore[attr-defined]
    Committee.__table__,  # type: ignore[attr-defined]
]


def body_id_by_slug(connection: Connection, slug: str) -> int | None:
    found = connection.execute(select(bodies.c.id).where(bodies.c.slug == slug)).scalar()
    return None if found is None else int(found)


def body_by_slug(connection: Connection, slug: str) -> Any:
    return connection.execute(select(bodies).where(bodies.c.slug == slug)).first()


def body_by_host(connection: Connection, host: str) -> Any:
    return connection.execute(select(bodies).where(bodies.c.host == host)).first()


def all_bodies(connection: Connection) -> list[Any]:
    return list(connection.execute(select(bodies).order_by(bodies.c.slug)))


def count_bodies(connection: Connection) -> int:
    return int(connection.execute(select(func.count()).select_from(bodies)).scalar_one())


def insert_body(connection: Connection, values: dict[str, Any]) -> int:
    return int(connection.execute(bodies.insert().returning(bodies.c.id), values).scalar_one())


def rename_body(connection: Connection, body_id: int, name: str) -> None:
    connection.execute(update(bodies).where(bodies.c.id == body_id).values(name=name))


def holds_rows(connection: Connection, body_id: int) -> bool:
    """Whether the body holds persons, logins or committees (a city in use)."""
    return any(
        connection.execute(select(t.c.id).where(t.c.body_id == body_id).limit(1)).first()
        for t in _HOLDINGS
    )
