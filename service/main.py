"""The ASGI application: one FastAPI app serving API, web pages and (embedded) the scheduler."""

from fastapi import FastAPI


def create_app() -> FastAPI:
    app = FastAPI(
        title="ratsflow",
        version="0.1.0",
        description="Workflow- und Beschlusssteuerung für kommunale Gremien.",
    )

    @app.get("/healthz", summary="Lebenszeichen des Dienstes", tags=["Betrieb"])
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
