"""An unknown address as a German page for a browser, as problem+json for everyone else.

Starlette raises its 404 before any page route runs, so ``PageRoute`` never sees it; this
handler sits in front of the API's (``service.api.problems``) and answers with the error
page only when the client asks for HTML and the address is not under ``/api/``. An API
client, which does not send ``Accept: text/html``, keeps getting the problem document.
"""

from __future__ import annotations

import inspect
import logging

from fastapi import FastAPI, Request, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from service.web.rendering import inner_path, render

log = logging.getLogger("ratsflow.web")

TITLE = "Seite nicht gefunden"
MESSAGE = (
    "Diese Adresse gibt es nicht. Vielleicht ist der Link veraltet oder falsch abgetippt; "
    "über die Navigation oder die Startseite finden Sie weiter."
)


def wants_page(request: Request) -> bool:
    """A browser's navigation: it names text/html first; fetches and API clients do not."""
    accept = request.headers.get("accept", "")
    return "text/html" in accept and not inner_path(request).startswith("/api/")


def install(app: FastAPI) -> None:
    """Call after the API's handlers are installed: they answer everything else."""
    api_answer = app.exception_handlers[StarletteHTTPException]

    async def answer(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if exc.status_code == 404 and request.method in ("GET", "HEAD") and wants_page(request):
            try:
                # The page names the signed-in person: a session lookup, off the event loop.
                return await run_in_threadpool(
                    render, request, "error.html", 404, title=TITLE, message=MESSAGE
                )
            except Exception:
                log.exception("Fehlerseite für %s nicht darstellbar", request.url.path)
        response = api_answer(request, exc)
        return await response if inspect.isawaitable(response) else response

    app.add_exception_handler(StarletteHTTPException, answer)
