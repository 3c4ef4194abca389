"""The password login: throttled, one answer for every kind of failure, a token on success.

Three short steps instead of one transaction: look up (read), verify the password (no
transaction: argon2 takes a quarter second, and SQLite would hold its one write lock for
it), then count the failure or issue the token (write), each with its event of the
sign-in trail (``trail``). A failure must be written even though the login then fails, so
it commits before the error is raised.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Connection

from service.audit.repository import lock_chain
from service.auth import throttle, tokens, trail
from service.auth.errors import LoginFailed, LoginThrottled
from service.runtime import Runtime


@dataclass(frozen=True)
class Issued:
    token: str
    expires_at: datetime
    password_change_required: bool


def keys(runtime: Runtime, username: str, address: str) -> tuple[throttle.Key, throttle.Key]:
    return throttle.keys_for(username, address, runtime.chain_key, runtime.settings.audit_salt)


def wait_for(runtime: Runtime, keys: tuple[throttle.Key, throttle.Key]) -> None:
    """Refuses (429) while a lock on the name or the address runs; checked before the
    password, else the lock-out would not slow guessing down at all."""
    with runtime.read() as connection:
        wait = throttle.retry_after(connection, keys, runtime.now())
    if wait is not None:
        raise LoginThrottled(wait)


def count_failure(
    runtime: Runtime,
    connection: Connection,
    keys: tuple[throttle.Key, throttle.Key],
    username: str,
    user_id: int | None,
    how: str,
) -> None:
    """A wrong password: counted on name and address, and traced (``auth.login_failed``,
    ``auth.locked`` when this failure set a lock); the name only as a digest."""
    lock_chain(connection, runtime.chain_key)  # before any row: see service.records
    locked = throttle.record_failure(connection, keys, runtime.now())
    trail.sign_in_failed(runtime, connection, username, user_id, locked, how)


def login(
    runtime: Runtime, username: str, password: str, address: str, *, how: str = "api"
) -> Issued:
    """``how`` says which door (``api``, ``web``) the trail names."""
    now = runtime.now()
    key_pair = keys(runtime, username, address)
    wait_for(runtime, key_pair)
    with runtime.read() as connection:
        found = tokens.credentials(connection, username, runtime.body_id)
    ok = tokens.verify(found, password)
    with runtime.write() as connection:
        if not ok or found is None:
            count_failure(
                runtime, connection, key_pair, username, found.user_id if found else None, how
            )
        else:
            lock_chain(connection, runtime.chain_key)
            forget_failures(connection, key_pair)
            token, expires = tokens.issue_token(connection, found.user_id, now)
            trail.signed_in(runtime, connection, found.user_id, how)
    if not ok or found is None:
        raise LoginFailed()
    return Issued(token, expires, found.must_change_password)


def forget_failures(connection: Connection, keys: tuple[throttle.Key, throttle.Key]) -> None:
    """The right password clears the name's count (never the address's: see ``throttle``)."""
    throttle.clear(connection, keys[0])


def sign_out(runtime: Runtime, connection: Connection, session: tokens.Session, how: str) -> None:
    """Revokes the session's token, traced as ``auth.logout``."""
    lock_chain(connection, runtime.chain_key)
    tokens.revoke_by_digest(connection, session.token_digest, runtime.now())
    trail.signed_out(runtime, connection, session.actor, how)
