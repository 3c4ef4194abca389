"""Rendering pages: one Jinja environment, the common page context, and HTML errors.

Web routes use ``PageRoute``, so a domain error (not found, no permission, an expired
form) answers as a German HTML page instead of the API's problem+json, and an anonymous
visitor of a staff page is sent to the login with the page to return to.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from jinja2.runtime import Context
from markupsafe import Markup
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from service import formatting
from service.access import ROLE_LABELS, holds
from service.actor import Actor
from service.bodies.addressing import body_runtime
from service.errors import NotFound
from service.papers.consultations import result_label
from service.people import service as people
from service.runtime import Runtime
from service.tasks.service import count_tasks
from service.web import nav, once, sessions
from service.web.config import site_settings
from service.web.problems import explain
from workflow import roles
from workflow.errors import WorkflowError
from workflow.registry import UnknownDefinition

log = logging.getLogger("ratsflow.web")
TEMPLATE_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"

_environment = Environment(
    loader=FileSystemLoader(TEMPLATE_DIR),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_environment.filters.update(
    date_de=formatting.date_de,
    datetime_de=formatting.datetime_de,
    money_de=formatting.money_de,
    size_de=formatting.size_de,
    role_label=roles.role_label,
    role_labels=roles.role_labels,
)
# What a history entry records beside the item's fields (a decision's Beschlusstext, the
# counts of a corrected vote), by key.
_environment.globals["history_labels"] = {
    "beschlusstext": "Beschlusstext",
    "anwesend": "Anwesend",
    "ja": "Ja",
    "nein": "Nein",
    "enthaltung": "Enthaltung",
}


@pass_context
def _form_fields(context: Context) -> Markup:
    """The hidden fields every posted form carries: the page's CSRF token and a one-time
    token of this form's own (``service.web.once``)."""
    return Markup(
        '<input type="hidden" name="{}" value="{}">\n<input type="hidden" name="{}" value="{}">'
    ).format(context["csrf_field"], context["csrf_token"], once.ONCE_FIELD, once.new_token())


_environment.globals["form_fields"] = _form_fields
# What a step of a Beratungsfolge came to, by its result's code and what closed it.
_environment.globals["result_label"] = result_label
# Where a reader who is not staff (the public, a council member) opens a public measure.
MEASURES_SEEN = "/oeffentlich/massnahmen"
# The German names of the signed-in person's roles, for the header.
_environment.globals["role_names"] = ROLE_LABELS
templates = Jinja2Templates(env=_environment)

# Pages are built from the server's data alone: no inline script or style, no framing.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


class PageError(Exception):
    """An error a user reads as a page of its own, with a status and a German sentence."""

    def __init__(self, status: int, title: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.title = title
        self.message = message


class LoginRequired(Exception):
    pass


def runtime_of(request: Request) -> Runtime:
    """The runtime of the body the request addresses (``service.bodies.addressing``)."""
    return body_runtime(request.app.state.runtime, request.scope)


def actor_of(request: Request) -> Actor | None:
    return sessions.current_actor(runtime_of(request), request)


def signed_in(request: Request) -> Actor:
    actor = actor_of(request)
    if actor is None:
        raise LoginRequired()
    return actor


def require(request: Request, permission: str) -> Actor:
    actor = signed_in(request)
    if not holds(actor, permission):
        raise PageError(403, "Keine Berechtigung", "Für diese Seite fehlt Ihnen die Berechtigung.")
    return actor


def root_path(request: Request) -> str:
    """The prefix of the addressed body (``/b/<slug>``), "" when none is named: templates
    put it before every absolute path, so links and forms stay inside the body."""
    return str(request.scope.get("root_path", ""))


def inner_path(request: Request) -> str:
    """The path below the body's prefix: what routes, menus and ``weiter`` compare."""
    path, prefix = request.url.path, root_path(request)
    if prefix and path.startswith(prefix):
        return path[len(prefix) :] or "/"
    return path


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    runtime = runtime_of(request)
    actor = actor_of(request)
    page = {
        "request": request,
        "actor": actor,
        "actor_name": _own_name(runtime, actor),
        "csrf_field": sessions.CSRF_FIELD,
        "csrf_token": sessions.csrf_token(runtime, request),
        "nav": nav.items_for(actor),
        "own_account": holds(actor, "user.self"),
        "own_calendar": holds(actor, "calendar.own_feed"),
        # Measure pages beyond the public ones are for staff: a council member reads measures
        # in the Beschlusskontrolle, the reports and the papers, without a link that ends in 404.
        "may_open_measures": holds(actor, "measure.read_internal"),
        "measure_base": "/massnahmen" if holds(actor, "measure.read_internal") else MEASURES_SEEN,
        "site": site_settings(runtime),
        "root": root_path(request),
        "current_path": inner_path(request),
        **context,
    }
    if "task_count" not in page:
        page["task_count"] = count_tasks(runtime, actor) if actor is not None else 0
    response = templates.TemplateResponse(request, template, page, status_code=status)
    sessions.remember_pre_session(runtime, request, response)
    response.headers.update(SECURITY_HEADERS)
    if actor is not None:
        response.headers["Cache-Control"] = "no-store"
    return response


def _own_name(runtime: Runtime, actor: Actor | None) -> str:
    """The signed-in person's name for the header: a person reads a name, not a login.
    An error page for a database that stopped answering still renders, without it."""
    if actor is None:
        return ""
    try:
        with runtime.read() as connection:
            return people.own_name(connection, actor)
    except SQLAlchemyError:
        log.warning("Name der angemeldeten Person nicht lesbar", exc_info=True)
        return ""


def redirect(url: str) -> RedirectResponse:
    """After a successful POST: 303, so that reloading the next page posts nothing again.

    ``url`` is a path of the site as if it served one body; ``PageRoute`` puts the
    addressed body's prefix before it."""
    return RedirectResponse(url, status_code=303)


def _inside_body(request: Request, response: Response) -> Response:
    prefix = root_path(request)
    location = response.headers.get("location", "")
    if prefix and location.startswith("/") and not location.startswith(("//", prefix + "/")):
        response.headers["location"] = prefix + location
    return response


def _error_page(request: Request, status: int, title: str, message: str) -> HTMLResponse:
    return render(request, "error.html", status=status, title=title, message=message)


def _refusal_page(request: Request, exc: Exception) -> HTMLResponse | None:
    """A service's refusal (no permission, a read that could not be logged, ...) as a page
    with the title and status the API gives for the same request; None for anything else."""
    explained = explain(exc)
    if explained is None or not isinstance(exc, WorkflowError):
        return None
    page = _error_page(request, explained.status, exc.title, explained.headline)
    page.headers.update(getattr(exc, "headers", None) or {})
    return page


def _saved_before(request: Request, location: str | None) -> Response:
    """A form sent again (a double click, the browser's resend): the page the first answer
    led to, or where there was none, a notice that it is saved."""
    if location:
        return redirect(location)
    return render(
        request,
        "error.html",
        title="Bereits gespeichert",
        message="Dieses Formular wurde bereits abgeschickt und ist gespeichert; es wurde "
        "nichts doppelt angelegt.",
    )


PASSWORD_PAGE = "/konto/passwort"
# What a user with a temporary password may still reach: the change itself, the way out,
# the stylesheet and the legal texts every page links to.
_OPEN_WITH_TEMPORARY_PASSWORD = (
    PASSWORD_PAGE,
    "/logout",
    "/static/",
    "/impressum",
    "/datenschutz",
    "/barrierefreiheit",
)


def _must_change_password(request: Request) -> bool:
    """A temporary password (set by an admin) opens no page but the password change."""
    if inner_path(request).startswith(_OPEN_WITH_TEMPORARY_PASSWORD):
        return False
    session = sessions.current_session(runtime_of(request), request)
    return session is not None and session.must_change_password


class PageRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            response = await answer(request)
            return _inside_body(request, response) if response.status_code == 303 else response

        async def answer(request: Request) -> Response:
            try:
                # The session lookup reads the database: off the event loop.
                if await run_in_threadpool(_must_change_password, request):
                    return redirect(PASSWORD_PAGE)
                return await handler(request)
            except once.AlreadySaved as exc:
                return _saved_before(request, exc.location)
            except LoginRequired:
                target = inner_path(request)
                if request.url.query:
                    target += "?" + request.url.query
                return redirect(f"/login?weiter={quote(target, safe='')}")
            except PageError as exc:
                return _error_page(request, exc.status, exc.title, exc.message)
            except (NotFound, UnknownDefinition, RequestValidationError):
                return _error_page(
                    request,
                    404,
                    "Nicht gefunden",
                    "Diese Seite gibt es nicht, oder sie ist für Sie nicht sichtbar.",
                )
            except HTTPException:
                raise
            except Exception as exc:
                refused = _refusal_page(request, exc)
                if refused is not None:
                    return refused
                log.exception("Fehler auf der Seite %s %s", request.method, request.url.path)
                return _error_page(
                    request,
                    500,
                    "Interner Fehler",
                    "Ein unerwarteter Fehler ist aufgetreten. Er wurde protokolliert; bitte "
                    "versuchen Sie es später noch einmal.",
                )

        return page_handler


def page_router() -> APIRouter:
    return APIRouter(route_class=PageRoute, include_in_schema=False)
