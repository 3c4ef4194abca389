"""Erasure of a person (DSGVO Art. 17): identifying data goes, the chain stays verifiable.

The person's record is emptied, their logins pseudonymised and locked, and every readable
value beside the audit chain that belongs to them (with its salt) cleared: the chain holds
only ids and salted digests, so it still verifies, and without the salt a digest can no
longer be linked to the erased value. Then the storage is cleaned, because a deleted value
otherwise lingers in free pages (SQLite) or dead tuples (PostgreSQL) of the database file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine
from sqlalchemy.engine import Connection

from service import db
from service.actor import SYSTEM, Actor
from service.audit.service import erase_values_of, record
from service.auth.service import pseudonymise_logins_of
from service.bodies.service import current_body_id
from service.errors import NotFound
from service.people import repository

# Tables whose old row versions may still hold erased values (PostgreSQL VACUUM FULL).
_TOUCHED = ("persons", "users", "api_tokens", "audit_details")


@dataclass(frozen=True)
class Erasure:
    person_id: int
    users: int
    details: int


def erase_person(
    connection: Connection,
    chain_key: str,
    person_id: int,
    now: datetime,
    actor: Actor = SYSTEM,
) -> Erasure:
    """On the owner connection (detail rows refuse every other change); only a person of
    the body whose chain ``chain_key`` names: another body's is as missing as a wrong id."""
    if not repository.erase(connection, current_body_id(connection, chain_key), person_id, now):
        raise NotFound("Person", person_id)
    logins = pseudonymise_logins_of(connection, person_id)
    cleared = erase_values_of(connection, person_id, now)
    record(
        connection,
        chain_key,
        actor=actor,
        now=now,
        action="person.erase",
        entity_type="person",
        entity_id=person_id,
        persons=[person_id],
        context={"users": logins, "details": cleared},
    )
    return Erasure(person_id, logins, cleared)


def clean_storage(engine: Engine) -> None:
    """Overwrites what erasure left in free space; run after the erasure has committed."""
    db.reclaim_free_space(engine, _TOUCHED)
