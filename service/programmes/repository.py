"""Queries for programmes (Arbeitspapiere) and the rows they name."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.engine import Connection

from service.bodies.models import Body
from service.keyset import After
from service.papers.models import Paper
from service.people.models import Person
from service.programmes.models import Programme

programmes = Programme.__table__  # type: ignore[attr-defined]
bodies = Body.__table__  # type: ignore[attr-defined]
papers = Paper.__table__  # type: ignore[attr-defined]
persons = Person.__table__  # type: ignore[attr-defined]
REFERENCED: dict[str, Table] = {"owner_person_id": persons, "paper_id": papers}


def programme(connection: Connection, programme_id: int, *, lock: bool = False) -> Any:
    query = select(programmes).where(programmes.c.id == programme_id)
    if lock:
        query = query.with_for_update()
    return connection.execute(query).first()


def page(connection: Connection, after: After | None, limit: int) -> list[Any]:
    query = select(programmes)
    if after is not None:
        query = query.where(programmes.c.id > after.id)
    return list(connection.execute(query.order_by(programmes.c.id).limit(limit)))


def exists(connection: Connection, column: str, key: int) -> bool:
    """Whether the row a programme's ``column`` names exists (a person, a paper)."""
    table = REFERENCED[column]
    return connection.execute(select(table.c.id).where(table.c.id == key)).first() is not None


def body_id(connection: Connection, chain_key: str) -> int | None:
    """The body (Körperschaft) of this installation: the one its audit chain is named for."""
    query = select(bodies.c.id).order_by((bodies.c.slug != chain_key), bodies.c.id).limit(1)
    return connection.execute(query).scalar()
