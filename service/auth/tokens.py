"""Passwords (argon2id via pwdlib) and opaque bearer tokens stored as SHA-256.

Opaque tokens rather than JWTs: logout revokes at once, and nothing about the user travels
inside the token.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from functools import lru_cache

from pwdlib import PasswordHash
from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from service.actor import Actor
from service.auth.models import ApiToken, User

users = User.__table__  # type: ignore[attr-defined]
tokens = ApiToken.__table__  # type: ignore[attr-defined]
TOKEN_LIFETIME = timedelta(hours=8)


@lru_cache
def hasher() -> PasswordHash:
    return PasswordHash.recommended()


@lru_cache
def _dummy_hash() -> str:
    return hasher().hash("ratsflow-kein-benutzer")


def hash_password(password: str) -> str:
    return hasher().hash(password)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def authenticate(connection: Connection, username: str, password: str) -> int | None:
    """The user id, or None; an unknown user costs the same time as a wrong password."""
    row = connection.execute(
        select(users.c.id, users.c.password_hash, users.c.active).where(
            users.c.username == username
        )
    ).first()
    if row is None or row.password_hash is None:
        hasher().verify(password, _dummy_hash())
        return None
    if not hasher().verify(password, row.password_hash) or not row.active:
        return None
    return int(row.id)


def issue_token(connection: Connection, user_id: int, now: datetime) -> tuple[str, datetime]:
    token = secrets.token_urlsafe(32)
    expires = now + TOKEN_LIFETIME
    connection.execute(
        insert(tokens),
        {
            "user_id": user_id,
            "token_hash": token_digest(token),
            "created_at": now,
            "expires_at": expires,
        },
    )
    return token, expires


def actor_for_token(connection: Connection, token: str, now: datetime) -> Actor | None:
    row = connection.execute(
        select(users.c.id, users.c.person_id, users.c.roles, users.c.username)
        .join(tokens, tokens.c.user_id == users.c.id)
        .where(
            tokens.c.token_hash == token_digest(token),
            tokens.c.revoked_at.is_(None),
            tokens.c.expires_at > now,
            users.c.active.is_(True),
        )
    ).first()
    if row is None:
        return None
    return Actor(row.id, row.person_id, frozenset(row.roles), row.username)


def revoke(connection: Connection, token: str, now: datetime) -> None:
    connection.execute(
        update(tokens).where(tokens.c.token_hash == token_digest(token)).values(revoked_at=now)
    )


def set_password(connection: Connection, user_id: int, password: str) -> None:
    connection.execute(
        update(users).where(users.c.id == user_id).values(password_hash=hash_password(password))
    )
