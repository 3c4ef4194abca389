from __future__ import annotations

from pydantic import Field

from service.api.answers import Answer


class ImportedMeasure(Answer):
    row: int = Field(description="Zeile in der Datei (Kopfzeile = 1).")
    code: str
    title: str
    id: int | None = Field(description="Neue Maßnahme; bei `dry_run` leer.")


class MeasureImportResult(Answer):
    filename: str
    programme_id: int
    dry_run: bool
    count: int
    measures: list[ImportedMeasure]
