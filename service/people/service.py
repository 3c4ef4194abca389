"""Persons: created with an audit event whose personal values enter the chain as digests."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from service.actor import Actor
from service.people.models import Person
from service.records import insert_audited
from service.runtime import Runtime

persons = Person.__table__  # type: ignore[attr-defined]


def create_person(runtime: Runtime, connection: Connection, actor: Actor, **values: Any) -> int:
    person_id = insert_audited(
        connection,
        runtime.chain_key,
        persons,
        values,
        actor=actor,
        now=runtime.now(),
        entity_type="person",
    )
    return person_id


def find_person(connection: Connection, body_id: int, given: str, family: str) -> int | None:
    return connection.execute(
        select(persons.c.id).where(
            persons.c.body_id == body_id,
            persons.c.given_name == given,
            persons.c.family_name == family,
        )
    ).scalar()


def display_name(row: Any) -> str:
    parts = [row.title, row.given_name, row.family_name]
    return " ".join(p for p in parts if p) or f"Person {row.id}"
