"""Importing measures from CSV or Excel: every row checked first, then all kept or none.

The file is read first, outside any transaction (``read_import``: bounded in rows, columns
and unpacked size), so parsing it never holds the write lock. Validation against the
database and creation then run in one write transaction, so the codes and persons checked
are still true when the rows are written; each measure is inserted through the one insert path
(``measures.service.insert_measure``) with its own audit event, plus one event for the
import itself. A dry run checks the same and writes nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection

from service import access
from service.actor import Actor
from service.audit.service import record
from service.errors import ServiceError
from service.imports import repository
from service.imports.measures import MeasureRow, RowError, map_headers, parse_row
from service.imports.reading import Table, read_table
from service.measures import service as measures
from service.runtime import Runtime
from workflow.errors import FieldProblem, InvalidData

SHOWN_ERRORS = 200  # a file with more broken rows is broken as a whole; the first ones tell


class ImportFailed(ServiceError):
    slug = "import-fehlerhaft"
    title = "Import fehlerhaft"

    def __init__(self, filename: str, errors: list[RowError]) -> None:
        rows = {e.row for e in errors}
        super().__init__(
            f"„{filename}“: {len(errors)} Fehler in {len(rows)} Zeile(n); nichts wurde "
            "gespeichert. " + " ".join(f"{e}." for e in errors[:5])
        )
        self.filename = filename
        self.errors = errors

    def extensions(self) -> dict[str, Any]:
        shown = self.errors[:SHOWN_ERRORS]
        return {"rows": [{"row": e.row, "column": e.column, "message": e.message} for e in shown]}


class ProgrammeUnclear(ServiceError):
    slug = "arbeitspapier-unklar"
    title = "Arbeitspapier unklar"


@dataclass(frozen=True)
class ImportedRow:
    row: int
    code: str
    title: str
    id: int | None


@dataclass(frozen=True)
class ImportFile:
    """An uploaded table, read and within the limits; what ``import_measures`` takes."""

    filename: str
    sha256: str
    table: Table


def read_import(filename: str, content: bytes) -> ImportFile:
    """Reads the table of a file; call it before a transaction is opened."""
    return ImportFile(filename, hashlib.sha256(content).hexdigest(), read_table(filename, content))


@dataclass(frozen=True)
class ImportReport:
    filename: str
    programme_id: int
    dry_run: bool
    rows: list[ImportedRow]


def require_importer(actor: Actor) -> None:
    """Only the AG lead imports measures (and the system, from the command line without
    ``--as``); the API asks before it reads a large upload."""
    if not access.is_system(actor):
        access.require(actor, "import.measures")


def import_measures(
    runtime: Runtime,
    connection: Connection,
    actor: Actor,
    *,
    source: ImportFile,
    programme: str | None = None,
    dry_run: bool = False,
) -> ImportReport:
    require_importer(actor)
    body_id = runtime.body_id_in(connection)
    programme_id = resolve_programme(connection, programme, body_id)
    spec = runtime.registry.latest("massnahme").spec
    filename, table = source.filename, source.table
    mapped, errors = map_headers(table.headers, spec)
    parsed: list[MeasureRow] = []
    if not errors:  # with a wrong header, the cells cannot be told apart
        for number, cells in table.rows:
            row, row_errors = parse_row(number, cells, mapped, spec)
            errors.extend(row_errors)
            parsed.append(row)
        # Rows with problems too: what did read (Kennung, person) is checked as well, so
        # that one pass names every problem of the file.
        errors.extend(_check_against_database(connection, body_id, programme_id, parsed))
    if errors:
        raise ImportFailed(filename, sorted(errors, key=lambda e: e.row))
    if dry_run:
        return ImportReport(
            filename,
            programme_id,
            True,
            [ImportedRow(r.row, r.code, r.title, None) for r in parsed],
        )
    created = [
        ImportedRow(
            r.row, r.code, r.title, _insert(runtime, connection, actor, r, programme_id, filename)
        )
        for r in parsed
    ]
    record(
        connection,
        runtime.chain_key,
        actor=actor,
        now=runtime.now(),
        action="measure.import",
        entity_type="programme",
        entity_id=programme_id,
        context={
            "rows": len(created),
            "measure_id": [r.id for r in created],
            "sha256": source.sha256,
        },
    )
    return ImportReport(filename, programme_id, False, created)


def _insert(
    runtime: Runtime,
    connection: Connection,
    actor: Actor,
    row: MeasureRow,
    programme_id: int,
    filename: str,
) -> int:
    try:
        return measures.insert_measure(
            runtime,
            connection,
            actor,
            programme_id=programme_id,
            code=row.code,
            title=row.title,
            fields=row.fields,
            description=row.description,
            responsible_person_id=row.responsible_person_id,
            public=row.public,
        )
    except InvalidData as exc:
        # Taken since the check (another transaction won the race for the Kennung): the
        # file is refused as the check refuses it, nothing kept.
        taken = [p for p in exc.problems if p.field == "code"]
        if not taken:
            raise
        raise ImportFailed(filename, [_code_taken(row, taken[0])]) from None


def _code_taken(row: MeasureRow, problem: FieldProblem) -> RowError:
    """The row refused in the words of the form and the API (the measure holding the
    Kennung, the next free one); a row's reason ends without a full stop."""
    return RowError(row.row, "Kennung", problem.message.removesuffix("."))


def resolve_programme(connection: Connection, programme: str | None, body_id: int) -> int:
    """An Arbeitspapier of the body by id or exact title; without one, the only one there is
    (another body's are not named, as if they did not exist)."""
    rows = repository.programmes_by_id(connection, body_id)
    if programme is not None and programme.strip():
        wanted = programme.strip()
        for row in rows:
            if str(row.id) == wanted or row.title == wanted:
                return int(row.id)
        raise ProgrammeUnclear(f"Arbeitspapier „{wanted}“ nicht gefunden. {_listed(rows)}")
    if len(rows) == 1:
        return int(rows[0].id)
    raise ProgrammeUnclear(
        "Bitte das Arbeitspapier angeben (Nummer oder genauer Titel). " + _listed(rows)
    )


def _listed(rows: list[Any]) -> str:
    if not rows:
        return "Es gibt noch kein Arbeitspapier."
    return "Vorhanden: " + "; ".join(f"{r.id} „{r.title}“" for r in rows) + "."


def _check_against_database(
    connection: Connection, body_id: int, programme_id: int, rows: list[MeasureRow]
) -> list[RowError]:
    errors: list[RowError] = []
    taken = repository.codes_of(connection, body_id)
    first_row: dict[str, int] = {}
    for row in rows:
        key = row.code.lower()  # "" when the Kennung did not read (named already)
        if key in taken:
            answer = measures.answer_to_taken_code(connection, body_id, row.code)
            errors.append(_code_taken(row, answer))
        elif key in first_row:
            errors.append(
                RowError(row.row, "Kennung", f"„{row.code}“ steht schon in Zeile {first_row[key]}")
            )
        elif key:
            first_row[key] = row.row
        if row.responsible is not None:
            person_id = _person(connection, row.responsible, body_id)
            if person_id is None:
                errors.append(
                    RowError(
                        row.row,
                        "Verantwortlich",
                        f"„{row.responsible}“ ist weder ein Benutzername noch genau eine "
                        "Person (Vorname Nachname)",
                    )
                )
            row.responsible_person_id = person_id
    return errors


def _person(connection: Connection, who: str, body_id: int) -> int | None:
    by_login = repository.person_of_login(connection, who, body_id)
    if by_login is not None:
        return by_login
    found = repository.persons_named(connection, who, body_id)
    return found[0] if len(found) == 1 else None
