"""Signing in and changing one's password from the browser."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from service.actor import Actor
from service.audit.service import record
from service.auth import tokens
from service.auth.models import User
from service.runtime import Runtime
from service.web import sessions

users = User.__table__  # type: ignore[attr-defined]
MIN_PASSWORD_LENGTH = 10


def must_change_password(connection: Connection, user_id: int) -> bool:
    return bool(
        connection.execute(
            select(users.c.must_change_password).where(users.c.id == user_id)
        ).scalar()
    )


def password_problems(actor: Actor, current: str, new: str, repeated: str) -> list[str]:
    problems = []
    if len(new) < MIN_PASSWORD_LENGTH:
        problems.append(f"Das neue Passwort muss mindestens {MIN_PASSWORD_LENGTH} Zeichen haben.")
    if new != repeated:
        problems.append("Die Wiederholung stimmt nicht mit dem neuen Passwort überein.")
    if new and new == current:
        problems.append("Das neue Passwort muss sich vom bisherigen unterscheiden.")
    if new and new.lower() == actor.name.lower():
        problems.append("Das Passwort darf nicht der Benutzername sein.")
    return problems


def change_password(
    runtime: Runtime,
    connection: Connection,
    actor: Actor,
    *,
    current: str,
    new: str,
    keep_session: str | None,
) -> bool:
    """False when the current password is wrong; otherwise sets it, ends other sessions and
    records the change (never the password) in the audit trail, all in one transaction."""
    assert actor.user_id is not None
    if tokens.authenticate(connection, actor.name, current) != actor.user_id:
        return False
    now = runtime.now()
    tokens.set_password(connection, actor.user_id, new)
    connection.execute(
        update(users).where(users.c.id == actor.user_id).values(must_change_password=False)
    )
    sessions.revoke_other_sessions(connection, actor.user_id, keep_session, now)
    record(
        connection,
        runtime.chain_key,
        actor=actor,
        now=now,
        action="user.password_change",
        entity_type="user",
        entity_id=actor.user_id,
        persons=[actor.person_id],
    )
    return True
