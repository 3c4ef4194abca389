from datetime import date, datetime

from sqlmodel import Field, SQLModel, UniqueConstraint

from service.columns import json_field, utc_field


class User(SQLModel, table=True):
    """A login, linked to the person who uses it; deactivated, never deleted.

    Deputies live in ``deputyships`` (several, each for a period). The table still holds the
    unused columns ``deputy_user_id``, ``deputy_from`` and ``deputy_until`` from 0001:
    dropping a foreign-key column on SQLite means rebuilding ``users``, which nearly every
    table references, so they stay (always NULL) and are left out of this model.
    """

    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("body_id", "username", name="uq_users_body_id_username"),)

    id: int | None = Field(default=None, primary_key=True)
    body_id: int = Field(foreign_key="bodies.id", index=True)
    username: str = Field(max_length=100)
    person_id: int | None = Field(default=None, foreign_key="persons.id", index=True)
    roles: list[str] = json_field(list)
    password_hash: str | None = Field(default=None, max_length=255)
    must_change_password: bool = False
    active: bool = True
    created_at: datetime = utc_field()


class ApiToken(SQLModel, table=True):
    """An opaque bearer token; only its SHA-256 is stored, so a database leak reveals none."""

    __tablename__ = "api_tokens"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    token_hash: str = Field(unique=True, max_length=64)
    created_at: datetime = utc_field()
    expires_at: datetime = utc_field()
    revoked_at: datetime | None = utc_field(nullable=True)


class Deputyship(SQLModel, table=True):
    """A user names a deputy (Stellvertretung) for whole days, Europe/Berlin, both inclusive.

    Withdrawn, never deleted: who stood in for whom, and when, stays on record.
    """

    __tablename__ = "deputyships"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    deputy_user_id: int = Field(foreign_key="users.id", index=True)
    starts_on: date
    ends_on: date
    created_at: datetime = utc_field()
    withdrawn_at: datetime | None = utc_field(nullable=True)


class LoginThrottle(SQLModel, table=True):
    """Recent failed logins of one account name or one client address.

    ``key`` is an HMAC-SHA-256 of scope and value under the deployment's secret
    (``RATSFLOW_AUDIT_SALT``): neither the names people mistype (sometimes a password typed
    into the wrong field) nor client addresses are kept readable, nor found by hashing a
    list of names.
    """

    __tablename__ = "login_throttles"

    key: str = Field(primary_key=True, max_length=64)
    scope: str = Field(max_length=10)
    failures: int
    last_failure_at: datetime = utc_field(index=True)
    locked_until: datetime | None = utc_field(nullable=True)
