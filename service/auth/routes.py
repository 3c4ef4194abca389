"""``/api/v1/auth``: OAuth2 password flow issuing opaque bearer tokens, and logout."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException
from fastapi.security import OAuth2PasswordBearer
from pydantic import BaseModel, Field

from service.api.deps import CurrentActor, RuntimeDep, WriteDep
from service.api.problems import responses
from service.auth import tokens

router = APIRouter(prefix="/api/v1/auth", tags=["Anmeldung"])
_bearer = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token")


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = Field(default="bearer", examples=["bearer"])
    expires_in: int = Field(description="Gültigkeit in Sekunden.", examples=[28800])


@router.post(
    "/token",
    summary="Anmelden (OAuth2 Passwort-Verfahren)",
    response_model=TokenResponse,
    responses=responses(401, 422),
)
def login(
    runtime: RuntimeDep,
    connection: WriteDep,
    username: Annotated[str, Form(max_length=100)],
    password: Annotated[str, Form(max_length=1000)],
    grant_type: Annotated[str, Form(pattern="^password$")] = "password",
) -> TokenResponse:
    user_id = tokens.authenticate(connection, username, password)
    if user_id is None:
        # One answer for a wrong user and a wrong password: nobody learns which logins exist.
        raise HTTPException(
            401, "Benutzername oder Passwort ist falsch.", {"WWW-Authenticate": "Bearer"}
        )
    now = runtime.now()
    token, expires = tokens.issue_token(connection, user_id, now)
    return TokenResponse(access_token=token, expires_in=int((expires - now).total_seconds()))


@router.post(
    "/logout", summary="Abmelden (Token widerrufen)", status_code=204, responses=responses(401)
)
def logout(
    runtime: RuntimeDep,
    connection: WriteDep,
    _actor: CurrentActor,
    token: Annotated[str, Depends(_bearer)],
) -> None:
    tokens.revoke(connection, token, runtime.now())
