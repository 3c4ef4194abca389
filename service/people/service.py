"""Persons: created with an audit event whose personal values enter the chain as digests."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from service.access import PUBLIC_COMMITTEE_KINDS, person_is_public
from service.actor import Actor
from service.audit.service import record
from service.bodies.service import current_body_id
from service.errors import Conflict, NotFound
from service.people import repository
from service.people.models import Person
from service.records import insert_audited, update_audited
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


# --- the persons API -------------------------------------------------------------------------


def get_person(connection: Connection, person_id: int) -> Any:
    row = repository.person(connection, person_id)
    if row is None:
        raise NotFound("Person", person_id)
    return row


def is_public(connection: Connection, row: Any) -> bool:
    memberships = repository.memberships_of_person(connection, row.id, PUBLIC_COMMITTEE_KINDS)
    return person_is_public(row, bool(memberships))


def memberships_of(connection: Connection, person_id: int, public_only: bool) -> list[Any]:
    kinds = PUBLIC_COMMITTEE_KINDS if public_only else None
    return repository.memberships_of_person(connection, person_id, kinds)


def page_persons(connection: Connection, *, public_only: bool, **kwargs: Any) -> list[Any]:
    kinds = PUBLIC_COMMITTEE_KINDS if public_only else None
    return repository.page_persons(connection, public_kinds=kinds, **kwargs)


def new_person(runtime: Runtime, connection: Connection, actor: Actor, **values: Any) -> int:
    values["body_id"] = current_body_id(connection, runtime.chain_key)
    return create_person(runtime, connection, actor, **values)


def edit_person(
    runtime: Runtime, connection: Connection, actor: Actor, person_id: int, **values: Any
) -> None:
    row = get_person(connection, person_id)
    if row.erased_at is not None:
        raise Conflict(
            "person-geloescht",
            "Person gelöscht",
            f"Die Daten der Person {person_id} wurden gelöscht; sie lassen sich nicht ändern.",
        )
    update_audited(
        connection,
        runtime.chain_key,
        persons,
        person_id,
        values,
        actor=actor,
        now=runtime.now(),
        entity_type="person",
    )


def log_read(
    runtime: Runtime, connection: Connection, actor: Actor, person_ids: list[int], purpose: str
) -> None:
    """Reads of personal data by staff enter the audit trail (whose data, who read it)."""
    if not person_ids:
        return
    record(
        connection,
        runtime.chain_key,
        actor=actor,
        now=runtime.now(),
        action="person.read",
        entity_type="person",
        entity_id=person_ids[0] if len(person_ids) == 1 else None,
        context={"purpose": purpose, "count": len(person_ids)},
        persons=person_ids,
    )
