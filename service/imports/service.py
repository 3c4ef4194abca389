"""Importing measures from CSV or Excel: every row checked first, then all kept or none.

Validation and creation run in one write transaction, so the codes and persons checked are
still true when the rows are written; each measure is created through the one create path
(``measures.service.create_measure``) with its own audit event, plus one event for the
import itself. A dry run checks the same and writes nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from service.actor import Actor
from service.audit.service import record
from service.auth.models import User
from service.errors import ServiceError
from service.imports.measures import MeasureRow, RowError, map_headers, parse_row
from service.imports.reading import read_table
from service.measures import service as measures
from service.people.models import Person
from service.runtime import Runtime

users = User.__table__  # type: ignore[attr-defined]
persons = Person.__table__  # type: ignore[attr-defined]
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
class ImportReport:
    filename: str
    programme_id: int
    dry_run: bool
    rows: list[ImportedRow]


def import_measures(
    runtime: Runtime,
    connection: Connection,
    actor: Actor,
    *,
    filename: str,
    content: bytes,
    programme: str | None = None,
    dry_run: bool = False,
) -> ImportReport:
    programme_id = resolve_programme(connection, programme)
    spec = runtime.registry.latest("massnahme").spec
    table = read_table(filename, content)
    mapped, errors = map_headers(table.headers, spec)
    parsed: list[MeasureRow] = []
    if not errors:
        for number, cells in table.rows:
            row, row_errors = parse_row(number, cells, mapped, spec)
            errors.extend(row_errors)
            if row is not None:
                parsed.append(row)
        errors.extend(_check_against_database(connection, programme_id, parsed))
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
            r.row,
            r.code,
            r.title,
            measures.create_measure(
                runtime,
                connection,
                actor,
                programme_id=programme_id,
                code=r.code,
                title=r.title,
                fields=r.fields,
                description=r.description,
                responsible_person_id=r.responsible_person_id,
                public=r.public,
            ),
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
            "sha256": hashlib.sha256(content).hexdigest(),
        },
    )
    return ImportReport(filename, programme_id, False, created)


def resolve_programme(connection: Connection, programme: str | None) -> int:
    """An Arbeitspapier by id or exact title; without one, the only one there is."""
    table = measures.programmes
    rows = list(connection.execute(select(table.c.id, table.c.title).order_by(table.c.id)))
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
    connection: Connection, programme_id: int, rows: list[MeasureRow]
) -> list[RowError]:
    errors: list[RowError] = []
    table = measures.measures
    taken = set(
        connection.execute(
            select(table.c.code).where(table.c.programme_id == programme_id)
        ).scalars()
    )
    first_row: dict[str, int] = {}
    for row in rows:
        if row.code in taken:
            errors.append(
                RowError(row.row, "Kennung", f"„{row.code}“ gibt es im Arbeitspapier schon")
            )
        elif row.code in first_row:
            errors.append(
                RowError(
                    row.row, "Kennung", f"„{row.code}“ steht schon in Zeile {first_row[row.code]}"
                )
            )
        else:
            first_row[row.code] = row.row
        if row.responsible is not None:
            person_id = _person(connection, row.responsible)
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


def _person(connection: Connection, who: str) -> int | None:
    by_login = connection.execute(
        select(users.c.person_id).where(users.c.username == who, users.c.person_id.is_not(None))
    ).scalar()
    if by_login is not None:
        return int(by_login)
    full_name = func.lower(persons.c.given_name + " " + persons.c.family_name)
    found = list(
        connection.execute(
            select(persons.c.id).where(full_name == who.lower(), persons.c.erased_at.is_(None))
        ).scalars()
    )
    return int(found[0]) if len(found) == 1 else None
