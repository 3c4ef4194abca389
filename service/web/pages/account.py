"""Anmeldung, Abmeldung, Passwort ändern and the own calendar feed (Mein Kalender)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request
from fastapi.responses import Response

from service.auth.errors import LoginFailed, LoginThrottled, PasswordRejected
from service.auth.login import login as login_with_password
from service.auth.login import sign_out
from service.auth.password_policy import MIN_LENGTH
from service.auth.service import change_password as change_own_password
from service.auth.service import get_user
from service.calendar import service as calendars
from service.web import sessions
from service.web.forms import PostedForm, once_only
from service.web.nav import TASKS
from service.web.rendering import (
    page_router,
    redirect,
    render,
    require,
    runtime_of,
    signed_in,
)

router = page_router()
WRONG_LOGIN = "Benutzername oder Passwort ist falsch."
# The answer after a change: a page of its own, so that a second copy of the form (a double
# click) is led there too instead of being told that the old password is wrong.
PASSWORD_CHANGED = "/konto/passwort?erledigt=geaendert"


def _safe_next(target: str | None) -> str:
    """Only a path on this site, so the login cannot be used to send users elsewhere;
    without one, Meine Aufgaben: every signed-in person starts with what waits for them."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return TASKS


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
    address = request.client.host if request.client else "unbekannt"
    try:
        if not username:
            raise LoginFailed()
        issued = login_with_password(runtime, username, password, address, how="web")
    except (LoginFailed, LoginThrottled) as exc:
        # One answer for an unknown user and a wrong password; a lock-out says how long.
        throttled = isinstance(exc, LoginThrottled)
        return render(
            request,
            "login.html",
            status=429 if throttled else 422,
            title="Anmeldung",
            error=exc.detail if throttled else WRONG_LOGIN,
            username=username,
            next_url=next_url,
        )
    response = redirect("/konto/passwort" if issued.password_change_required else next_url)
    sessions.begin_session(runtime, response, issued.token)
    return response


@router.post("/logout")
def logout(request: Request, form: PostedForm) -> Response:
    runtime = runtime_of(request)
    response = redirect("/")
    session = sessions.current_session(runtime, request)
    if session is not None:
        with runtime.write() as connection:
            sign_out(runtime, connection, session, "web")
    sessions.end_session(runtime, response)
    return response


def _password_page(request: Request, status: int = 200, **context: object) -> Response:
    runtime = runtime_of(request)
    actor = signed_in(request)
    with runtime.read() as connection:
        must_change = get_user(connection, actor.user_id or 0, runtime.body_id).must_change_password
    values = {"error": None, "problems": [], "success": None, **context}
    return render(
        request,
        "password.html",
        status=status,
        title="Passwort ändern",
        must_change=must_change,
        min_length=MIN_LENGTH,
        **values,
    )


@router.get("/konto/passwort")
def password_page(
    request: Request, erledigt: Annotated[str | None, Query(max_length=50)] = None
) -> Response:
    done = "Ihr Passwort wurde geändert." if erledigt == "geaendert" else None
    return _password_page(request, success=done)


@router.post("/konto/passwort")
def change_password(request: Request, form: PostedForm) -> Response:
    runtime = runtime_of(request)
    signed_in(request)
    current, new = form.get("bisher", ""), form.get("neu", "")
    if new != form.get("wiederholung", ""):
        # The one rule of the form itself; the password's own rules are the service's.
        return _password_page(
            request,
            422,
            error="Das Passwort wurde nicht geändert.",
            problems=["Die Wiederholung stimmt nicht mit dem neuen Passwort überein."],
        )
    session = sessions.current_session(runtime, request)
    assert session is not None  # signed_in() above answered otherwise
    address = request.client.host if request.client else "unbekannt"
    try:
        change_own_password(
            runtime, session, current, new, address, once_only(request, PASSWORD_CHANGED)
        )
    except (PasswordRejected, LoginThrottled) as exc:
        response = _password_page(
            request, exc.status, error="Das Passwort wurde nicht geändert.", problems=[exc.detail]
        )
        response.headers.update(exc.headers or {})
        return response
    return redirect(PASSWORD_CHANGED)


# --- Mein Kalender: the secret feed address ------------------------------------------------


def _calendar_page(
    request: Request, new_url: str | None = None, success: str | None = None
) -> Response:
    runtime = runtime_of(request)
    actor = require(request, calendars.OWN_FEED)
    with runtime.read() as connection:
        since = calendars.feed_since(connection, actor)
    return render(
        request,
        "calendar_feed.html",
        title="Mein Kalender",
        since=since,
        new_url=new_url,
        success=success,
    )


@router.get("/konto/kalender")
def calendar_page(request: Request) -> Response:
    return _calendar_page(request)


@router.post("/konto/kalender/neu")
def new_calendar_feed(request: Request, form: PostedForm) -> Response:
    runtime = runtime_of(request)
    actor = require(request, calendars.OWN_FEED)
    with runtime.write() as connection:
        issued = calendars.issue_feed(runtime, connection, actor)
    # The address is shown on this answer only: the database keeps its digest.
    return _calendar_page(request, new_url=issued.url)


@router.post("/konto/kalender/widerrufen")
def revoke_calendar_feed(request: Request, form: PostedForm) -> Response:
    runtime = runtime_of(request)
    actor = require(request, calendars.OWN_FEED)
    with runtime.write() as connection:
        calendars.revoke_feed(runtime, connection, actor)
    return _calendar_page(
        request, success="Die Kalender-Adresse ist widerrufen; sie liefert keine Termine mehr."
    )
