"""``POST /api/v1/measures/import``: measures from a CSV or Excel file, all or nothing."""

from __future__ import annotations

import hashlib
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from service.actor import Actor
from service.api.deps import CurrentActor, RuntimeDep
from service.api.idempotency import IdempotencyKeyHeader, respond_once
from service.api.once import OnceRoute
from service.api.problems import responses
from service.api.uploads import UPLOAD_BODY, read_upload
from service.imports.schemas import ImportedMeasure, MeasureImportResult
from service.imports.service import (
    ImportFile,
    ImportReport,
    import_measures,
    read_import,
    require_importer,
)
from service.runtime import Runtime

router = APIRouter(prefix="/api/v1/measures", tags=["Maßnahmen"], route_class=OnceRoute)


def _run(
    runtime: Runtime,
    actor: Actor,
    request: Request,
    key: str | None,
    source: ImportFile,
    payload: dict[str, Any],
) -> Response:
    programme, dry_run = payload["programme"], payload["dry_run"]
    if dry_run:
        # A dry run writes nothing, so it has nothing to do only once.
        with runtime.read() as connection:
            return _answer(
                import_measures(
                    runtime, connection, actor, source=source, programme=programme, dry_run=True
                )
            )
    with runtime.write() as connection:
        return respond_once(
            runtime,
            connection,
            actor.user_id,
            request,
            key,
            payload=payload,
            act=lambda: _answer(
                import_measures(
                    runtime, connection, actor, source=source, programme=programme, dry_run=False
                )
            ),
        )


def _answer(report: ImportReport) -> Response:
    result = MeasureImportResult(
        filename=report.filename,
        programme_id=report.programme_id,
        dry_run=report.dry_run,
        count=len(report.rows),
        measures=[
            ImportedMeasure(row=r.row, code=r.code, title=r.title, id=r.id) for r in report.rows
        ],
    )
    return JSONResponse(result.model_dump(mode="json"))


@router.post(
    "/import",
    summary="Maßnahmen aus CSV oder Excel importieren",
    description="Formularfeld `file` (CSV mit `;`, `,` oder Tabulator in UTF-8, "
    "Windows-1252 oder UTF-16, oder .xlsx). Spalten: Kennung, "
    "Titel, Beschreibung, Verantwortlich (Benutzername oder „Vorname Nachname“), "
    "Öffentlich (ja/nein), Kosten einmalig, Kosten laufend, Nutzen, personenbezogen, "
    "sicherheitsrelevant, personalwirksam, Zieldatum. Jede Zeile wird geprüft; ist eine "
    "fehlerhaft, wird nichts gespeichert und 422 nennt jede Zeile mit Spalte und Grund, "
    "alle in einem Durchgang; eine Zeile mit mehr Zellen als Spalten gehört dazu. "
    "Höchstens 10.000 Zeilen und 50 Spalten; eine Excel-Datei entpackt höchstens 50 MB.",
    response_model=MeasureImportResult,
    responses=responses(401, 403, 413, 422),
    openapi_extra=UPLOAD_BODY,
)
async def import_measures_route(
    request: Request,
    runtime: RuntimeDep,
    actor: CurrentActor,
    dry_run: Annotated[bool, Query(description="Nur prüfen, nichts speichern.")] = False,
    programme: Annotated[
        str | None,
        Query(max_length=500, description="Arbeitspapier: Nummer oder genauer Titel."),
    ] = None,
    idempotency_key: IdempotencyKeyHeader = None,
) -> Response:
    require_importer(actor)
    upload = await read_upload(request, runtime.settings.max_upload_bytes)
    # Read (and refused when too large) before the write transaction, never inside it.
    source = await run_in_threadpool(read_import, upload.filename or "Upload", upload.content)
    payload = {
        "filename": upload.filename,
        "sha256": hashlib.sha256(upload.content).hexdigest(),
        "programme": programme,
        "dry_run": dry_run,
    }
    return await run_in_threadpool(_run, runtime, actor, request, idempotency_key, source, payload)
