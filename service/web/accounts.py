"""Signing in and changing one's password from the browser."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.engine import Connection

from service.actor import Actor
from service.auth.models import User

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
