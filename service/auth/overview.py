"""The logins as an administrator reads them, worded once for every door.

The Verwaltung pages and ``ratsflow user`` used to word a login each on their own: the
command line printed role codes and "Person 15", the pages took names from a list of staff
only (a council member's login showed no name). Here each login comes with its person's
name, its roles (codes in the order of ``ROLE_LABELS``: the pages show the labels, the
command line each label with the code it takes), its state, a lock-out after failed logins
that runs now, and the deputyships it named that are not over yet. Reading it is logged like
every read of the logins (``user.read``, naming the persons behind the logins shown).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.engine import Connection

from service.actor import Actor
from service.audit.service import log_read
from service.auth import service as users
from service.auth import throttle
from service.auth.deputies import local_today
from service.auth.repository import accounts as repository
from service.errors import NotFound
from service.people import service as people
from service.runtime import Runtime
from workflow.roles import ROLE_LABELS, role_label

ERASED = "gelöschte Person"


@dataclass(frozen=True)
class Deputy:
    """A deputyship a login named, as a reader names it."""

    username: str
    name: str  # the deputy's person; the login where none is linked
    starts_on: date
    ends_on: date
    current: bool  # covers today (Europe/Berlin)


@dataclass(frozen=True)
class Account:
    id: int
    username: str
    person_id: int | None
    person: str | None  # the person's name; None where none is linked
    function: str | None  # the person's function, which tells namesakes apart
    roles: tuple[str, ...]  # codes, in the order of ROLE_LABELS
    active: bool
    must_change_password: bool
    created_at: datetime
    locked_until: datetime | None  # a lock-out after failed logins on this name, running now
    deputies: tuple[Deputy, ...]  # neither withdrawn nor over, earliest first

    @property
    def person_label(self) -> str | None:
        """The name with the function, for a list of logins."""
        return _labelled(self.person, self.function)

    @property
    def role_labels(self) -> list[str]:
        return [role_label(r) for r in self.roles]

    @property
    def roles_with_codes(self) -> list[str]:
        """ "AG-Leitung (ag_leitung)": for the command line, where roles are typed as codes."""
        return [f"{role_label(r)} ({r})" for r in self.roles]

    @property
    def state(self) -> str:
        if not self.active:
            return "deaktiviert"
        return "aktiv, vorläufiges Passwort" if self.must_change_password else "aktiv"

    @property
    def duties_combined(self) -> bool:
        return users.duties_combined(list(self.roles))

    @property
    def combined_labels(self) -> list[str]:
        """The roles that break the separation of duties (admin and the controlling ones)."""
        if not self.duties_combined:
            return []
        return [role_label(r) for r in self.roles if r == "admin" or r in users.CONTROLLING]


def read_accounts(runtime: Runtime, actor: Actor) -> list[Account]:
    """Every login of the body by name, for the Verwaltung page and ``ratsflow user list``;
    logged."""
    users.require_manager(actor)
    with runtime.read() as connection:
        found = _accounts(runtime, connection, runtime.body_id)
    users.log_users(runtime, actor, [a.person_id for a in found])
    return found


def read_account(runtime: Runtime, actor: Actor, user_id: int) -> Account:
    """One login of the body as an administrator reads it; logged (``user.read`` of it)."""
    users.require_manager(actor)
    with runtime.read() as connection:
        found = _accounts(runtime, connection, runtime.body_id, user_id)
    if not found:
        raise NotFound("Benutzer", user_id)
    log_read(runtime, actor, "user", user_id)
    return found[0]


def read_account_named(runtime: Runtime, actor: Actor, username: str) -> Account:
    """``read_account`` by login name (``ratsflow user show``)."""
    users.require_manager(actor)
    with runtime.read() as connection:
        user_id = users.user_id_by_name(connection, username, runtime.body_id)
    return read_account(runtime, actor, user_id)


def account(runtime: Runtime, connection: Connection, user_id: int) -> Account:
    """The login as the caller's own write just left it: the answer to that write, so not
    logged again."""
    found = _accounts(runtime, connection, runtime.body_id_in(connection), user_id)
    if not found:
        raise NotFound("Benutzer", user_id)
    return found[0]


def person_choices(connection: Connection, body_id: int) -> list[tuple[int, str]]:
    """The persons a new login can belong to: every person of the body, staff and council
    members alike (a council member's login reads the papers of her committees)."""
    return people.person_choices(connection, body_id)


def deputy_choices(connection: Connection, body_id: int, but: str) -> list[tuple[str, str]]:
    """The active logins who may stand in, but ``but``: each login (the form's value) and
    its person's name with the function (what the picker shows), by name."""
    choices = [
        (row.username, _labelled(_name(row), row.function) or row.username)
        for row in repository.logins(connection, body_id)
        if row.active and row.username != but
    ]
    return sorted(choices, key=lambda choice: choice[1])


def _accounts(
    runtime: Runtime, connection: Connection, body_id: int, user_id: int | None = None
) -> list[Account]:
    now = runtime.now()
    rows = repository.logins(connection, body_id, user_id)
    locks = throttle.account_locks(
        connection,
        [r.username for r in rows],
        runtime.chain_key,
        runtime.settings.audit_salt,
        now,
    )
    today = local_today(now)
    named: dict[int, list[Deputy]] = {}
    for d in repository.open_deputyships(connection, body_id, today, user_id):
        deputy = Deputy(
            d.deputy_username,
            _name(d) or d.deputy_username,
            d.starts_on,
            d.ends_on,
            d.starts_on <= today,
        )
        named.setdefault(d.user_id, []).append(deputy)
    order = list(ROLE_LABELS)
    return [
        Account(
            id=row.id,
            username=row.username,
            person_id=row.person_id,
            person=_name(row),
            function=None if row.erased_at is not None else row.function,
            roles=tuple(sorted(set(row.roles or ()), key=lambda r: _rank(order, r))),
            active=row.active,
            must_change_password=row.must_change_password,
            created_at=row.created_at,
            locked_until=locks.get(row.username),
            deputies=tuple(named.get(row.id, ())),
        )
        for row in rows
    ]


def _rank(order: list[str], role: str) -> tuple[int, str]:
    return (order.index(role) if role in order else len(order), role)


def _name(row: Any) -> str | None:
    """The name of the row's person (its name columns); None when the row has none."""
    if row.person_id is None:
        return None
    if row.erased_at is not None:
        return ERASED
    return " ".join(p for p in (row.title, row.given_name, row.family_name) if p)


def _labelled(name: str | None, function: str | None) -> str | None:
    return f"{name} ({function})" if name and function else name
