from __future__ import annotations

from pydantic import BaseModel, Field


class ImportedMeasure(BaseModel):
    row: int = Field(description="Zeile in der Datei (Kopfzeile = 1).")
    code: str
    title: str
    id: int | None = Field(description="Neue Maßnahme; bei `dry_run` leer.")


class MeasureImportResult(BaseModel):
    filename: str
    programme_id: int
    dry_run: bool
    count: int
    measures: list[ImportedMeasure]
