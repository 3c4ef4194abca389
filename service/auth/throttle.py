"""Failed logins slow down further attempts, per account name and per client address.

A counter per key (account name as typed, or client address) with an exponential lock-out:
from the ``threshold``-th failure in a row on, further attempts are refused for ``base``,
doubling with each further failure up to ``cap``. A quiet spell of ``forget_after`` starts
the count afresh. The answer while locked is 429 with ``Retry-After`` (see ``login.py``),
never a delay: a sleeping worker would let an attacker tie up the server cheaply.

Names are counted whether or not the account exists, so that the lock-out itself tells
nobody which logins exist. A successful login clears its account's counter, not its
address's: one valid password must not reset an address that is guessing at others.

Keys are HMAC-SHA-256 under the deployment's secret (``RATSFLOW_AUDIT_SALT``), not plain
hashes: a typed name is often a real name or a password typed into the wrong field, and a
plain SHA-256 of it is undone by trying a list of names.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.engine import Connection

from service.auth.repository import throttle as throttle_repository


@dataclass(frozen=True)
class Rule:
    scope: str
    threshold: int
    base: timedelta
    cap: timedelta
    forget_after: timedelta

    def lock_for(self, failures: int) -> timedelta | None:
        if failures < self.threshold:
            return None
        # min() first on the exponent, so that a long attack never builds a huge number.
        steps = min(failures - self.threshold, 32)
        lock: timedelta = min(self.base * (1 << steps), self.cap)
        return lock


# An office behind one NAT address shares that address's counter, hence the higher threshold.
ACCOUNT = Rule("account", 5, timedelta(seconds=30), timedelta(minutes=15), timedelta(hours=1))
ADDRESS = Rule("address", 20, timedelta(seconds=30), timedelta(minutes=15), timedelta(hours=1))


@dataclass(frozen=True)
class Key:
    rule: Rule
    digest: str


def keys_for(username: str, address: str, body: str, secret: str) -> tuple[Key, Key]:
    """The account's key names the body (its slug): a login name is unique only within a
    body, and guessing at one city must not lock the same name at another. The address's
    key does not: one client guessing at several cities is one client guessing."""
    return account_key(username, body, secret), Key(ADDRESS, salted(secret, ADDRESS.scope, address))


def account_key(username: str, body: str, secret: str) -> Key:
    return Key(ACCOUNT, salted(secret, ACCOUNT.scope, f"{body}\x00{username.casefold()}"))


def account_locks(
    connection: Connection, usernames: Iterable[str], body: str, secret: str, now: datetime
) -> dict[str, datetime]:
    """When the lock-out of each of these login names ends, for those locked now: what an
    administrator tells a caller who cannot sign in. A lock on a client address is no
    account's (it holds for everyone behind that address) and is not shown."""
    # Names that differ in case only share a key, and so a lock.
    names: dict[str, list[str]] = {}
    for name in usernames:
        names.setdefault(account_key(name, body, secret).digest, []).append(name)
    if not names:
        return {}
    ends = throttle_repository.locks(connection, names, now)
    return {name: until for digest, until in ends.items() for name in names[digest]}


def salted(secret: str, scope: str, value: str) -> str:
    """The keyed digest of a value that must not be kept readable (64 hex characters)."""
    message = f"{scope}\x00{value}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def retry_after(connection: Connection, keys: Sequence[Key], now: datetime) -> int | None:
    """Whole seconds until every lock on these keys has run out, or None when none holds."""
    until: datetime | None = throttle_repository.locked_until(
        connection, [k.digest for k in keys], now
    )
    if until is None:
        return None
    return max(1, math.ceil((until - now).total_seconds()))


def record_failure(
    connection: Connection, keys: Sequence[Key], now: datetime
) -> dict[str, datetime]:
    """Counts a failure on every key; the scopes this failure locked, with the lock's end."""
    locked: dict[str, datetime] = {}
    for key in keys:
        failures = throttle_repository.count_failure(
            connection, key.digest, key.rule.scope, now, key.rule.forget_after
        )
        lock = key.rule.lock_for(failures)
        if lock is not None:
            throttle_repository.lock_key(connection, key.digest, now + lock)
            locked[key.rule.scope] = now + lock
    # Keep the table as small as the recent past: every mistyped name would stay otherwise.
    oldest = now - max(k.rule.forget_after for k in keys)
    throttle_repository.forget_failures_before(connection, oldest, now)
    return locked


def clear(connection: Connection, key: Key) -> None:
    throttle_repository.clear_key(connection, key.digest)
