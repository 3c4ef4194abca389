"""Passwords (argon2id via pwdlib) and opaque bearer tokens stored as SHA-256.

Opaque tokens rather than JWTs: logout, deactivation and a new password revoke at once,
and nothing about the user travels inside the token.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from pwdlib import PasswordHash
from sqlalchemy.engine import Connection

from service.actor import Actor
from service.auth import repository
from service.auth.deputies import local_today
from service.request_context import note_actor

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


@dataclass(frozen=True)
class Credentials:
    user_id: int
    password_hash: str | None
    active: bool
    must_change_password: bool


def credentials(connection: Connection, username: str, body_id: int) -> Credentials | None:
    row = repository.credentials(connection, username, body_id)
    if row is None:
        return None
    return Credentials(row.id, row.password_hash, row.active, row.must_change_password)


def verify(found: Credentials | None, password: str) -> bool:
    """Exactly one argon2 verification whatever the case, so timing tells nothing apart:
    an unknown user, a user without password, a deactivated user and a wrong password."""
    stored = found.password_hash if found is not None and found.password_hash else None
    matches = hasher().verify(password, stored or _dummy_hash())
    return matches and stored is not None and found is not None and found.active


def issue_token(connection: Connection, user_id: int, now: datetime) -> tuple[str, datetime]:
    token = secrets.token_urlsafe(32)
    expires = now + TOKEN_LIFETIME
    repository.insert_token(connection, user_id, token_digest(token), now, expires)
    return token, expires


@dataclass(frozen=True)
class Session:
    """What a valid token stands for right now."""

    actor: Actor
    token_digest: str
    must_change_password: bool


def session_for_token(
    connection: Connection, token: str, now: datetime, body_id: int
) -> Session | None:
    """The session of a live token of a user of this body; another body's token is no
    token here (401), so an address never reaches another body's data."""
    digest = token_digest(token)
    found = repository.session_login(connection, digest, now, local_today(now))
    if found is None or found[0].body_id != body_id:
        return None
    row, stood_in_for = found
    actor = Actor(
        row.id,
        row.person_id,
        frozenset(row.roles),
        row.username,
        acts_for=stood_in_for,
        body_id=row.body_id,
    )
    note_actor(row.id)  # the request's log line names who sent it (by id)
    return Session(actor, digest, bool(row.must_change_password))


def revoke_by_digest(connection: Connection, digest: str, now: datetime) -> None:
    repository.revoke_token(connection, digest, now)


def revoke_all(
    connection: Connection, user_id: int, now: datetime, *, keep_digest: str | None = None
) -> int:
    """Revokes every live token of a user (but the one the caller is using, if named);
    how many were revoked (``trail.tokens_revoked`` records them)."""
    return repository.revoke_tokens_of(connection, user_id, now, keep_digest=keep_digest)
