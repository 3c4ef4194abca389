"""The logins' tables: users, deputyships and bearer tokens (the throttle's: ``throttle``).

Statement-level SQL only; who may do what, and the audit of every change, stay in the
services (``service.auth.service``, ``deputies``, ``tokens``, ``throttle``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, bindparam, delete, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from service.auth.models import ApiToken, Deputyship, User
from service.bodies.models import Body
from service.people.models import Person

users = User.__table__  # type: ignore[attr-defined]
persons = Person.__table__  # type: ignore[attr-defined]
deputyships = Deputyship.__table__  # type: ignore[attr-defined]
tokens = ApiToken.__table__  # type: ignore[attr-defined]
bodies = Body.__table__  # type: ignore[attr-defined]

# What a login looks like to anyone but itself: never its password hash.
PUBLIC_COLUMNS = (
    users.c.id,
    users.c.username,
    users.c.person_id,
    users.c.roles,
    users.c.active,
    users.c.must_change_password,
    users.c.created_at,
)


# Users ------------------------------------------------------------------------------------


def user_id_named(connection: Connection, username: str, body_id: int) -> int | None:
    found = connection.execute(
        select(users.c.id).where(users.c.username == username, users.c.body_id == body_id)
    ).scalar()
    return None if found is None else int(found)


def person_exists(connection: Connection, person_id: int, body_id: int) -> bool:
    found = select(persons.c.id).where(persons.c.id == person_id, persons.c.body_id == body_id)
    return connection.execute(found).first() is not None


def login_named(connection: Connection, username: str, body_slug: str) -> Any:
    """Id, person, roles and whether active, of the login with this name in the body with
    this slug (or None)."""
    return connection.execute(
        select(users.c.id, users.c.body_id, users.c.person_id, users.c.roles, users.c.active)
        .join(bodies, bodies.c.id == users.c.body_id)
        .where(users.c.username == username, bodies.c.slug == body_slug)
    ).first()


def active_logins_of(connection: Connection, person_id: int, body_id: int) -> list[Any]:
    """Id, name and roles of the person's active logins in the body (mostly one, or none)."""
    return list(
        connection.execute(
            select(users.c.id, users.c.username, users.c.roles)
            .where(
                users.c.person_id == person_id,
                users.c.body_id == body_id,
                users.c.active.is_(True),
            )
            .order_by(users.c.id)
        )
    )


def user(connection: Connection, user_id: int, body_id: int) -> Any:
    """One login's public columns, or None (also for a login of another body)."""
    return connection.execute(
        select(*PUBLIC_COLUMNS).where(users.c.id == user_id, users.c.body_id == body_id)
    ).first()


def person_of(connection: Connection, user_id: int) -> int | None:
    found = connection.execute(select(users.c.person_id).where(users.c.id == user_id)).scalar()
    return None if found is None else int(found)


def usernames(connection: Connection, user_ids: list[int], body_id: int) -> dict[int | None, str]:
    rows = connection.execute(
        select(users.c.id, users.c.username).where(
            users.c.id.in_(user_ids), users.c.body_id == body_id
        )
    )
    return {row.id: row.username for row in rows}


def person_names_of_users(connection: Connection, user_ids: list[int], body_id: int) -> list[Any]:
    """Each of the body's users by id with the name columns of their person (None when none
    is linked); another body's user is not among them."""
    return list(
        connection.execute(
            select(
                users.c.id,
                users.c.username,
                persons.c.title,
                persons.c.given_name,
                persons.c.family_name,
            )
            .outerjoin(persons, persons.c.id == users.c.person_id)
            .where(users.c.id.in_(user_ids), users.c.body_id == body_id)
        )
    )


def page_users(
    connection: Connection,
    body_id: int,
    *,
    after_id: int | None,
    limit: int,
    active: bool | None = None,
) -> list[Any]:
    query = (
        select(*PUBLIC_COLUMNS).where(users.c.body_id == body_id).order_by(users.c.id).limit(limit)
    )
    if after_id is not None:
        query = query.where(users.c.id > after_id)
    if active is not None:
        query = query.where(users.c.active.is_(active))
    return list(connection.execute(query))


def all_users(connection: Connection, body_id: int) -> list[Any]:
    return list(
        connection.execute(
            select(*PUBLIC_COLUMNS).where(users.c.body_id == body_id).order_by(users.c.username)
        )
    )


def credentials(connection: Connection, username: str, body_id: int) -> Any:
    """Id, password hash, active and must-change flag of the body's login with this name,
    or None."""
    return connection.execute(
        select(
            users.c.id, users.c.password_hash, users.c.active, users.c.must_change_password
        ).where(users.c.username == username, users.c.body_id == body_id)
    ).first()


def pseudonymise_logins_of(connection: Connection, person_id: int) -> list[int]:
    """Renames, locks and strips the password of every login of the person, and deletes
    their tokens (erasure, Art. 17); the ids of those logins."""
    user_ids = list(
        connection.execute(select(users.c.id).where(users.c.person_id == person_id)).scalars()
    )
    for user_id in user_ids:
        connection.execute(
            update(users)
            .where(users.c.id == user_id)
            .values(username=f"geloescht-{user_id}", password_hash=None, active=False)
        )
    if user_ids:
        connection.execute(delete(tokens).where(tokens.c.user_id.in_(user_ids)))
    return user_ids


# Deputyships ------------------------------------------------------------------------------


def _current(today: date) -> ColumnElement[bool]:
    return and_(
        deputyships.c.withdrawn_at.is_(None),
        deputyships.c.starts_on <= today,
        deputyships.c.ends_on >= today,
    )


def persons_stood_in_for(connection: Connection, user_id: int, today: date) -> frozenset[int]:
    """Persons of active users who named this user their deputy for a period covering today."""
    absent = users.alias("absent")
    rows = connection.execute(
        select(absent.c.person_id)
        .select_from(deputyships.join(absent, absent.c.id == deputyships.c.user_id))
        .where(
            deputyships.c.deputy_user_id == user_id,
            _current(today),
            absent.c.active.is_(True),
            absent.c.person_id.is_not(None),
        )
    )
    return frozenset(int(row.person_id) for row in rows)


def deputy_persons(connection: Connection, person_id: int, today: date) -> list[int]:
    """Persons of the active deputies standing in today for any active login of this person,
    earliest deputyship first (repeats possible); deputies without a person are left out."""
    absent = users.alias("absent")
    deputy = users.alias("deputy")
    rows = connection.execute(
        select(deputy.c.person_id)
        .select_from(
            deputyships.join(absent, absent.c.id == deputyships.c.user_id).join(
                deputy, deputy.c.id == deputyships.c.deputy_user_id
            )
        )
        .where(
            absent.c.person_id == person_id,
            absent.c.active.is_(True),
            deputy.c.active.is_(True),
            deputy.c.person_id.is_not(None),
            deputy.c.person_id != person_id,
            _current(today),
        )
        .order_by(deputyships.c.starts_on, deputyships.c.id)
    )
    return [int(row.person_id) for row in rows]


def absent_user(connection: Connection, user_id: int, body_id: int) -> Any:
    """Id, person and whether active, of the body's login that names a deputy (or None)."""
    return connection.execute(
        select(users.c.id, users.c.person_id, users.c.active).where(
            users.c.id == user_id, users.c.body_id == body_id
        )
    ).first()


def deputy_named(connection: Connection, username: str, body_id: int) -> Any:
    """Id and whether active, of the body's login named as deputy (or None)."""
    return connection.execute(
        select(users.c.id, users.c.active).where(
            users.c.username == username, users.c.body_id == body_id
        )
    ).first()


def _full_name() -> ColumnElement[str]:
    """The joined person's given and family name, for what a person reads."""
    full: ColumnElement[str] = persons.c.given_name + " " + persons.c.family_name
    return full


def deputyships_of(connection: Connection, user_id: int) -> list[Any]:
    """Every deputyship this user named and has not withdrawn, earliest first."""
    deputy = users.alias("deputy")
    return list(
        connection.execute(
            select(
                deputyships.c.id,
                deputyships.c.deputy_user_id,
                deputy.c.username.label("deputy_username"),
                _full_name().label("deputy_name"),
                deputyships.c.starts_on,
                deputyships.c.ends_on,
            )
            .select_from(
                deputyships.join(deputy, deputy.c.id == deputyships.c.deputy_user_id).outerjoin(
                    persons, persons.c.id == deputy.c.person_id
                )
            )
            .where(deputyships.c.user_id == user_id, deputyships.c.withdrawn_at.is_(None))
            .order_by(deputyships.c.starts_on, deputyships.c.id)
        )
    )


def still_named_by(user_id: int) -> ColumnElement[bool]:
    """The condition under which a deputyship may be withdrawn: named by this user and not
    withdrawn yet (for ``service.records.update_audited``)."""
    return and_(deputyships.c.user_id == user_id, deputyships.c.withdrawn_at.is_(None))


# Tokens -----------------------------------------------------------------------------------


def insert_token(
    connection: Connection, user_id: int, digest: str, now: datetime, expires: datetime
) -> None:
    connection.execute(
        insert(tokens),
        {"user_id": user_id, "token_hash": digest, "created_at": now, "expires_at": expires},
    )


# A live token's login and, in the same statement, the persons it stands in for today: one
# row per current deputyship (or one with ``stood_in_for`` None). Built once, so a request
# pays neither the building nor the compiling of it.
_absent = users.alias("absent")
_SESSION_LOGIN = (
    select(
        users.c.id,
        users.c.body_id,
        users.c.person_id,
        users.c.roles,
        users.c.username,
        users.c.must_change_password,
        _absent.c.person_id.label("stood_in_for"),
    )
    .join(tokens, tokens.c.user_id == users.c.id)
    .outerjoin(
        deputyships,
        and_(
            deputyships.c.deputy_user_id == users.c.id,
            deputyships.c.withdrawn_at.is_(None),
            deputyships.c.starts_on <= bindparam("today"),
            deputyships.c.ends_on >= bindparam("today"),
        ),
    )
    .outerjoin(
        _absent,
        and_(
            _absent.c.id == deputyships.c.user_id,
            _absent.c.active.is_(True),
            _absent.c.person_id.is_not(None),
        ),
    )
    .where(
        tokens.c.token_hash == bindparam("digest"),
        tokens.c.revoked_at.is_(None),
        tokens.c.expires_at > bindparam("now", type_=tokens.c.expires_at.type),
        users.c.active.is_(True),
    )
)


def session_login(
    connection: Connection, digest: str, now: datetime, today: date
) -> tuple[Any, frozenset[int]] | None:
    """The active login a live token belongs to (id, body, person, roles, name, must-change
    flag) and the persons of active users who named it their deputy for ``today``."""
    rows = connection.execute(_SESSION_LOGIN, {"digest": digest, "now": now, "today": today})
    found = rows.all()
    if not found:
        return None
    return found[0], frozenset(int(r.stood_in_for) for r in found if r.stood_in_for is not None)


def revoke_token(connection: Connection, digest: str, now: datetime) -> None:
    connection.execute(update(tokens).where(tokens.c.token_hash == digest).values(revoked_at=now))


def revoke_tokens_of(
    connection: Connection, user_id: int, now: datetime, *, keep_digest: str | None = None
) -> int:
    """Revokes the user's live tokens; how many there were."""
    condition = (tokens.c.user_id == user_id) & tokens.c.revoked_at.is_(None)
    if keep_digest is not None:
        condition &= tokens.c.token_hash != keep_digest
    return connection.execute(update(tokens).where(condition).values(revoked_at=now)).rowcount
