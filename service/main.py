"""The ASGI application: one FastAPI app serving API, web pages and (embedded) the scheduler."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from sqlalchemy import text

from service.api import problems
from service.api.deps import RuntimeDep
from service.audit.routes import router as audit_router
from service.auth.routes import router as auth_router
from service.definitions.routes import router as definitions_router
from service.measures.routes import router as measures_router
from service.migrate import is_current
from service.runtime import Runtime

DESCRIPTION = """
Workflow- und Beschlusssteuerung für kommunale Gremien.

Anmeldung: `POST /api/v1/auth/token` (OAuth2 Passwort-Verfahren) liefert ein Bearer-Token.
Ohne Token sind nur öffentliche Vorlagen und Maßnahmen lesbar. Fehler antworten als
`application/problem+json` (RFC 9457) mit deutschem `detail`.
"""


def create_app(runtime: Runtime | None = None) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.runtime = runtime or Runtime.from_settings()
        yield

    app = FastAPI(title="ratsflow", version="0.1.0", description=DESCRIPTION, lifespan=lifespan)
    if runtime is not None:
        app.state.runtime = runtime
    problems.install(app)
    app.include_router(auth_router)
    app.include_router(measures_router)
    app.include_router(definitions_router)
    app.include_router(audit_router)

    @app.get("/healthz", summary="Lebenszeichen des Dienstes", tags=["Betrieb"])
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get(
        "/readyz",
        summary="Bereitschaft: Datenbank erreichbar, Migrationen aktuell",
        tags=["Betrieb"],
        responses={503: {"description": "Nicht bereit."}},
    )
    def readyz(rt: RuntimeDep) -> JSONResponse:
        try:
            with rt.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            current = is_current(rt.engine)
        except Exception:
            return JSONResponse({"status": "Datenbank nicht erreichbar"}, status_code=503)
        if not current:
            return JSONResponse({"status": "Migrationen ausstehend"}, status_code=503)
        return JSONResponse({"status": "bereit"})

    return app
