"""The logins as an administrator reads them: each with its person's name, and the
deputyships they named.

Statement-level SQL only; what is shown of it, and the logged read, are
``service.auth.overview``'s.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from service.auth.repository import PUBLIC_COLUMNS, deputyships, persons, users

_NAME_COLUMNS = (
    persons.c.title,
    persons.c.given_name,
    persons.c.family_name,
    persons.c.function,
    persons.c.erased_at,
)


def logins(connection: Connection, body_id: int, user_id: int | None = None) -> list[Any]:
    """The body's logins (or the one with this id) by name, each with the name columns of
    its person (None where no person is linked)."""
    query = (
        select(*PUBLIC_COLUMNS, *_NAME_COLUMNS)
        .select_from(users.outerjoin(persons, persons.c.id == users.c.person_id))
        .where(users.c.body_id == body_id)
        .order_by(users.c.username)
    )
    if user_id is not None:
        query = query.where(users.c.id == user_id)
    return list(connection.execute(query))


def open_deputyships(
    connection: Connection, body_id: int, today: date, user_id: int | None = None
) -> list[Any]:
    """The deputyships the body's logins (or the one with this id) named that are neither
    withdrawn nor over by ``today``: who named it, the deputy's login and the name columns
    of the deputy's person, earliest first."""
    absent = users.alias("absent")
    deputy = users.alias("deputy")
    query = (
        select(
            deputyships.c.id,
            deputyships.c.user_id,
            deputyships.c.starts_on,
            deputyships.c.ends_on,
            deputy.c.username.label("deputy_username"),
            deputy.c.person_id,
            *_NAME_COLUMNS,
        )
        .select_from(
            deputyships.join(absent, absent.c.id == deputyships.c.user_id)
            .join(deputy, deputy.c.id == deputyships.c.deputy_user_id)
            .outerjoin(persons, persons.c.id == deputy.c.person_id)
        )
        .where(
            absent.c.body_id == body_id,
            deputyships.c.withdrawn_at.is_(None),
            deputyships.c.ends_on >= today,
        )
        .order_by(deputyships.c.starts_on, deputyships.c.id)
    )
    if user_id is not None:
        query = query.where(deputyships.c.user_id == user_id)
    return list(connection.execute(query))
