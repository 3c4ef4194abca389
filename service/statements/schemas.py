"""What the API says about Stellungnahmen, and what it takes to give one."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from service.api.payloads import Payload


class StatementOut(BaseModel):
    id: int
    kind: Literal["datenschutz", "informationssicherheit", "personalrat"]
    kind_label: str = Field(examples=["Datenschutzbeauftragte"])
    outcome: Literal["zustimmend", "mit_auflagen", "ablehnend"]
    given_on: date
    text: str | None
    author: str | None = Field(description="Verfasser; für die Öffentlichkeit ausgeblendet.")
    created_at: datetime


class StatementCreate(Payload):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["datenschutz", "informationssicherheit", "personalrat"] | None = Field(
        default=None,
        description="Art der Stellungnahme; ohne Angabe die Rolle des Verfassers (nötig nur, "
        "wer mehrere dieser Rollen hat).",
    )
    outcome: Literal["zustimmend", "mit_auflagen", "ablehnend"] = Field(examples=["mit_auflagen"])
    given_on: date = Field(examples=["2024-01-15"], description="Datum der Stellungnahme.")
    text: str | None = Field(
        default=None,
        max_length=20_000,
        examples=["Zustimmung unter Auflagen: Löschkonzept vorlegen."],
    )


STATEMENT_KIND_LABELS = {
    "datenschutz": "Datenschutzbeauftragte",
    "informationssicherheit": "Informationssicherheitsbeauftragte",
    "personalrat": "Personalrat",
}


def statement_out(row: Any, author: str | None) -> StatementOut:
    """A statement with its author's name, which the service gives to staff only."""
    return StatementOut(
        id=row.id,
        kind=row.kind,
        kind_label=STATEMENT_KIND_LABELS.get(row.kind, row.kind),
        outcome=row.outcome,
        given_on=row.given_on,
        text=row.text,
        author=author,
        created_at=row.created_at,
    )
