"""What the API says about programmes (Arbeitspapiere)."""

from __future__ import annotations

from datetime import datetime

from pydantic import ConfigDict, Field

from service.api.answers import Answer
from service.api.payloads import Payload

DURATION = r"^P(\d+[YMWD])+$"


class ProgrammeOut(Answer):
    id: int
    title: str = Field(examples=["Arbeitspapier zur weiteren Digitalisierung der Verwaltung"])
    description: str | None
    owner_person_id: int | None
    owner_name: str | None = Field(
        description="Verantwortlich; für die Öffentlichkeit ausgeblendet."
    )
    paper_id: int | None = Field(
        description="Vorlage, mit der das Arbeitspapier beschlossen wurde."
    )
    review_cycle: str = Field(examples=["P6M"], description="Überprüfungszyklus (ISO 8601).")
    created_at: datetime
    version: int = Field(
        examples=[3],
        description="Version (auch als `ETag`); beim Ändern als `version` oder `If-Match` "
        "zurückgeben.",
    )


class ProgrammePage(Answer):
    items: list[ProgrammeOut]
    next_cursor: str | None = Field(description="Für die nächste Seite als `cursor` übergeben.")


class ProgrammeCreate(Payload):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=500, examples=["Arbeitspapier Eigenbetriebe"])
    description: str | None = Field(default=None, max_length=20_000)
    owner_person_id: int | None = Field(
        default=None, ge=1, le=2**31 - 1, description="Ohne Angabe die eigene Person."
    )
    paper_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    review_cycle: str = Field(default="P6M", pattern=DURATION, max_length=20)


class ProgrammeUpdate(Payload):
    model_config = ConfigDict(extra="forbid")

    version: int | None = Field(
        default=None,
        ge=1,
        le=2**31 - 1,
        examples=[3],
        description="Zuletzt gelesene Version; nötig, außer der Kopf `If-Match` nennt sie.",
    )
    title: str | None = Field(default=None, min_length=1, max_length=500)
    description: str | None = Field(default=None, max_length=20_000)
    owner_person_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    paper_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    review_cycle: str | None = Field(default=None, pattern=DURATION, max_length=20)
    comment: str | None = Field(
        default=None,
        max_length=20_000,
        description="Ergebnis der Überprüfung; steht mit den Änderungen im Verlauf.",
    )
