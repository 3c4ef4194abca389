"""Queries behind the persons API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import exists, func, select, update
from sqlalchemy.engine import Connection

from service.committees.models import Committee, Membership
from service.keyset import After, Sort, page
from service.people.models import Person

persons = Person.__table__  # type: ignore[attr-defined]
memberships = Membership.__table__  # type: ignore[attr-defined]
committees = Committee.__table__  # type: ignore[attr-defined]

SORT = {"id": persons.c.id, "family_name": func.coalesce(persons.c.family_name, "")}


def person(connection: Connection, body_id: int, person_id: int) -> Any:
    query = select(persons).where(persons.c.id == person_id, persons.c.body_id == body_id)
    return connection.execute(query).first()


def in_body(connection: Connection, body_id: int, person_ids: list[int]) -> set[int]:
    if not person_ids:
        return set()
    query = select(persons.c.id).where(persons.c.id.in_(person_ids), persons.c.body_id == body_id)
    return set(connection.execute(query).scalars())


def erase(connection: Connection, body_id: int, person_id: int, now: datetime) -> bool:
    """Empties the person's identifying columns and marks the record erased; False when
    the body has no such person."""
    erased = connection.execute(
        update(persons)
        .where(persons.c.id == person_id, persons.c.body_id == body_id)
        .values(given_name=None, family_name=None, title=None, function=None, email=None)
        .values(erased_at=now)
    )
    return erased.rowcount == 1


def persons_by_name(connection: Connection, body_id: int) -> list[Any]:
    """The body's persons (erased ones aside) by family and given name."""
    query = (
        select(persons)
        .where(persons.c.body_id == body_id, persons.c.erased_at.is_(None))
        .order_by(persons.c.family_name, persons.c.given_name, persons.c.id)
    )
    return list(connection.execute(query))


def page_persons(
    connection: Connection,
    body_id: int,
    *,
    public_kinds: frozenset[str] | None,
    committee_id: int | None,
    is_staff: bool | None,
    sort: Sort,
    after: After | None,
    limit: int,
) -> list[Any]:
    """With ``public_kinds`` only council members who sat in a council body, never staff."""
    query = select(persons).where(persons.c.body_id == body_id, persons.c.erased_at.is_(None))
    if public_kinds is not None:
        query = query.where(
            persons.c.is_staff.is_(False),
            exists().where(
                memberships.c.person_id == persons.c.id,
                memberships.c.committee_id == committees.c.id,
                committees.c.kind.in_(sorted(public_kinds)),
            ),
        )
    if committee_id is not None:
        query = query.where(
            exists().where(
                memberships.c.person_id == persons.c.id,
                memberships.c.committee_id == committee_id,
            )
        )
    if is_staff is not None:
        query = query.where(persons.c.is_staff.is_(is_staff))
    return list(connection.execute(page(query, SORT[sort.key], persons.c.id, sort, after, limit)))


def memberships_of_person(
    connection: Connection, person_id: int, kinds: frozenset[str] | None
) -> list[Any]:
    query = (
        select(
            memberships,
            committees.c.name.label("committee_name"),
            committees.c.kind.label("committee_kind"),
        )
        .join(committees, committees.c.id == memberships.c.committee_id)
        .where(memberships.c.person_id == person_id)
        .order_by(memberships.c.id)
    )
    if kinds is not None:
        query = query.where(committees.c.kind.in_(sorted(kinds)))
    return list(connection.execute(query))


def person_named(connection: Connection, body_id: int, given: str, family: str) -> int | None:
    return connection.execute(
        select(persons.c.id).where(
            persons.c.body_id == body_id,
            persons.c.given_name == given,
            persons.c.family_name == family,
        )
    ).scalar()
