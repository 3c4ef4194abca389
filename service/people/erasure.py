"""Erasure of a person (DSGVO Art. 17): identifying data goes, the chain stays verifiable.

The person's record is emptied, their logins pseudonymised and locked, and every readable
value beside the audit chain that belongs to them (with its salt) cleared: the chain holds
only ids and salted digests, so it still verifies, and without the salt a digest can no
longer be linked to the erased value. Then the storage is cleaned, because a deleted value
otherwise lingers in free pages (SQLite) or dead tuples (PostgreSQL) of the database file.

Wherever else the name or address was written, it goes too:
- Outbox: a message to the person that was not sent (waiting, being sent, or a dead letter)
  is deleted: nobody should send it any more, and a resend by hand could reach nobody. Of
  a sent one only the row stays, to count what went out; its address, subject, texts and
  calendar entry become "[gelöscht]". In messages to others (a deputy's reminder names whom
  they stand in for) the name and address are replaced by "[gelöscht]".
- Idempotency answers: those kept for the person's logins are deleted, and so is any answer
  of the body naming the person (e.g. to the request that created them); a retry of such a
  request after the erasure is checked anew instead of answered from memory.
- Logins are pseudonymised and their tokens, which are the web sessions too, deleted
  (service.auth), and so are their last visits of pages (service.visits); deputyships name
  logins by id only and stay on record.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from markupsafe import escape
from sqlalchemy import Engine
from sqlalchemy.engine import Connection

from service import db_upkeep
from service.actor import SYSTEM, Actor
from service.audit.repository import lock_chain
from service.audit.service import erase_values_of, record
from service.auth.service import pseudonymise_logins_of
from service.bodies.service import current_body_id
from service.errors import NotFound
from service.idempotency import repository as idempotency
from service.ops import erasure_register
from service.outbox import repository as outbox
from service.people import repository
from service.visits import repository as visits

# Tables whose old row versions may still hold erased values (PostgreSQL VACUUM FULL).
_TOUCHED = (
    "persons",
    "users",
    "api_tokens",
    "audit_details",
    "outbox",
    "idempotency_keys",
    "page_visits",
)
ERASED = "[gelöscht]"


@dataclass(frozen=True)
class Erasure:
    person_id: int
    users: int
    details: int
    messages: int = 0
    answers: int = 0


def _longest_first(texts: list[str | None]) -> list[str]:
    # Longest first: "Dr. Erika Mustermann" goes whole before "Erika Mustermann" is looked for.
    return sorted({t for t in texts if t}, key=lambda t: (-len(t), t))


def _written(row: Any) -> list[str]:
    """The person's name and address as the mails wrote them (plain and in HTML)."""
    full = " ".join(p for p in (row.title, row.given_name, row.family_name) if p)
    short = " ".join(p for p in (row.given_name, row.family_name) if p)
    plain = [full, short, row.email]
    return _longest_first(plain + [str(escape(t)) for t in plain if t])


def _in_answers(row: Any) -> list[str]:
    """What marks an answer (JSON) naming the person: the family name or the address, as
    written with and without escapes."""
    plain = [row.family_name, row.email]
    quoted = [json.dumps(t, ensure_ascii=a)[1:-1] for t in plain if t for a in (True, False)]
    return _longest_first(plain + quoted)


def erase_person(
    connection: Connection,
    chain_key: str,
    person_id: int,
    now: datetime,
    actor: Actor = SYSTEM,
    *,
    register: Path | None = None,
) -> Erasure:
    """On the owner connection (detail rows refuse every other change); only a person of
    the body whose chain ``chain_key`` names: another body's is as missing as a wrong id.

    ``register``: the erasure register (``service.ops.erasure_register``), written before
    the caller commits, so that a restore of an older backup erases the person again."""
    # The chain lock before the first change: see service.records.
    lock_chain(connection, chain_key)
    body_id = current_body_id(connection, chain_key)
    before = repository.person(connection, body_id, person_id)
    if before is None or not repository.erase(connection, body_id, person_id, now):
        raise NotFound("Person", person_id)
    answers = idempotency.delete_of_person(connection, body_id, person_id, _in_answers(before))
    login_ids = pseudonymise_logins_of(connection, person_id)
    visits.forget_logins(connection, login_ids)
    logins = len(login_ids)
    messages = outbox.erase_recipient(connection, body_id, person_id, ERASED)
    messages += outbox.replace_everywhere(connection, body_id, _written(before), ERASED)
    cleared = erase_values_of(connection, person_id, now)
    sealed = record(
        connection,
        chain_key,
        actor=actor,
        now=now,
        action="person.erase",
        entity_type="person",
        entity_id=person_id,
        persons=[person_id],
        context={"users": logins, "details": cleared, "messages": messages, "answers": answers},
    )
    if register is not None:
        erasure_register.append(register, chain_key, person_id, now, sealed.seq)
    return Erasure(person_id, logins, cleared, messages, answers)


def erase_again(connection: Connection, chain_key: str, person_id: int, now: datetime) -> bool:
    """After a restore: erases a person the register names whom the restored database
    still holds unerased; False when already erased or not there at all."""
    body_id = current_body_id(connection, chain_key)
    row = repository.person(connection, body_id, person_id)
    if row is None or row.erased_at is not None:
        return False
    erase_person(connection, chain_key, person_id, now)
    return True


def clean_storage(engine: Engine) -> None:
    """Overwrites what erasure left in free space; run after the erasure has committed."""
    db_upkeep.reclaim_free_space(engine, _TOUCHED)
