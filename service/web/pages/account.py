"""Anmeldung, Abmeldung and Passwort ändern."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from service.auth import tokens
from service.web import accounts, sessions
from service.web.forms import PostedForm
from service.web.rendering import (
    page_router,
    redirect,
    render,
    runtime_of,
    signed_in,
)

router = page_router()
WRONG_LOGIN = "Benutzername oder Passwort ist falsch."


def _safe_next(target: str | None) -> str:
    """Only a path on this site, so the login cannot be used to send users elsewhere."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/"


@router.get("/login")
def login_page(request: Request, weiter: str | None = None) -> Response:
    if sessions.current_actor(runtime_of(request), request) is not None:
        return redirect(_safe_next(weiter))
    return render(
        request,
        "login.html",
        title="Anmeldung",
        error=None,
        username="",
        next_url=_safe_next(weiter),
    )


@router.post("/login")
def login(request: Request, form: PostedForm) -> Response:
    runtime = runtime_of(request)
    username = form.get("benutzername", "").strip()[:100]
    password = form.get("passwort", "")[:1000]
    next_url = _safe_next(form.get("weiter"))
    with runtime.write() as connection:
        user_id = tokens.authenticate(connection, username, password) if username else None
        if user_id is None:
            # One answer for an unknown user and a wrong password.
            failed = True
        else:
            failed = False
            target = (
                "/konto/passwort"
                if accounts.must_change_password(connection, user_id)
                else next_url
            )
            response = redirect(target)
            sessions.start_session(runtime, connection, response, user_id)
    if failed:
        return render(
            request,
            "login.html",
            status=422,
            title="Anmeldung",
            error=WRONG_LOGIN,
            username=username,
            next_url=next_url,
        )
    return response


@router.post("/logout")
def logout(request: Request, form: PostedForm) -> Response:
    runtime = runtime_of(request)
    response = redirect("/")
    with runtime.write() as connection:
        sessions.end_session(runtime, connection, request, response)
    return response


def _password_page(request: Request, status: int = 200, **context: object) -> Response:
    runtime = runtime_of(request)
    actor = signed_in(request)
    with runtime.read() as connection:
        must_change = accounts.must_change_password(connection, actor.user_id or 0)
    values = {"error": None, "problems": [], "success": None, **context}
    return render(
        request,
        "password.html",
        status=status,
        title="Passwort ändern",
        must_change=must_change,
        min_length=accounts.MIN_PASSWORD_LENGTH,
        **values,
    )


@router.get("/konto/passwort")
def password_page(request: Request) -> Response:
    return _password_page(request)


@router.post("/konto/passwort")
def change_password(request: Request, form: PostedForm) -> Response:
    runtime = runtime_of(request)
    actor = signed_in(request)
    current, new = form.get("bisher", ""), form.get("neu", "")
    problems = accounts.password_problems(actor, current, new, form.get("wiederholung", ""))
    if problems:
        return _password_page(
            request, 422, error="Das Passwort wurde nicht geändert.", problems=problems
        )
    with runtime.write() as connection:
        changed = accounts.change_password(
            runtime,
            connection,
            actor,
            current=current,
            new=new,
            keep_session=sessions.session_token(runtime, request),
        )
    if not changed:
        return _password_page(
            request,
            422,
            error="Das Passwort wurde nicht geändert.",
            problems=["Das bisherige Passwort ist falsch."],
        )
    return _password_page(request, success="Ihr Passwort wurde geändert.")
