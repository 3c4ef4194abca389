"""What the API says about logins, users and deputies; a password hash never leaves."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import ConfigDict, Field

from service.api.answers import Answer
from service.api.payloads import Payload
from service.auth.password_policy import MAX_LENGTH, MIN_LENGTH
from workflow.spec import KNOWN_ROLES

USERNAME = r"^[A-Za-z0-9][A-Za-z0-9._@-]*$"
# The rules ``password_policy.check_policy`` applies to every new password; the length is
# stated in the schema, the rest (guessability) only the server can judge.
NEW_PASSWORD = (
    f"Mindestens {MIN_LENGTH}, höchstens {MAX_LENGTH} Zeichen; nicht der Benutzername, nicht "
    "ein Zeichen wiederholt und nicht leicht zu erraten (häufige Passwörter, einzelne Wörter, "
    "Tastaturmuster, Folgen, Daten): dann 422 mit einem Hinweis."
)
# A role a login can hold (``public`` is everyone's without one); the service refuses others.
Role = Annotated[str, Field(json_schema_extra={"enum": sorted(KNOWN_ROLES - {"public"})})]
Roles = Annotated[list[Role], Field(min_length=1, max_length=20, examples=[["ag_mitglied"]])]


class TokenResponse(Answer):
    access_token: str
    token_type: str = Field(default="bearer", examples=["bearer"])
    expires_in: int = Field(description="Gültigkeit in Sekunden.", examples=[28800])
    password_change_required: bool = Field(
        default=False,
        description="Vorläufiges Passwort: bis `POST /api/v1/auth/password` gelingt, "
        "antwortet jeder andere Aufruf mit 403 `password_change_required`.",
    )


class PasswordChange(Payload):
    model_config = ConfigDict(extra="forbid")

    old_password: str = Field(max_length=MAX_LENGTH)
    new_password: str = Field(
        min_length=MIN_LENGTH, max_length=MAX_LENGTH, description=NEW_PASSWORD
    )


class UserOut(Answer):
    id: int
    username: str = Field(examples=["ag.leitung"])
    person_id: int | None
    roles: list[str] = Field(examples=[["ag_leitung"]])
    active: bool
    password_change_required: bool
    created_at: datetime


class UserPage(Answer):
    items: list[UserOut]
    next_cursor: str | None = Field(description="Für die nächste Seite; `null` am Ende.")


class UserCreate(Payload):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=2, max_length=100, pattern=USERNAME, examples=["k.meier"])
    roles: Roles
    person_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    temporary_password: str | None = Field(
        default=None,
        min_length=MIN_LENGTH,
        max_length=MAX_LENGTH,
        description="Vorläufiges Passwort; ohne Angabe kann sich der Benutzer erst "
        "anmelden, wenn ein Administrator eines setzt. " + NEW_PASSWORD,
    )


class RolesUpdate(Payload):
    model_config = ConfigDict(extra="forbid")

    roles: Roles


class TemporaryPassword(Payload):
    model_config = ConfigDict(extra="forbid")

    password: str = Field(min_length=MIN_LENGTH, max_length=MAX_LENGTH, description=NEW_PASSWORD)


class DeputyshipCreate(Payload):
    model_config = ConfigDict(extra="forbid")

    deputy_username: str = Field(min_length=1, max_length=100, examples=["k.meier"])
    starts_on: date = Field(description="Erster Tag der Vertretung (Europe/Berlin).")
    ends_on: date = Field(description="Letzter Tag der Vertretung, einschließlich.")


class DeputyshipOut(Answer):
    id: int
    deputy_user_id: int
    deputy_username: str
    starts_on: date
    ends_on: date
    current: bool = Field(description="Gilt heute (Europe/Berlin).")


class Me(UserOut):
    acts_for: list[int] = Field(
        description="Personen, die Sie heute vertreten (deren Stellvertretung Sie sind)."
    )
    deputies: list[DeputyshipOut]
