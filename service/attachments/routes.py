"""``/api/v1/{measures,papers}/{id}/attachments``: upload, list, download and delete Anlagen.

Who may do what is decided in ``service.attachments.service``: whoever may see the item may
list and download its attachments (the public: those of public items), a hidden item's
attachments answer 404 like the item itself, and reads of a non-public item are logged.
"""

from __future__ import annotations

import hashlib
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Path, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from service.api.deps import MAX_ID, CurrentActor, MaybeActor, RuntimeDep, WriteDep
from service.api.idempotency import IdempotencyKeyHeader, respond_once
from service.api.once import OnceRoute
from service.api.problems import responses
from service.api.uploads import UPLOAD_BODY, read_upload
from service.attachments import service
from service.attachments.detect import ALLOWED
from service.attachments.schemas import AttachmentOut

router = APIRouter(prefix="/api/v1", tags=["Anlagen"], route_class=OnceRoute)
ItemId = Annotated[int, Path(ge=1, le=MAX_ID)]
AttachmentId = Annotated[int, Path(ge=1, le=MAX_ID)]
DOWNLOAD_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    # Opened directly in a browser, a file can run no script and reach nothing.
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Cache-Control": "private, no-store",
}


def _out(row: Any, collection: str) -> AttachmentOut:
    return AttachmentOut(
        id=row.id,
        filename=row.filename,
        content_type=row.content_type,
        size=row.size,
        sha256=row.sha256,
        uploaded_at=row.uploaded_at,
        download=f"/api/v1/{collection}/{row.owner_id}/attachments/{row.id}",
    )


def _created(row: Any, collection: str) -> Response:
    out = _out(row, collection)
    answer = JSONResponse(out.model_dump(mode="json"), status_code=201)
    answer.headers["Location"] = out.download
    return answer


def content_disposition(filename: str) -> str:
    """RFC 6266: an ASCII fallback and the exact UTF-8 name, never a header injection."""
    fallback = "".join(
        c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in filename
    )
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _register(owner_type: str, collection: str, label: str) -> None:
    @router.post(
        f"/{collection}/{{item_id}}/attachments",
        summary=f"Anlage zu einer {label} hochladen",
        description="Formularfeld `file`. Der Typ wird am Inhalt erkannt; erlaubt sind "
        + ", ".join(name for name, _ in ALLOWED.values())
        + ". Größenlimit: `RATSFLOW_MAX_UPLOAD_BYTES` (Vorgabe 20 MB).",
        status_code=201,
        response_model=AttachmentOut,
        responses=responses(401, 403, 404, 413, 415, 422),
        openapi_extra=UPLOAD_BODY,
        name=f"upload_{owner_type}_attachment",
    )
    async def upload(
        item_id: ItemId,
        request: Request,
        runtime: RuntimeDep,
        actor: CurrentActor,
        idempotency_key: IdempotencyKeyHeader = None,
    ) -> Response:
        # Who may upload is settled before a byte of the body is read.
        await run_in_threadpool(service.check_upload, runtime, actor, owner_type, item_id)
        upload = await read_upload(request, runtime.settings.max_upload_bytes)
        payload = {
            "filename": upload.filename,
            "sha256": hashlib.sha256(upload.content).hexdigest(),
        }

        # The write transaction begins after the body is read, so the key is claimed here
        # and not by the route class (``service.api.once``).
        def attach() -> Response:
            with runtime.write() as connection:
                return respond_once(
                    runtime,
                    connection,
                    actor.user_id,
                    request,
                    idempotency_key,
                    payload=payload,
                    act=lambda: _created(
                        service.attach(
                            runtime,
                            connection,
                            actor,
                            owner_type,
                            item_id,
                            filename=upload.filename,
                            content=upload.content,
                        ),
                        collection,
                    ),
                )

        return await run_in_threadpool(attach)

    @router.get(
        f"/{collection}/{{item_id}}/attachments",
        summary=f"Anlagen einer {label} auflisten",
        response_model=list[AttachmentOut],
        responses=responses(401, 404),
        name=f"list_{owner_type}_attachments",
    )
    def list_attachments(
        item_id: ItemId, runtime: RuntimeDep, actor: MaybeActor
    ) -> list[AttachmentOut]:
        rows = service.list_attachments(runtime, actor, owner_type, item_id)
        return [_out(r, collection) for r in rows]

    @router.get(
        f"/{collection}/{{item_id}}/attachments/{{attachment_id}}",
        summary=f"Anlage einer {label} herunterladen",
        response_class=Response,
        responses={
            200: {
                "description": "Die Datei, mit dem am Inhalt erkannten Typ.",
                "content": {t: {"schema": {"type": "string", "format": "binary"}} for t in ALLOWED},
            },
            **responses(401, 404),
        },
        name=f"download_{owner_type}_attachment",
    )
    def download(
        item_id: ItemId, attachment_id: AttachmentId, runtime: RuntimeDep, actor: MaybeActor
    ) -> Response:
        found = service.read_attachment(runtime, actor, owner_type, item_id, attachment_id)
        headers = {
            **DOWNLOAD_HEADERS,
            "Content-Disposition": content_disposition(found.filename),
            "ETag": f'"{found.sha256}"',
        }
        return Response(found.content, media_type=found.content_type, headers=headers)

    @router.delete(
        f"/{collection}/{{item_id}}/attachments/{{attachment_id}}",
        summary=f"Anlage einer {label} löschen",
        description="Die Anlagen einer Vorlage, über die abgestimmt ist, bleiben (409); "
        "jede Löschung steht im Verlauf der Maßnahme oder Vorlage.",
        status_code=204,
        response_class=Response,
        responses=responses(401, 403, 404, 409),
        name=f"delete_{owner_type}_attachment",
    )
    def delete(
        item_id: ItemId,
        attachment_id: AttachmentId,
        runtime: RuntimeDep,
        connection: WriteDep,
        actor: CurrentActor,
    ) -> Response:
        service.remove(runtime, connection, actor, owner_type, item_id, attachment_id)
        return Response(status_code=204)


_register("measure", "measures", "Maßnahme")
_register("paper", "papers", "Vorlage")
