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
from typing import Any

from sqlalchemy import Engine, delete, select, update
from sqlalchemy.engine import Connection

from service.actor import SYSTEM, Actor
from service.audit.models import AuditDetail
from service.audit.service import record
from service.auth.models import ApiToken, User
from service.errors import NotFound
from service.people.models import Person

persons = Person.__table__  # type: ignore[attr-defined]
users = User.__table__  # type: ignore[attr-defined]
api_tokens = ApiToken.__table__  # type: ignore[attr-defined]
details = AuditDetail.__table__  # type: ignore[attr-defined]

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
    """On the owner connection (detail rows refuse every other change)."""
    if connection.execute(select(persons.c.id).where(persons.c.id == person_id)).first() is None:
        raise NotFound("Person", person_id)
    connection.execute(
        update(persons)
        .where(persons.c.id == person_id)
        .values(given_name=None, family_name=None, title=None, function=None, email=None)
        .values(erased_at=now)
    )
    user_ids = list(
        connection.execute(select(users.c.id).where(users.c.person_id == person_id)).scalars()
    )
    for user_id in user_ids:
        connection.execute(
            update(users)
            .where(users.c.id == user_id)
            .values(username=f"geloescht-{user_id}", password_hash=None, active=False)
        )
    if user_ids:
        connection.execute(delete(api_tokens).where(api_tokens.c.user_id.in_(user_ids)))
    cleared = connection.execute(
        update(details)
        .where(details.c.person_id == person_id, details.c.value.is_not(None))
        .values(value=None, salt=None, erased_at=now)
    ).rowcount
    record(
        connection,
        chain_key,
        actor=actor,
        now=now,
        action="person.erase",
        entity_type="person",
        entity_id=person_id,
        persons=[person_id],
        context={"users": len(user_ids), "details": cleared},
    )
    return Erasure(person_id, len(user_ids), cleared)


def clean_storage(engine: Engine) -> None:
    """Overwrites what erasure left in free space; run after the erasure has committed."""
    # The driver's own connection, outside any transaction: VACUUM refuses to run in one.
    raw = engine.raw_connection()
    try:
        driver: Any = raw.driver_connection
        if engine.dialect.name == "sqlite":
            # secure_delete (set on every connection) zeroes freed cells; VACUUM rebuilds
            # the file and the WAL checkpoint removes old page images from the log.
            driver.execute("PRAGMA secure_delete=ON")
            driver.execute("VACUUM")
            driver.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        else:
            driver.autocommit = True
            # FULL rewrites each table into new files, so dead row versions are gone.
            for table in _TOUCHED:
                driver.execute(f"VACUUM (FULL, ANALYZE) {table}")
            driver.autocommit = False
    finally:
        raw.close()
