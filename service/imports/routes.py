"""``POST /api/v1/measures/import``: measures from a CSV or Excel file, all or nothing."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from service.actor import Actor
from service.api.deps import CurrentActor, RuntimeDep
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

router = APIRouter(prefix="/api/v1/measures", tags=["Maßnahmen"])


def _run(
    runtime: Runtime,
    actor: Actor,
    source: ImportFile,
    programme: str | None,
    dry_run: bool,
) -> ImportReport:
    transaction = runtime.read() if dry_run else runtime.write()
    with transaction as connection:
        return import_measures(
            runtime, connection, actor, source=source, programme=programme, dry_run=dry_run
        )


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
) -> MeasureImportResult:
    require_importer(actor)
    upload = await read_upload(request, runtime.settings.max_upload_bytes)
    # Read (and refused when too large) before the write transaction, never inside it.
    source = await run_in_threadpool(read_import, upload.filename or "Upload", upload.content)
    report = await run_in_threadpool(_run, runtime, actor, source, programme, dry_run)
    return MeasureImportResult(
        filename=report.filename,
        programme_id=report.programme_id,
        dry_run=report.dry_run,
        count=len(report.rows),
        measures=[
            ImportedMeasure(row=r.row, code=r.code, title=r.title, id=r.id) for r in report.rows
        ],
    )
