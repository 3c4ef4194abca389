"""Queries an import checks its rows against: programmes, taken codes, persons."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from service.auth.models import User
from service.measures.models import Measure
from service.people.models import Person
from service.programmes.models import Programme

users = User.__table__  # type: ignore[attr-defined]
persons = Person.__table__  # type: ignore[attr-defined]
measures = Measure.__table__  # type: ignore[attr-defined]
programmes = Programme.__table__  # type: ignore[attr-defined]


def programmes_by_id(connection: Connection, body_id: int) -> list[Any]:
    query = select(programmes.c.id, programmes.c.title).where(programmes.c.body_id == body_id)
    return list(connection.execute(query.order_by(programmes.c.id)))


def codes_of(connection: Connection, body_id: int) -> set[str]:
    """The Kennungen of the body's measures in lower case: a Kennung names one measure in
    the whole body, in any case."""
    query = select(func.lower(measures.c.code)).where(measures.c.body_id == body_id)
    return set(connection.execute(query).scalars())


def person_of_login(connection: Connection, username: str, body_id: int) -> int | None:
    query = select(users.c.person_id).where(
        users.c.username == username, users.c.person_id.is_not(None), users.c.body_id == body_id
    )
    found = connection.execute(query).scalar()
    return None if found is None else int(found)


def persons_named(connection: Connection, full_name: str, body_id: int) -> list[int]:
    """Persons of the body (not erased) whose "Vorname Nachname" is ``full_name``, ignoring
    case."""
    name = func.lower(persons.c.given_name + " " + persons.c.family_name)
    query = select(persons.c.id).where(
        name == full_name.lower(), persons.c.erased_at.is_(None), persons.c.body_id == body_id
    )
    return [int(i) for i in connection.execute(query).scalars()]
