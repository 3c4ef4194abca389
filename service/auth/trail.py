"""The sign-in trail: every login, failed login, lock-out, logout, password change and
revocation of tokens is an audit event ``auth.*`` in the body's chain.

``auth.*`` events are of the retention kind ``anmeldung`` (``service.audit.retention``),
kept shorter than changes. Each is written in the transaction of what it records.

A name typed at a failed sign-in enters the trail only as a keyed digest
(``name_digest``): it may be a colleague's name or a password typed into the wrong field.
With the deployment's secret an investigator can test whether a given name was typed; the
trail alone tells nobody what was. Client addresses are not recorded.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection

from service.actor import SYSTEM, Actor
from service.audit.service import record
from service.auth import repository, throttle
from service.runtime import Runtime

LOGIN = "auth.login"
LOGIN_FAILED = "auth.login_failed"
LOGOUT = "auth.logout"
LOCKED = "auth.locked"
PASSWORD_CHANGED = "auth.password_changed"
TOKEN_REVOKED = "auth.token_revoked"


def name_digest(runtime: Runtime, username: str) -> str:
    """The typed name as the trail keeps it: HMAC-SHA-256 under ``RATSFLOW_AUDIT_SALT``."""
    value = f"{runtime.chain_key}\x00{username.casefold()}"
    return "hmac-sha256:" + throttle.salted(runtime.settings.audit_salt, "anmeldename", value)


def _record(
    runtime: Runtime,
    connection: Connection,
    action: str,
    *,
    actor: Actor,
    user_id: int | None,
    context: Mapping[str, Any] | None = None,
) -> None:
    person_id = repository.person_of(connection, user_id) if user_id is not None else None
    record(
        connection,
        runtime.chain_key,
        actor=actor,
        now=runtime.now(),
        action=action,
        entity_type="user",
        entity_id=user_id,
        context=context,
        persons=[person_id],
        subject_person_id=person_id,
    )


def signed_in(runtime: Runtime, connection: Connection, user_id: int, how: str) -> None:
    row = repository.user(connection, user_id, runtime.body_id)
    actor = Actor(user_id, row.person_id, frozenset(row.roles), row.username)
    _record(runtime, connection, LOGIN, actor=actor, user_id=user_id, context={"kind": how})


def sign_in_failed(
    runtime: Runtime,
    connection: Connection,
    username: str,
    user_id: int | None,
    locked: Mapping[str, datetime],
    how: str,
) -> None:
    """A failed login (or wrong old password) and the lock-outs it set. ``user_id``: the
    account the name belongs to, if any; whether there is one changes nothing the caller
    is told, only what the Datenschutz finds in the trail."""
    context = {"kind": how, "name": name_digest(runtime, username)}
    _record(runtime, connection, LOGIN_FAILED, actor=SYSTEM, user_id=user_id, context=context)
    for scope, until in sorted(locked.items()):
        _record(
            runtime,
            connection,
            LOCKED,
            actor=SYSTEM,
            user_id=user_id if scope == throttle.ACCOUNT.scope else None,
            context={**context, "scope": scope, "locked_until": until.isoformat()},
        )


def signed_out(runtime: Runtime, connection: Connection, actor: Actor, how: str) -> None:
    _record(runtime, connection, LOGOUT, actor=actor, user_id=actor.user_id, context={"kind": how})


def tokens_revoked(
    runtime: Runtime, connection: Connection, actor: Actor, user_id: int, count: int, why: str
) -> None:
    if count:
        context = {"count": count, "reason": why}
        _record(runtime, connection, TOKEN_REVOKED, actor=actor, user_id=user_id, context=context)
