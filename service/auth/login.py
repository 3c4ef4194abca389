"""The password login: throttled, one answer for every kind of failure, a token on success.

Three short steps instead of one transaction: look up (read), verify the password (no
transaction: argon2 takes a quarter second, and SQLite would hold its one write lock for
it), then count the failure or issue the token (write). A failure must be written even
though the login then fails, so it commits before the error is raised.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from service.auth import throttle, tokens
from service.auth.errors import LoginFailed, LoginThrottled
from service.runtime import Runtime


@dataclass(frozen=True)
class Issued:
    token: str
    expires_at: datetime
    password_change_required: bool


def login(runtime: Runtime, username: str, password: str, address: str) -> Issued:
    now = runtime.now()
    keys = throttle.keys_for(username, address, runtime.chain_key)
    with runtime.read() as connection:
        wait = throttle.retry_after(connection, keys, now)
        found = (
            None if wait is not None else tokens.credentials(connection, username, runtime.body_id)
        )
    if wait is not None:
        # Checked before the password: while locked, even the right password is refused,
        # else the lock-out would not slow guessing down at all.
        raise LoginThrottled(wait)
    ok = tokens.verify(found, password)
    with runtime.write() as connection:
        if not ok or found is None:
            throttle.record_failure(connection, keys, now)
        else:
            throttle.clear(connection, keys[0])
            token, expires = tokens.issue_token(connection, found.user_id, now)
    if not ok or found is None:
        raise LoginFailed()
    return Issued(token, expires, found.must_change_password)
