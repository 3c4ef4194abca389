"""What the API says about Stellungnahmen, and what it takes to give one."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import ConfigDict, Field

from service.api.answers import Answer
from service.api.payloads import Payload


class ConditionOut(Answer):
    id: int
    text: str
    fulfilled: bool
    fulfilled_at: datetime | None
    fulfilled_by: str | None = Field(description="Wer sie als erfüllt vermerkt hat; nur intern.")
    note: str | None


class WeighingOut(Answer):
    id: int
    statement_id: int
    reason: str
    decided_at: datetime
    decided_by: str | None = Field(
        description="Verwaltungsleitung; für die Öffentlichkeit ausgeblendet."
    )


class StatementOut(Answer):
    id: int
    kind: Literal["datenschutz", "informationssicherheit", "personalrat"]
    kind_label: str = Field(examples=["Datenschutzbeauftragte"])
    outcome: Literal["zustimmend", "mit_auflagen", "ablehnend"]
    given_on: date
    text: str | None
    author: str | None = Field(description="Verfasser; für die Öffentlichkeit ausgeblendet.")
    created_at: datetime
    conditions: list[ConditionOut] = Field(
        default_factory=list, description="Auflagen (nur bei „mit Auflagen“)."
    )
    weighing: WeighingOut | None = Field(
        default=None,
        description="Abwägung der Verwaltungsleitung nach einer ablehnenden Stellungnahme.",
    )


class StatementRequestOut(Answer):
    id: int
    kind: Literal["datenschutz", "informationssicherheit", "personalrat"]
    kind_label: str
    requested_at: datetime
    due_at: datetime
    closed_at: datetime | None
    statement_id: int | None


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
    conditions: list[str] = Field(
        default_factory=list,
        max_length=50,
        description="Die Auflagen, jede für sich (nötig bei „mit Auflagen“, sonst leer); "
        "die Maßnahme wird erst abgeschlossen, wenn jede als erfüllt vermerkt ist.",
        examples=[["Löschkonzept vorlegen", "Verarbeitungsverzeichnis ergänzen"]],
    )


class WeighingCreate(Payload):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(
        max_length=20_000,
        description="Begründung, warum die Verwaltung trotz der ablehnenden Stellungnahme "
        "fortfährt.",
        examples=["Die Bedenken sind durch den Auftragsverarbeitungsvertrag ausgeräumt."],
    )


class ConditionFulfilmentCreate(Payload):
    model_config = ConfigDict(extra="forbid")

    note: str | None = Field(
        default=None, max_length=2000, examples=["Löschkonzept liegt seit 03.03.2025 vor."]
    )


STATEMENT_KIND_LABELS = {
    "datenschutz": "Datenschutzbeauftragte",
    "informationssicherheit": "Informationssicherheitsbeauftragte",
    "personalrat": "Personalrat",
}


def statement_out(row: Any, people: dict[int, str], tasks: Any = None) -> StatementOut:
    """A statement, with its Auflagen and Abwägung when ``tasks`` (the service's
    ``StatementsView``) is given; names only as the service gave them (to staff)."""
    weighing = tasks.weighings.get(row.id) if tasks is not None else None
    conditions = tasks.conditions_of(row.id) if tasks is not None else []
    return StatementOut(
        id=row.id,
        kind=row.kind,
        kind_label=STATEMENT_KIND_LABELS.get(row.kind, row.kind),
        outcome=row.outcome,
        given_on=row.given_on,
        text=row.text,
        author=people.get(row.author_person_id),
        created_at=row.created_at,
        conditions=[condition_out(c, people) for c in conditions],
        weighing=None if weighing is None else weighing_out(weighing, people),
    )


def condition_out(row: Any, people: dict[int, str]) -> ConditionOut:
    return ConditionOut(
        id=row.id,
        text=row.text,
        fulfilled=row.fulfilled_at is not None,
        fulfilled_at=row.fulfilled_at,
        fulfilled_by=people.get(row.fulfilled_by_person_id),
        note=row.fulfilment_note,
    )


def weighing_out(row: Any, people: dict[int, str]) -> WeighingOut:
    return WeighingOut(
        id=row.id,
        statement_id=row.statement_id,
        reason=row.reason,
        decided_at=row.decided_at,
        decided_by=people.get(row.decided_by_person_id),
    )


def request_out(row: Any) -> StatementRequestOut:
    return StatementRequestOut(
        id=row.id,
        kind=row.kind,
        kind_label=STATEMENT_KIND_LABELS.get(row.kind, row.kind),
        requested_at=row.requested_at,
        due_at=row.due_at,
        closed_at=row.closed_at,
        statement_id=row.statement_id,
    )
