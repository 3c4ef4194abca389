"""Haushaltsansätze: per measure and per Haushaltsjahr, edited by role, imported from CSV."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, UploadFile

from service import keyset
from service.api.deps import MAX_ID, CurrentActor, Cursor, Limit, MaybeActor, RuntimeDep, WriteDep
from service.api.once import OnceRoute
from service.api.problems import responses
from service.api.uploads import TooLarge
from service.budget import service
from service.budget.schemas import (
    BudgetLineCreate,
    BudgetLineListItem,
    BudgetLineOut,
    BudgetLinePage,
    BudgetLineUpdate,
    SpentImportResult,
)

router = APIRouter(prefix="/api/v1", tags=["Haushaltsansätze"], route_class=OnceRoute)
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
MAX_IMPORT_BYTES = 2 * 1024 * 1024
BY_ID = keyset.Sort("id")


def _out(row: object) -> BudgetLineOut:
    return BudgetLineOut.model_validate(row, from_attributes=True)


@router.get(
    "/measures/{measure_id}/budget-lines",
    summary="Haushaltsansätze einer Maßnahme",
    response_model=list[BudgetLineOut],
    responses=responses(401, 404),
)
def measure_lines(measure_id: Id, runtime: RuntimeDep, actor: MaybeActor) -> list[BudgetLineOut]:
    return [_out(b) for b in service.read_measure_lines(runtime, actor, measure_id)]


@router.post(
    "/measures/{measure_id}/budget-lines",
    summary="Haushaltsansatz anlegen",
    description="Geplante Beträge: AG-Leitung oder Kämmerei; bewilligte und verausgabte "
    "Beträge: nur die Kämmerei. Eine beendete Maßnahme (Endzustand) nimmt keinen neuen "
    "Ansatz an: 409.",
    status_code=201,
    response_model=BudgetLineOut,
    responses=responses(401, 403, 404, 409, 422),
)
def create_line(
    measure_id: Id,
    body: BudgetLineCreate,
    runtime: RuntimeDep,
    connection: WriteDep,
    actor: CurrentActor,
    response: Response,
) -> BudgetLineOut:
    line_id = service.new_line(runtime, connection, actor, measure_id, body.model_dump())
    response.headers["Location"] = f"{router.prefix}/budget-lines/{line_id}"
    return _out(service.get_line(connection, line_id))


@router.get(
    "/budget-lines",
    summary="Haushaltsansätze auflisten, etwa je Haushaltsjahr",
    response_model=BudgetLinePage,
    responses=responses(401, 404, 422),
)
def list_lines(
    runtime: RuntimeDep,
    actor: MaybeActor,
    fiscal_year: Annotated[
        int | None, Query(ge=1990, le=2100, description="Haushaltsjahr.")
    ] = None,
    measure_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> BudgetLinePage:
    rows = service.read_lines(
        runtime,
        actor,
        fiscal_year=fiscal_year,
        measure_id=measure_id,
        after=keyset.decode(cursor, BY_ID, int),
        limit=limit,
    )
    items = [BudgetLineListItem.model_validate(r, from_attributes=True) for r in rows[:limit]]
    return BudgetLinePage(items=items, next_cursor=keyset.next_cursor(rows, limit, BY_ID, "id"))


@router.patch(
    "/budget-lines/{line_id}",
    summary="Haushaltsansatz ändern",
    description="Ändert nur die gesendeten Beträge; jeder Betrag, der sich ändern würde, "
    "braucht seine Rolle (sonst 403). Ist die Maßnahme beendet (Endzustand), ändert sich nur "
    "noch der verausgabte Betrag (sonst 409): Rechnungen kommen oft erst nach dem Ende.",
    response_model=BudgetLineOut,
    responses=responses(401, 403, 404, 409, 422),
)
def edit_line(
    line_id: Id,
    body: BudgetLineUpdate,
    runtime: RuntimeDep,
    connection: WriteDep,
    actor: CurrentActor,
) -> BudgetLineOut:
    changes = body.model_dump(exclude_unset=True)
    service.update_line(runtime, connection, actor, line_id, changes)
    return _out(service.get_line(connection, line_id))


@router.post(
    "/budget-lines/import",
    summary="Verausgabte Beträge aus CSV übernehmen (Kämmerei)",
    description="Spalten `Maßnahme`, `Haushaltsjahr`, `Verausgabt`, optional `Produkt/Konto`; "
    "`;` oder `,` als Trennzeichen, UTF-8 oder Windows-1252. Alles oder nichts: bei einem "
    "Fehler wird nichts übernommen, und die Antwort (422) nennt jede fehlerhafte Zeile mit "
    "Spalte.",
    response_model=SpentImportResult,
    responses=responses(401, 403, 413, 422),
)
def import_spent(
    file: UploadFile, runtime: RuntimeDep, connection: WriteDep, actor: CurrentActor
) -> SpentImportResult:
    # A plain def: FastAPI runs it in a worker thread, so the blocking read and the database
    # work never stall the event loop.
    content = file.file.read(MAX_IMPORT_BYTES + 1)
    if len(content) > MAX_IMPORT_BYTES:
        raise TooLarge(MAX_IMPORT_BYTES)
    rows, updated, unchanged = service.import_spent(runtime, connection, actor, content)
    return SpentImportResult(rows=rows, updated=updated, unchanged=unchanged)
