"""Users (logins) and their roles; a user links to the person who uses it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from service.actor import Actor
from service.auth.models import User
from service.errors import NotFound
from service.records import insert_audited
from service.runtime import Runtime
from workflow.spec import KNOWN_ROLES

users = User.__table__  # type: ignore[attr-defined]


class UnknownRole(ValueError):
    def __init__(self, role: str) -> None:
        super().__init__(
            f"Unbekannte Rolle „{role}“. Bekannt sind: {', '.join(sorted(KNOWN_ROLES))}."
        )


def create_user(
    runtime: Runtime,
    connection: Connection,
    actor: Actor,
    *,
    username: str,
    roles: list[str],
    person_id: int | None = None,
    password_hash: str | None = None,
) -> int:
    for role in roles:
        if role not in KNOWN_ROLES:
            raise UnknownRole(role)
    now = runtime.now()
    values: dict[str, Any] = {
        "username": username,
        "roles": sorted(set(roles)),
        "person_id": person_id,
        "password_hash": password_hash,
        "active": True,
        "must_change_password": False,
        "created_at": now,
    }
    audited = {"username": username, "roles": values["roles"], "person_id": person_id}
    return insert_audited(
        connection,
        runtime.chain_key,
        users,
        values,
        actor=actor,
        now=now,
        entity_type="user",
        persons=[person_id],
        subject_person_id=person_id,
        audited_values=audited,
    )


def actor_for(connection: Connection, username: str) -> Actor:
    row = connection.execute(
        select(users.c.id, users.c.person_id, users.c.roles, users.c.active).where(
            users.c.username == username
        )
    ).first()
    if row is None or not row.active:
        raise NotFound("Benutzer", username)
    return Actor(row.id, row.person_id, frozenset(row.roles), username)


def usernames(connection: Connection, user_ids: set[int | None]) -> dict[int | None, str]:
    ids = [i for i in user_ids if i is not None]
    if not ids:
        return {}
    rows = connection.execute(select(users.c.id, users.c.username).where(users.c.id.in_(ids)))
    return {row.id: row.username for row in rows}
