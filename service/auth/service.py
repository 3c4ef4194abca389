"""Users (logins), their roles and their life: created, deactivated, reactivated, never
deleted, so that every history entry keeps naming who acted.

Every change writes its audit event in the same transaction. Passwords never enter an
event; a user event's readable values sit in the audit details as salted digests (the
audit chain treats every value of a ``user`` event as personal).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from service.access import require
from service.actor import SYSTEM, Actor
from service.audit.service import log_read
from service.auth import login, repository, tokens, trail
from service.auth.deputies import acts_for
from service.auth.errors import (
    AccountConflict,
    DuplicateUser,
    DutiesNotSeparated,
    OwnRoles,
    PasswordRejected,
    UnknownRole,
)
from service.auth.password_policy import check_policy
from service.config import get_settings
from service.errors import NotFound, ServiceError
from service.idempotency.service import Once
from service.records import insert_audited, update_audited
from service.runtime import Runtime
from workflow.spec import KNOWN_ROLES


def _known_roles(roles: list[str]) -> list[str]:
    for role in roles:
        # ``public`` is the anonymous reader, never a login's role.
        if role not in KNOWN_ROLES or role == "public":
            raise UnknownRole(role)
    return sorted(set(roles))


# Roles that control the administrators (the audit trail, the accounts): never on an
# account that also holds ``admin``, else one person administers and checks themselves.
CONTROLLING = ("datenschutz", "revision")


def duties_combined(roles: list[str]) -> bool:
    """Whether an account holds ``admin`` and a controlling role (one made before the rule)."""
    return "admin" in roles and any(r in roles for r in CONTROLLING)


def _separated(roles: list[str]) -> None:
    if duties_combined(roles):
        raise DutiesNotSeparated([r for r in CONTROLLING if r in roles])


def _body_id(runtime: Runtime, connection: Connection) -> int:
    # Inside a write: the body may have been created in this very transaction.
    return runtime.body_id_in(connection)


def require_manager(actor: Actor) -> None:
    """Only an administrator manages and reads the logins; the console's operator (SYSTEM)
    holds the database anyway."""
    if actor != SYSTEM:
        require(actor, "user.manage")


def create_user(
    runtime: Runtime,
    connection: Connection,
    actor: Actor,
    *,
    username: str,
    roles: list[str],
    person_id: int | None = None,
    password_hash: str | None = None,
    must_change_password: bool = False,
) -> int:
    require_manager(actor)
    clean_roles = _known_roles(roles)
    _separated(clean_roles)
    body_id = runtime.body_id_in(connection)
    if repository.user_id_named(connection, username, body_id) is not None:
        raise DuplicateUser(username)
    if person_id is not None and not repository.person_exists(connection, person_id, body_id):
        raise ServiceError(f"Die Person {person_id} gibt es nicht.", field="person_id")
    now = runtime.now()
    values: dict[str, Any] = {
        "body_id": body_id,
        "username": username,
        "roles": clean_roles,
        "person_id": person_id,
        "password_hash": password_hash,
        "active": True,
        "must_change_password": must_change_password,
        "created_at": now,
    }
    audited = {
        "username": username,
        "roles": clean_roles,
        "person_id": person_id,
        "must_change_password": must_change_password,
    }
    try:
        # A savepoint: a concurrent insert of the same name fails here, not the request.
        with connection.begin_nested():
            return insert_audited(
                connection,
                runtime.chain_key,
                repository.users,
                values,
                actor=actor,
                now=now,
                entity_type="user",
                persons=[person_id],
                subject_person_id=person_id,
                audited_values=audited,
            )
    except IntegrityError:
        raise DuplicateUser(username) from None


def actor_for(
    connection: Connection,
    username: str,
    now: datetime | None = None,
    *,
    body: str | None = None,
) -> Actor:
    """The actor of an active user of the body with slug ``body`` (a runtime's
    ``chain_key``; None: the deployment's own body); with ``now``, including whom they
    stand in for. Login names are unique only within a body."""
    row = repository.login_named(connection, username, body or get_settings().chain_key)
    if row is None or not row.active:
        raise NotFound("Benutzer", username)
    deputising = acts_for(connection, row.id, now) if now is not None else frozenset()
    return Actor(
        row.id,
        row.person_id,
        frozenset(row.roles),
        username,
        acts_for=deputising,
        body_id=row.body_id,
    )


def logins_of(connection: Connection, body_id: int, person_id: int) -> list[Actor]:
    """The person as each of their active logins would act: what a mail sent to them may
    link to is what one of these may open. A person without a login sees what the public
    sees."""
    return [
        Actor(row.id, person_id, frozenset(row.roles or ()), row.username, body_id=body_id)
        for row in repository.active_logins_of(connection, person_id, body_id)
    ]


def usernames(
    connection: Connection, user_ids: set[int | None], body_id: int
) -> dict[int | None, str]:
    """The body's users by login; an id of another body's login stays unnamed."""
    ids = [i for i in user_ids if i is not None]
    if not ids:
        return {}
    return repository.usernames(connection, ids, body_id)


def person_names(
    connection: Connection, user_ids: set[int | None], body_id: int
) -> dict[int | None, str]:
    """The body's users by the names of their persons, for what a person reads (the Verlauf,
    a vote's recorder): a name, not a login. A user without a person keeps the login name.

    An id of another body's login stays unnamed, as an unknown id does: a search of the
    audit trail records the login id it was asked for, and its events are shown named."""
    ids = [i for i in user_ids if i is not None]
    if not ids:
        return {}
    names: dict[int | None, str] = {}
    for row in repository.person_names_of_users(connection, ids, body_id):
        parts = [row.title, row.given_name, row.family_name]
        names[row.id] = " ".join(p for p in parts if p) or row.username
    return names


def all_users(connection: Connection, body_id: int) -> list[Any]:
    return repository.all_users(connection, body_id)


def get_user(connection: Connection, user_id: int, body_id: int) -> Any:
    """A login of the body; another body's login is as unknown as a wrong id (404)."""
    row = repository.user(connection, user_id, body_id)
    if row is None:
        raise NotFound("Benutzer", user_id)
    return row


def pseudonymise_logins_of(connection: Connection, person_id: int) -> list[int]:
    """The erasure of a person (Art. 17): their logins keep only an id, lose their password
    and tokens and are locked. The ids of those logins."""
    return repository.pseudonymise_logins_of(connection, person_id)


def log_users(runtime: Runtime, actor: Actor, person_ids: list[int | None]) -> None:
    """A read of several logins names the persons behind those shown (``user.read``)."""
    if person_ids:
        log_read(runtime, actor, "user", None, persons=person_ids)


def read_users(
    runtime: Runtime, actor: Actor, *, after_id: int | None, limit: int, active: bool | None
) -> tuple[list[Any], bool]:
    """A page of logins for an admin (by id), and whether more follow; a logged read
    (``user.read``) naming the persons behind the logins shown."""
    require_manager(actor)
    with runtime.read() as connection:
        rows = repository.page_users(
            connection, runtime.body_id, after_id=after_id, limit=limit + 1, active=active
        )
    log_users(runtime, actor, [r.person_id for r in rows[:limit]])
    return rows[:limit], len(rows) > limit


def read_user(runtime: Runtime, actor: Actor, user_id: int) -> Any:
    """One login as an admin sees it; a logged read (``user.read`` of that user)."""
    require_manager(actor)
    with runtime.read() as connection:
        row = get_user(connection, user_id, runtime.body_id)
    log_read(runtime, actor, "user", user_id)
    return row


def user_id_by_name(connection: Connection, username: str, body_id: int) -> int:
    found = repository.user_id_named(connection, username, body_id)
    if found is None:
        raise NotFound("Benutzer", f"„{username}“")
    return found


def _change(
    runtime: Runtime,
    connection: Connection,
    actor: Actor,
    user: Any,
    action: str,
    values: Mapping[str, Any],
    *,
    audited: Mapping[str, tuple[Any, Any]] | None = None,
) -> None:
    update_audited(
        connection,
        runtime.chain_key,
        repository.users,
        user.id,
        values,
        actor=actor,
        now=runtime.now(),
        entity_type="user",
        before=user,
        persons=[user.person_id],
        subject_person_id=user.person_id,
        action=action,
        audited=audited,
    )


def deactivate(runtime: Runtime, connection: Connection, actor: Actor, user_id: int) -> Any:
    """Ends the login at once: its tokens are revoked; history and name stay."""
    require_manager(actor)
    user = get_user(connection, user_id, _body_id(runtime, connection))
    if user_id == actor.user_id:
        raise AccountConflict("Sie können Ihr eigenes Konto nicht deaktivieren.")
    if user.active:
        _change(runtime, connection, actor, user, "user.deactivate", {"active": False})
        revoked = tokens.revoke_all(connection, user_id, runtime.now())
        trail.tokens_revoked(runtime, connection, actor, user_id, revoked, "deaktiviert")
    return get_user(connection, user_id, _body_id(runtime, connection))


def reactivate(runtime: Runtime, connection: Connection, actor: Actor, user_id: int) -> Any:
    """The login works again with its old password; tokens revoked before stay revoked."""
    require_manager(actor)
    user = get_user(connection, user_id, _body_id(runtime, connection))
    if not user.active:
        _change(runtime, connection, actor, user, "user.reactivate", {"active": True})
    return get_user(connection, user_id, _body_id(runtime, connection))


def set_roles(
    runtime: Runtime, connection: Connection, actor: Actor, user_id: int, roles: list[str]
) -> Any:
    """The user's roles, replaced; nobody's own (409), and never ``admin`` together with a
    controlling role (409, separation of duties).

    Accounts that already combine them (made before the rule) keep their roles until
    someone sets them: the check is on every change, and a change that leaves them combined,
    even one that only repeats them, is refused, so the way out is to drop one side.
    """
    require_manager(actor)
    clean = _known_roles(roles)
    user = get_user(connection, user_id, _body_id(runtime, connection))
    if user_id == actor.user_id:
        raise OwnRoles()
    _separated(clean)
    if sorted(user.roles) != clean:
        _change(runtime, connection, actor, user, "user.set_roles", {"roles": clean})
    return get_user(connection, user_id, _body_id(runtime, connection))


def set_temporary_password(
    runtime: Runtime, connection: Connection, actor: Actor, user_id: int, password: str
) -> None:
    """An admin's password for a user, who must replace it at the next login.

    Every token of the user is revoked: a reset usually means the old password is gone.
    """
    require_manager(actor)
    user = get_user(connection, user_id, _body_id(runtime, connection))
    check_policy(password, user.username)
    _change(
        runtime,
        connection,
        actor,
        user,
        "user.set_temporary_password",
        {"password_hash": tokens.hash_password(password), "must_change_password": True},
        audited={"must_change_password": (user.must_change_password, True)},
    )
    revoked = tokens.revoke_all(connection, user_id, runtime.now())
    trail.tokens_revoked(runtime, connection, actor, user_id, revoked, "vorlaeufiges_passwort")


def change_password(
    runtime: Runtime,
    session: tokens.Session,
    old_password: str,
    new_password: str,
    address: str,
    once: Once | None = None,
) -> None:
    """The user's own new password; other sessions of the user end, this one goes on.

    Throttled like the login, on the same counters (name and client ``address``): a wrong
    old password is a guess at the same secret, so it counts as a failed login, and while
    locked even the right one is refused (429). Verifying the old password runs outside any
    transaction (argon2 takes a quarter second; SQLite would hold its write lock for it).
    ``once``, a web form's token, makes a second copy of the form (a double click) lead to
    the first one's answer: its "old" password is the one the first copy replaced, and its
    claim waits for a first copy still at work.
    """
    user_id = session.actor.user_id
    assert user_id is not None
    with runtime.read() as connection:
        user = get_user(connection, user_id, _body_id(runtime, connection))
    keys = login.keys(runtime, user.username, address)
    login.wait_for(runtime, keys)
    with runtime.read() as connection:
        found = tokens.credentials(connection, user.username, runtime.body_id)
    if not tokens.verify(found, old_password):
        with runtime.write() as connection:
            if once is not None:
                once.check(connection)
            login.count_failure(runtime, connection, keys, user.username, user_id, "passwort")
        raise PasswordRejected("Das bisherige Passwort stimmt nicht.", field="old_password")
    check_policy(new_password, user.username, field="new_password")
    if new_password == old_password:
        raise PasswordRejected(
            "Das neue Passwort muss sich vom bisherigen unterscheiden.", field="new_password"
        )
    new_hash = tokens.hash_password(new_password)
    with runtime.write() as connection:
        if once is not None:
            once.claim(connection)
        user = get_user(connection, user_id, _body_id(runtime, connection))
        _change(
            runtime,
            connection,
            session.actor,
            user,
            trail.PASSWORD_CHANGED,
            {"password_hash": new_hash, "must_change_password": False},
            audited={"must_change_password": (user.must_change_password, False)},
        )
        login.forget_failures(connection, keys)
        now = runtime.now()
        revoked = tokens.revoke_all(connection, user_id, now, keep_digest=session.token_digest)
        trail.tokens_revoked(runtime, connection, session.actor, user_id, revoked, "passwort")
