"""Persons: personal data, so staff read it and every read of a record is logged.

Following OParl, a council member of a council body is a public figure: the public sees
name, title, function and council memberships, nothing else. Everyone else needs a signed-in
caller with ``person.read``; a read of what the public would not see is logged
(``person.read``) and committed before anything is shown. ``insert_person`` is the
unchecked write beneath, for the demo and fixtures; its personal values enter the chain as
digests.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection

from service import access, texts
from service.access import PUBLIC_COMMITTEE_KINDS, person_is_public
from service.actor import Actor
from service.audit.service import log_read
from service.auth.errors import NotSignedIn
from service.errors import Conflict, NotFound
from service.people import repository
from service.records import insert_audited, update_audited
from service.runtime import Runtime
from service.texts import TextRule

PERSON_TEXTS = {
    "given_name": TextRule("Vorname", 100),
    "family_name": TextRule("Nachname", 100, required="Bitte einen Nachnamen angeben."),
    "title": TextRule("Titel", 50),
    "function": TextRule("Funktion", 200),
    "email": TextRule("E-Mail", 254),
}
STAFF_ONLY = "Diese Angaben sind nur für angemeldete Beschäftigte sichtbar."


def display_name(row: Any) -> str:
    """ "Titel Vorname Nachname" of any row with a person's name columns."""
    parts = [row.title, row.given_name, row.family_name]
    return " ".join(p for p in parts if p) or f"Person {row.id}"


def insert_person(runtime: Runtime, connection: Connection, actor: Actor, **values: Any) -> int:
    """Stores a person as given; checks nothing."""
    return insert_audited(
        connection,
        runtime.chain_key,
        repository.persons,
        values,
        actor=actor,
        now=runtime.now(),
        entity_type="person",
    )


def find_person(connection: Connection, body_id: int, given: str, family: str) -> int | None:
    return repository.person_named(connection, body_id, given, family)


def get_person(connection: Connection, body_id: int, person_id: int) -> Any:
    """The body's person; another body's is as missing as a wrong id."""
    row = repository.person(connection, body_id, person_id)
    if row is None:
        raise NotFound("Person", person_id)
    return row


def person_choices(connection: Connection, body_id: int) -> list[tuple[int, str]]:
    """Every person of the body (erased ones aside) by name, with the function to tell
    namesakes apart: for pickers of those who may name any person (the caller checks)."""
    return [
        (p.id, f"{display_name(p)} ({p.function})" if p.function else display_name(p))
        for p in repository.persons_by_name(connection, body_id)
    ]


def own_name(connection: Connection, actor: Actor) -> str:
    """The name of the signed-in user's own person (their login when none is linked): not a
    read of someone else's data, so nothing is logged."""
    if actor.person_id is None or actor.body_id is None:
        return actor.name
    row = repository.person(connection, actor.body_id, actor.person_id)
    return display_name(row) if row is not None else actor.name


def persons_in_body(connection: Connection, body_id: int, person_ids: list[int]) -> set[int]:
    """Which of these persons belong to the body."""
    return repository.in_body(connection, body_id, person_ids)


def new_person(runtime: Runtime, connection: Connection, actor: Actor, **values: Any) -> int:
    access.require(actor, "person.manage")
    texts.check("person", PERSON_TEXTS, values)
    values["body_id"] = runtime.body_id_in(connection)
    return insert_person(runtime, connection, actor, **values)


def edit_person(
    runtime: Runtime, connection: Connection, actor: Actor, person_id: int, **values: Any
) -> None:
    access.require(actor, "person.manage")
    row = get_person(connection, runtime.body_id_in(connection), person_id)
    if row.erased_at is not None:
        raise Conflict(
            "person-geloescht",
            "Person gelöscht",
            "Die Daten dieser Person wurden gelöscht; sie lassen sich nicht ändern.",
        )
    texts.check("person", PERSON_TEXTS, values)
    update_audited(
        connection,
        runtime.chain_key,
        repository.persons,
        person_id,
        values,
        actor=actor,
        now=runtime.now(),
        entity_type="person",
    )


@dataclass(frozen=True)
class PersonView:
    """A person's record as this caller may see it."""

    person: Any
    memberships: list[Any]
    staff: bool  # with e-mail, staff flag and every membership


def person_view(connection: Connection, actor: Actor | None, row: Any) -> PersonView:
    """The record without logging: for the answer to a write of this caller."""
    staff = access.holds(actor, "person.read")
    kinds = None if staff else PUBLIC_COMMITTEE_KINDS
    return PersonView(row, repository.memberships_of_person(connection, row.id, kinds), staff)


def read_person(
    runtime: Runtime, connection: Connection, actor: Actor | None, person_id: int
) -> PersonView:
    """A person's record: staff see all of it (logged); the public only a council member's
    public part, and for anyone else the same answer whether or not the person exists (or
    belongs to another body, which counts as not existing): 401 without a login, 404 for a
    signed-in reader who is not staff."""
    staff = access.holds(actor, "person.read")
    row = repository.person(connection, runtime.body_id_in(connection), person_id)
    if staff and row is None:
        raise NotFound("Person", person_id)
    if not staff and (row is None or not _is_public(connection, row)):
        if actor is not None:  # signed in without staff rights (a council member): not theirs
            raise NotFound("Person", person_id)
        raise NotSignedIn(STAFF_ONLY)
    view = person_view(connection, actor, row)
    if staff:
        log_read(runtime, actor, "person", person_id, purpose="Personenabruf")
    return view


def read_persons(
    runtime: Runtime, connection: Connection, actor: Actor | None, *, limit: int, **kwargs: Any
) -> list[Any]:
    """Up to ``limit`` persons this caller may see, and one more if there is one.

    Staff see everyone (the persons shown are logged as one read); the public only council
    members who sat in a council body, never staff.
    """
    staff = access.holds(actor, "person.read")
    if not staff:
        kwargs["is_staff"] = None
    rows = repository.page_persons(
        connection,
        runtime.body_id_in(connection),
        public_kinds=None if staff else PUBLIC_COMMITTEE_KINDS,
        limit=limit + 1,
        **kwargs,
    )
    shown = [r.id for r in rows[:limit]]
    if staff and shown:
        log_read(runtime, actor, "person", None, persons=shown, purpose="Personenliste")
    return rows


def _is_public(connection: Connection, row: Any) -> bool:
    memberships = repository.memberships_of_person(connection, row.id, PUBLIC_COMMITTEE_KINDS)
    return person_is_public(row, bool(memberships))
