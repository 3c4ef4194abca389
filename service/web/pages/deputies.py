"""``/konto/vertretung``: every user names their own Stellvertretung for an absence."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Request
from fastapi.responses import Response

from service.actor import Actor
from service.api.deps import MAX_ID
from service.auth import deputies, overview
from service.measures import service as measures
from service.web.forms import PostedForm, posted_date, saving
from service.web.problems import explain
from service.web.rendering import PageError, page_router, redirect, render, require, runtime_of

router = page_router()
DeputyshipId = Annotated[int, Path(ge=1, le=MAX_ID)]
OWN_PAGE = "/konto/vertretung"


def deputy_form_problems(form: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """The posted deputy form as arguments for ``deputies.name_deputy``, or what is wrong."""
    problems: dict[str, str] = {}
    username = form.get("vertretung", "").strip()
    starts, ends = posted_date(form.get("von")), posted_date(form.get("bis"))
    if not username:
        problems["vertretung"] = "Bitte die Vertretung wählen."
    if starts is None:
        problems["von"] = "Bitte den ersten Tag angeben, z. B. 14.09.2026."
    if ends is None:
        problems["bis"] = "Bitte den letzten Tag angeben, z. B. 25.09.2026."
    return {"deputy_username": username, "starts_on": starts, "ends_on": ends}, problems


def name_deputy(
    request: Request, actor: Actor, user_id: int, form: dict[str, str], done: str
) -> dict[str, str] | None:
    """Stores the deputyship, whose form then leads to ``done``; returns the problems by
    field when it cannot."""
    runtime = runtime_of(request)
    values, problems = deputy_form_problems(form)
    if problems:
        return problems
    try:
        with saving(request) as saved:
            deputies.name_deputy(runtime, saved.connection, actor, user_id=user_id, **values)
            saved.leads_to(done)
    except Exception as exc:
        explained = explain(exc)
        if explained is None:
            raise
        field = getattr(exc, "field", None)
        names = {"deputy_username": "vertretung", "starts_on": "von", "ends_on": "bis"}
        return {names.get(field or "", "vertretung"): explained.headline}
    return None


def _page(request: Request, status: int = 200, **context: Any) -> Response:
    runtime = runtime_of(request)
    actor = require(request, "user.self")
    assert actor.user_id is not None
    with runtime.read() as connection:
        mine = deputies.deputyships_of(connection, actor.user_id)
        candidates = overview.deputy_choices(connection, runtime.body_id, actor.name)
        standing_in = measures.names_of(connection, actor, actor.acts_for)
    return render(
        request,
        "deputies.html",
        status=status,
        title="Meine Vertretung",
        deputyships=mine,
        candidates=candidates,
        standing_in=sorted(standing_in.values()),
        action=OWN_PAGE,
        problems=context.get("problems", {}),
        typed=context.get("typed", {}),
        success=context.get("success"),
    )


@router.get(OWN_PAGE)
def own_deputies(request: Request, erledigt: str | None = None) -> Response:
    messages = {
        "benannt": "Die Vertretung ist eingetragen.",
        "beendet": "Die Vertretung ist beendet.",
    }
    return _page(request, success=messages.get(erledigt or ""))


@router.post(OWN_PAGE)
def add_own_deputy(request: Request, form: PostedForm) -> Response:
    actor = require(request, "user.self")
    assert actor.user_id is not None
    done = f"{OWN_PAGE}?erledigt=benannt"
    problems = name_deputy(request, actor, actor.user_id, form, done)
    if problems:
        return _page(request, 422, problems=problems, typed=form)
    return redirect(done)


@router.post(OWN_PAGE + "/{deputyship_id}/beenden")
def withdraw_own(request: Request, deputyship_id: DeputyshipId, form: PostedForm) -> Response:
    runtime = runtime_of(request)
    actor = require(request, "user.self")
    if actor.user_id is None:
        raise PageError(403, "Keine Berechtigung", "Nur angemeldete Benutzer haben Vertretungen.")
    with saving(request) as saved:
        deputies.withdraw(
            runtime, saved.connection, actor, user_id=actor.user_id, deputyship_id=deputyship_id
        )
        return saved.redirect(f"{OWN_PAGE}?erledigt=beendet")
