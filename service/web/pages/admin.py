"""``/verwaltung``: users, roles, deactivation, temporary passwords, deputies; definitions."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Request
from fastapi.responses import Response

from service.access import ROLE_LABELS
from service.api.deps import MAX_ID
from service.auth import deputies
from service.auth import overview as accounts
from service.auth import service as users
from service.auth.password_policy import check_policy
from service.auth.tokens import hash_password
from service.definitions.service import stored_versions
from service.web import confirm
from service.web.forms import PostedForm, posted_id, saving
from service.web.pages.deputies import name_deputy
from service.web.problems import explain
from service.web.rendering import page_router, redirect, render, require, runtime_of

router = page_router()
UserId = Annotated[int, Path(ge=1, le=MAX_ID)]
DeputyshipId = Annotated[int, Path(ge=1, le=MAX_ID)]
DONE = {
    "angelegt": "Der Benutzer wurde angelegt; er muss das vorläufige Passwort bei der ersten "
    "Anmeldung ändern.",
    "rollen": "Die Rollen wurden gespeichert.",
    "deaktiviert": "Der Benutzer ist deaktiviert; seine Sitzungen sind beendet.",
    "reaktiviert": "Der Benutzer ist wieder aktiv.",
    "passwort": "Das vorläufige Passwort ist gesetzt; alle Sitzungen des Benutzers sind beendet.",
    "vertretung": "Die Vertretung ist eingetragen.",
    "vertretung_beendet": "Die Vertretung ist beendet.",
}


def _overview(request: Request, status: int = 200, **context: Any) -> Response:
    runtime = runtime_of(request)
    actor = require(request, "user.manage")
    listed = accounts.read_accounts(runtime, actor)
    with runtime.read() as connection:
        persons = accounts.person_choices(connection, runtime.body_id)
        versions = stored_versions(connection)
    return render(
        request,
        "admin.html",
        status=status,
        title="Verwaltung",
        users=listed,
        persons=persons,
        role_labels=ROLE_LABELS,
        versions=versions,
        loaded={(s.name, s.version) for s in runtime.registry.specs()},
        error=context.get("error"),
        problems=context.get("problems", {}),
        typed=context.get("typed", {}),
        success=context.get("success"),
    )


@router.get("/verwaltung")
def overview(request: Request, erledigt: str | None = None) -> Response:
    return _overview(request, success=DONE.get(erledigt or ""))


def _roles(form: dict[str, str]) -> list[str]:
    return [role for role in ROLE_LABELS if form.get(f"rolle_{role}")]


@router.post("/verwaltung/benutzer")
def create_user(request: Request, form: PostedForm) -> Response:
    runtime = runtime_of(request)
    actor = require(request, "user.manage")
    username = form.get("benutzername", "").strip()
    password = form.get("passwort", "")
    roles = _roles(form)
    problems: dict[str, str] = {}
    status = 422
    if not username or len(username) > 100 or any(c.isspace() for c in username):
        problems["benutzername"] = (
            "Bitte einen Benutzernamen ohne Leerzeichen angeben (höchstens 100 Zeichen)."
        )
    if not roles:
        problems["rollen"] = "Bitte mindestens eine Rolle wählen."
    if not problems:
        try:
            check_policy(password, username)
            with saving(request) as saved:
                user_id = users.create_user(
                    runtime,
                    saved.connection,
                    actor,
                    username=username,
                    roles=roles,
                    person_id=posted_id(form.get("person")),
                    password_hash=hash_password(password),
                    must_change_password=True,
                )
                return saved.redirect(f"/verwaltung/benutzer/{user_id}?erledigt=angelegt")
        except Exception as exc:
            explained = explain(exc)
            if explained is None:
                raise
            field = {"password": "passwort", "person_id": "person", "roles": "rollen"}.get(
                getattr(exc, "field", None) or "", "benutzername"
            )
            problems[field] = explained.headline
            status = explained.status
    typed = {k: v for k, v in form.items() if k != "passwort"}
    return _overview(
        request,
        status,
        error="Der Benutzer wurde nicht angelegt.",
        problems=problems,
        typed=typed,
    )


def _user_page(request: Request, user_id: int, status: int = 200, **context: Any) -> Response:
    runtime = runtime_of(request)
    actor = require(request, "user.manage")
    user = accounts.read_account(runtime, actor, user_id)
    with runtime.read() as connection:
        mine = deputies.deputyships_of(connection, user_id)
        candidates = accounts.deputy_choices(connection, runtime.body_id, user.username)
    return render(
        request,
        "admin_user.html",
        status=status,
        title=f"Benutzer {user.username}",
        user=user,
        role_labels=ROLE_LABELS,
        deputyships=mine,
        candidates=candidates,
        action=f"/verwaltung/benutzer/{user_id}/vertretung",
        error=context.get("error"),
        reasons=context.get("reasons", []),
        problems=context.get("problems", {}),
        typed=context.get("typed", {}),
        password_problem=context.get("password_problem"),
        success=context.get("success"),
    )


@router.get("/verwaltung/benutzer/{user_id}")
def user_page(request: Request, user_id: UserId, erledigt: str | None = None) -> Response:
    return _user_page(request, user_id, success=DONE.get(erledigt or ""))


def _act(request: Request, user_id: int, done: str, action: Any, **failure: Any) -> Response:
    runtime = runtime_of(request)
    actor = require(request, "user.manage")
    try:
        with saving(request) as saved:
            action(runtime, saved.connection, actor)
            return saved.redirect(f"/verwaltung/benutzer/{user_id}?erledigt={done}")
    except Exception as exc:
        explained = explain(exc)
        if explained is None:
            raise
        if "password_problem" in failure:
            failure["password_problem"] = explained.headline
        return _user_page(request, user_id, explained.status, error=explained.headline, **failure)


@router.post("/verwaltung/benutzer/{user_id}/rollen")
def set_roles(request: Request, user_id: UserId, form: PostedForm) -> Response:
    roles = _roles(form)
    if not roles:
        return _user_page(request, user_id, 422, error="Bitte mindestens eine Rolle wählen.")
    return _act(
        request,
        user_id,
        "rollen",
        lambda rt, c, a: users.set_roles(rt, c, a, user_id, roles),
    )


@router.post("/verwaltung/benutzer/{user_id}/deaktivieren")
def deactivate(request: Request, user_id: UserId, form: PostedForm) -> Response:
    if not confirm.confirmed(form):
        user = accounts.read_account(runtime_of(request), require(request, "user.manage"), user_id)
        url = f"/verwaltung/benutzer/{user_id}"
        whose = f" ({user.person})" if user.person else ""
        return confirm.ask(
            request,
            title="Benutzer deaktivieren?",
            question=f"„{user.username}“{whose} kann sich danach nicht mehr anmelden, und jede "
            "laufende Sitzung endet sofort. Reaktivieren ist jederzeit möglich.",
            action=f"{url}/deaktivieren",
            button="Ja, deaktivieren",
            back=url,
        )
    return _act(
        request, user_id, "deaktiviert", lambda rt, c, a: users.deactivate(rt, c, a, user_id)
    )


@router.post("/verwaltung/benutzer/{user_id}/reaktivieren")
def reactivate(request: Request, user_id: UserId, form: PostedForm) -> Response:
    return _act(
        request, user_id, "reaktiviert", lambda rt, c, a: users.reactivate(rt, c, a, user_id)
    )


@router.post("/verwaltung/benutzer/{user_id}/passwort")
def temporary_password(request: Request, user_id: UserId, form: PostedForm) -> Response:
    password = form.get("passwort", "")
    return _act(
        request,
        user_id,
        "passwort",
        lambda rt, c, a: users.set_temporary_password(rt, c, a, user_id, password),
        password_problem="",
    )


@router.post("/verwaltung/benutzer/{user_id}/vertretung")
def add_deputy(request: Request, user_id: UserId, form: PostedForm) -> Response:
    actor = require(request, "user.manage")
    done = f"/verwaltung/benutzer/{user_id}?erledigt=vertretung"
    problems = name_deputy(request, actor, user_id, form, done)
    if problems:
        return _user_page(request, user_id, 422, problems=problems, typed=form)
    return redirect(done)


@router.post("/verwaltung/benutzer/{user_id}/vertretung/{deputyship_id}/beenden")
def withdraw_deputy(
    request: Request, user_id: UserId, deputyship_id: DeputyshipId, form: PostedForm
) -> Response:
    return _act(
        request,
        user_id,
        "vertretung_beendet",
        lambda rt, c, a: deputies.withdraw(rt, c, a, user_id=user_id, deputyship_id=deputyship_id),
    )
