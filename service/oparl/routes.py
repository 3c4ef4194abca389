"""``/oparl/v1/``: the OParl 1.1 server. Public for everybody, the same for everybody.

Each body has its own System (``/b/<slug>/oparl/v1/system`` or its host name), so a
portal reading one city never sees another's data.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from service.api.deps import RuntimeDep
from service.api.limits import inner_path
from service.api.problems import responses
from service.attachments.detect import ALLOWED
from service.attachments.routes import content_disposition
from service.oparl import publishing
from service.oparl.objects import Urls
from workflow.calendar import BERLIN

router = APIRouter(prefix="/oparl/v1", tags=["OParl"])

_FILE = {
    200: {
        "description": "Die Datei.",
        "content": {t: {"schema": {"type": "string", "format": "binary"}} for t in ALLOWED},
    },
    **responses(404, 410),
}
_OBJECT = {200: {"description": "Ein OParl-Objekt (JSON)."}, **responses(404)}

Since = Annotated[datetime | None, Query(description="Vollständige Zeitangabe (ISO 8601).")]


class OparlCors:
    """``Access-Control-Allow-Origin: *`` on every OParl answer, errors included (OParl 2.6):
    the data is public and portals read it from the browser."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not inner_path(scope).startswith("/oparl/"):
            await self.app(scope, receive, send)
            return

        async def send_with_cors(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    h for h in message.get("headers", []) if h[0] != b"access-control-allow-origin"
                ]
                message = {**message, "headers": [*headers, (b"access-control-allow-origin", b"*")]}
            await send(message)

        await self.app(scope, receive, send_with_cors)


def _urls(request: Request) -> Urls:
    return Urls(str(request.base_url))


def _aware(value: datetime | None) -> datetime | None:
    # A time without offset is meant in the city's time, like every time ratsflow shows.
    return value.replace(tzinfo=BERLIN) if value is not None and value.tzinfo is None else value


def _json(values: dict[str, Any]) -> JSONResponse:
    return JSONResponse(values, media_type="application/json")


@router.get("/system", summary="OParl: System")
def system(request: Request, runtime: RuntimeDep) -> JSONResponse:
    return _json(publishing.system(runtime, _urls(request)))


@router.get("/body", summary="OParl: Körperschaften des Systems")
def bodies(request: Request, runtime: RuntimeDep) -> JSONResponse:
    return _json(publishing.bodies(runtime, _urls(request)))


@router.get(
    "/body/{body_id}/{prop}",
    summary="OParl: externe Liste einer Körperschaft",
    responses={**_OBJECT, **responses(404, 422)},
)
def body_list(
    request: Request,
    runtime: RuntimeDep,
    body_id: int,
    prop: str,
    created_since: Since = None,
    created_until: Since = None,
    modified_since: Since = None,
    modified_until: Since = None,
    limit: Annotated[int | None, Query(ge=1)] = None,
    omit_internal: bool = False,
    page: Annotated[int, Query(ge=1)] = 1,
) -> JSONResponse:
    filters = publishing.Filters(
        _aware(created_since),
        _aware(created_until),
        _aware(modified_since),
        _aware(modified_until),
        omit_internal,
    )
    return _json(publishing.body_list(runtime, _urls(request), body_id, prop, filters, page, limit))


@router.get(
    "/file/{file_id}/access",
    summary="OParl: Datei anzeigen",
    response_class=Response,
    responses=_FILE,
)
def file_access(runtime: RuntimeDep, file_id: int) -> Response:
    row = publishing.published_file(runtime, file_id)
    return Response(row.content, media_type=row.content_type)


@router.get(
    "/file/{file_id}/download",
    summary="OParl: Datei herunterladen",
    response_class=Response,
    responses=_FILE,
)
def file_download(runtime: RuntimeDep, file_id: int) -> Response:
    row = publishing.published_file(runtime, file_id)
    return Response(
        row.content,
        media_type=row.content_type,
        headers={"Content-Disposition": content_disposition(row.filename)},
    )


@router.get("/{entity_type}/{entity_id}", summary="OParl: ein Objekt", responses=_OBJECT)
def one(request: Request, runtime: RuntimeDep, entity_type: str, entity_id: int) -> JSONResponse:
    return _json(publishing.one(runtime, _urls(request), entity_type, entity_id))
