"""``/api/v1/auth``: OAuth2 password flow issuing opaque bearer tokens, logout, and the
user's own password change (the only call a temporary password allows, besides logout)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request

from service.api.deps import CurrentSession, RuntimeDep, WriteDep
from service.api.once import OnceRoute
from service.api.problems import responses
from service.auth.login import login as password_login
from service.auth.login import sign_out
from service.auth.schemas import PasswordChange, TokenResponse
from service.auth.service import change_password as change_own_password

router = APIRouter(prefix="/api/v1/auth", tags=["Anmeldung"], route_class=OnceRoute)


def client_address(request: Request) -> str:
    # Behind a reverse proxy this is the proxy unless uvicorn runs with --proxy-headers
    # and --forwarded-allow-ips naming it (see docs/konten.md).
    return request.client.host if request.client else "unbekannt"


@router.post(
    "/token",
    summary="Anmelden (OAuth2 Passwort-Verfahren)",
    description="Nach wiederholt falschen Anmeldungen für denselben Benutzernamen oder von "
    "derselben Adresse antwortet der Dienst eine Zeit lang mit 429 und `Retry-After`.",
    response_model=TokenResponse,
    responses=responses(401, 422, 429),
)
def login(
    request: Request,
    runtime: RuntimeDep,
    username: Annotated[str, Form(max_length=100)],
    password: Annotated[str, Form(max_length=1000)],
    grant_type: Annotated[str, Form(pattern="^password$")] = "password",
) -> TokenResponse:
    issued = password_login(runtime, username, password, client_address(request))
    return TokenResponse(
        access_token=issued.token,
        expires_in=int((issued.expires_at - runtime.now()).total_seconds()),
        password_change_required=issued.password_change_required,
    )


@router.post(
    "/logout", summary="Abmelden (Token widerrufen)", status_code=204, responses=responses(401)
)
def logout(runtime: RuntimeDep, connection: WriteDep, session: CurrentSession) -> None:
    sign_out(runtime, connection, session, "api")


@router.post(
    "/password",
    summary="Eigenes Passwort ändern",
    description="Für jeden angemeldeten Benutzer, auch mit vorläufigem Passwort. Andere "
    "Sitzungen des Benutzers enden, die aktuelle bleibt gültig. Ein falsches bisheriges "
    "Passwort zählt wie eine fehlgeschlagene Anmeldung: nach wiederholten Fehlern antwortet "
    "der Dienst eine Zeit lang mit 429 und `Retry-After`. Leicht zu erratende neue "
    "Passwörter werden mit einem Hinweis abgelehnt (422).",
    status_code=204,
    responses=responses(401, 422, 429),
)
def change_password(
    request: Request, runtime: RuntimeDep, session: CurrentSession, body: PasswordChange
) -> None:
    change_own_password(
        runtime, session, body.old_password, body.new_password, client_address(request)
    )
