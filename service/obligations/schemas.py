"""What the API says about the obligations from a resolution, and what it takes to record one."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import ConfigDict, Field

from service.api.answers import Answer
from service.api.payloads import Payload
from service.obligations.views import ObligationView

DutyRole = Literal["ag_leitung", "kaemmerei", "sitzungsdienst", "verwaltungsleitung"]


class FulfilmentOut(Answer):
    id: int
    due_on: date = Field(description="Die Fälligkeit, die mit diesem Nachweis erfüllt wurde.")
    fulfilled_on: date
    reference: str = Field(examples=["Informationsvorlage VII/0812/24, Kenntnisnahme FVA"])
    note: str | None
    recorded_at: datetime
    recorded_by: str | None = Field(description="Wer sie vermerkt hat; nur intern.")


class ObligationOut(Answer):
    id: int
    paper_id: int
    paper_reference: str = Field(examples=["VII/0680/24"])
    title: str
    description: str | None
    responsible_role: DutyRole
    responsible_label: str = Field(examples=["Kämmerei"])
    due_on: date = Field(description="Nächste Fälligkeit (bei erfüllten einmaligen die letzte).")
    every_months: int | None = Field(description="Rhythmus in Monaten; leer: einmalig.")
    rhythm: str = Field(examples=["halbjährlich"])
    fulfilled_by: str | None = Field(
        description="Was die Pflicht von selbst erfüllt (kenntnisnahme_sachstand); leer: "
        "eine Person vermerkt die Erfüllung."
    )
    open: bool
    overdue: bool
    days_until_due: int = Field(description="Negativ: seit so vielen Tagen überfällig.")
    fulfilments: list[FulfilmentOut]


class ObligationCreate(Payload):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(max_length=300, examples=["Halbjährliche Information des FVA"])
    description: str | None = Field(default=None, max_length=20_000)
    responsible_role: DutyRole = Field(description="Die Rolle, die die Pflicht erfüllt.")
    due_on: date = Field(examples=["2024-09-30"])
    every_months: int | None = Field(default=None, ge=1, le=60, examples=[6])
    fulfilled_by: Literal["kenntnisnahme_sachstand"] | None = Field(
        default=None,
        description="Was die Pflicht von selbst erfüllt: die Kenntnisnahme eines ausgegebenen "
        "Sachstandsberichts im FVA.",
    )


class ObligationFulfilmentCreate(Payload):
    model_config = ConfigDict(extra="forbid")

    reference: str = Field(
        max_length=300,
        description="Nachweis, z. B. die Informationsvorlage und ihre Kenntnisnahme im FVA.",
        examples=["Informationsvorlage VII/0812/24, Kenntnisnahme FVA am 20.11.2024"],
    )
    fulfilled_on: date | None = Field(default=None, description="Ohne Angabe: heute.")
    note: str | None = Field(default=None, max_length=2000)


def obligation_out(view: ObligationView, people: dict[int, str]) -> ObligationOut:
    row = view.row
    return ObligationOut(
        id=row.id,
        paper_id=row.paper_id,
        paper_reference=row.paper_reference,
        title=row.title,
        description=row.description,
        responsible_role=row.responsible_role,
        responsible_label=view.role_label,
        due_on=row.due_on,
        every_months=row.every_months,
        rhythm=view.rhythm,
        fulfilled_by=row.fulfilled_by,
        open=row.open,
        overdue=view.overdue,
        days_until_due=view.days,
        fulfilments=[
            FulfilmentOut(
                id=f.id,
                due_on=f.due_on,
                fulfilled_on=f.fulfilled_on,
                reference=f.reference,
                note=f.note,
                recorded_at=f.recorded_at,
                recorded_by=people.get(f.recorded_by_person_id),
            )
            for f in view.fulfilments
        ],
    )
