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


def programme(
    connection: Connection, programme_id: int, body_id: int | None, *, lock: bool = False
) -> Any:
    """The programme if it is the body's (None: of any body)."""
    query = select(programmes).where(programmes.c.id == programme_id)
    if body_id is not None:
        query = query.where(programmes.c.body_id == body_id)
    if lock:
        query = query.with_for_update()
    return connection.execute(query).first()


def page(connection: Connection, body_id: int, after: After | None, limit: int) -> list[Any]:
    query = select(programmes).where(programmes.c.body_id == body_id)
    if after is not None:
        query = query.where(programmes.c.id > after.id)
    return list(connection.execute(query.order_by(programmes.c.id).limit(limit)))


def exists(connection: Connection, column: str, key: int, body_id: int) -> bool:
    """Whether the row a programme's ``column`` names exists in the body (a person, a paper)."""
    table = REFERENCED[column]
    query = select(table.c.id).where(table.c.id == key, table.c.body_id == body_id)
    return connection.execute(query).first() is not None
