from datetime import datetime

from sqlmodel import Field, SQLModel

from service.columns import json_field, utc_field


class User(SQLModel, table=True):
    """A login, linked to the person who uses it; deactivated, never deleted."""

    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(unique=True, max_length=100)
    person_id: int | None = Field(default=None, foreign_key="persons.id", index=True)
    roles: list[str] = json_field(list)
    password_hash: str | None = Field(default=None, max_length=255)
    must_change_password: bool = False
    active: bool = True
    deputy_user_id: int | None = Field(default=None, foreign_key="users.id")
    deputy_from: datetime | None = utc_field(nullable=True)
    deputy_until: datetime | None = utc_field(nullable=True)
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
