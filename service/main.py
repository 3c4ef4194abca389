"""The ASGI application: one FastAPI app serving API, web pages and (embedded) the scheduler."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse

from service.api import contract, docs_page, problems
from service.api.headers import SecurityHeaders
from service.api.limits import BodyLimits
from service.api.methods import NamedPathMethods
from service.api.metrics import router as metrics_router
from service.api.observing import Observing, note_route
from service.attachments.routes import router as attachments_router
from service.audit.routes import router as audit_router
from service.auth.routes import router as auth_router
from service.auth.user_routes import router as users_router
from service.bodies.addressing import BodyAddressing
from service.budget.routes import router as budget_router
from service.calendar.routes import router as calendar_router
from service.committees.meeting_routes import meetings_router
from service.committees.routes import router as committees_router
from service.definitions.routes import router as definitions_router
from service.imports.routes import router as imports_router
from service.measures.routes import router as measures_router
from service.migrate import is_current
from service.milestones.routes import router as milestones_router
from service.obligations.routes import router as obligations_router
from service.oparl.routes import OparlCors
from service.oparl.routes import router as oparl_router
from service.outbox.routes import router as outbox_router
from service.papers.routes import router as papers_router
from service.people.routes import router as persons_router
from service.programmes.routes import router as programmes_router
from service.reports.routes import router as reports_router
from service.runtime import Runtime
from service.scheduler.runner import start_embedded
from service.statements.routes import router as statements_router
from service.tasks.routes import router as tasks_router
from service.web import not_found
from service.web import router as web_router

DESCRIPTION = """
Workflow- und Beschlusssteuerung für kommunale Gremien.

Anmeldung: `POST /api/v1/auth/token` (OAuth2 Passwort-Verfahren) liefert ein Bearer-Token.
Ohne Token sind nur öffentliche Vorlagen und Maßnahmen lesbar. Fehler antworten als
`application/problem+json` (RFC 9457) mit deutschem `detail`.
"""


def create_app(runtime: Runtime | None = None) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # A runtime attached before start-up (tests, embedding) belongs to its caller, who
        # starts a scheduler if needed; one built here from the settings gets the embedded one.
        scheduler = None
        if getattr(app.state, "runtime", None) is None:
            app.state.runtime = Runtime.from_settings()
            scheduler = start_embedded(app.state.runtime)
        yield
        if scheduler is not None:
            scheduler.stop()

    app = FastAPI(
        title="ratsflow",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        # FastAPI's pages load scripts from a CDN; ratsflow's own page loads nothing.
        docs_url=None,
        redoc_url=None,
        generate_unique_id_function=contract.operation_id,
        dependencies=[Depends(note_route)],
    )
    if runtime is not None:
        app.state.runtime = runtime
    problems.install(app)
    not_found.install(app)
    docs_page.install(app)
    # Outermost last: the body's prefix is known before the body's size is judged, and
    # every answer, a refusal included, gets the security headers.
    app.add_middleware(NamedPathMethods)
    app.add_middleware(OparlCors)
    app.add_middleware(BodyLimits)
    app.add_middleware(BodyAddressing)
    app.add_middleware(SecurityHeaders)
    # Outermost of all: a refusal too gets its request id, log line and count.
    app.add_middleware(Observing)
    app.include_router(auth_router)
    app.include_router(tasks_router)
    app.include_router(users_router)
    app.include_router(measures_router)
    app.include_router(definitions_router)
    app.include_router(programmes_router)
    app.include_router(statements_router)
    app.include_router(obligations_router)
    app.include_router(milestones_router)
    app.include_router(budget_router)
    app.include_router(attachments_router)
    app.include_router(imports_router)
    app.include_router(reports_router)
    app.include_router(papers_router)
    app.include_router(committees_router)
    app.include_router(meetings_router)
    app.include_router(calendar_router)
    app.include_router(persons_router)
    app.include_router(outbox_router)
    app.include_router(web_router)
    app.include_router(audit_router)
    app.include_router(oparl_router)
    app.include_router(metrics_router)

    @app.get("/healthz", summary="Lebenszeichen des Dienstes", tags=["Betrieb"])
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get(
        "/readyz",
        summary="Bereitschaft: Datenbank erreichbar, Migrationen aktuell",
        tags=["Betrieb"],
        responses={503: {"description": "Nicht bereit."}},
    )
    def readyz(request: Request) -> JSONResponse:
        # The deployment's readiness, not a body's: no body is looked up (by host) here.
        rt: Runtime = request.app.state.runtime
        try:
            current = is_current(rt.engine)  # connects: an unreachable database fails here
        except Exception:
            return JSONResponse({"status": "Datenbank nicht erreichbar"}, status_code=503)
        if not current:
            return JSONResponse({"status": "Migrationen ausstehend"}, status_code=503)
        return JSONResponse({"status": "bereit"})

    return app
