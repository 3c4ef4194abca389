"""What the API says about measures; table rows never leave the service directly."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, field_validator

from service.api.answers import Answer
from service.api.money import Money
from service.api.payloads import OMIT_ONLY, Payload, refuse_nul
from service.budget.schemas import BudgetLineOut
from service.milestones.schemas import MilestoneOut
from service.statements.schemas import StatementOut


class AllowedTransition(Answer):
    event: str = Field(examples=["an_fva_uebergeben"])
    label: str = Field(examples=["Dem Finanz- und Verwaltungsausschuss zur Vorberatung vorlegen"])
    target: str
    requires: list[str]
    optional: list[str]
    comment_required: bool
    blocked_by: list[str] = Field(description="Bedingungen, die derzeit noch nicht erfüllt sind.")
    missing_fields: list[str] = Field(
        default_factory=list,
        description="Felder ohne Wert, die eine Bedingung aus `blocked_by` verlangt; "
        "mit PATCH /measures/{id} nachzutragen.",
        examples=[["kosten_laufend", "nutzen"]],
    )


class MeasureSummary(Answer):
    id: int
    code: str = Field(examples=["M-01"])
    title: str = Field(examples=["Einführung der E-Akte"])
    state: str = Field(examples=["umsetzung"])
    state_label: str = Field(examples=["Umsetzung"])
    version: int
    programme_id: int
    public: bool
    responsible_person_id: int | None = None
    updated_at: datetime | None = None


class OpenDeadline(Answer):
    name: str
    label: str
    due_at: datetime
    overdue: bool


class DeviationOut(Answer):
    field: str = Field(examples=["kosten_einmalig"])
    label: str = Field(examples=["Einmalige Kosten"])
    decided: Any
    current: Any
    text: str = Field(description="Die Abweichung vom Beschluss, wie sie eine Person liest.")


class BaselineOut(Answer):
    """What the council decided (frozen at its decision or an Änderungsbeschluss)."""

    resolution_number: str | None = Field(examples=["SR/0456/24"])
    decided_on: date
    paper_id: int
    title: str
    description: str | None
    one_off_cost: Money | None
    recurring_cost: Money | None
    target_date: date | None
    deviations: list[DeviationOut] = Field(
        description="Abweichungen vom Beschluss (leer: wie beschlossen)."
    )


class MeasureDetail(MeasureSummary):
    description: str | None
    responsible_person_name: str | None = Field(
        description="Name der verantwortlichen Person; für die Öffentlichkeit ausgeblendet."
    )
    definition: str
    definition_version: int
    fields: dict[str, Any]
    allowed_transitions: list[AllowedTransition]
    created_at: datetime
    statements: list[StatementOut] = Field(default_factory=list)
    budget_lines: list[BudgetLineOut] = Field(default_factory=list)
    milestones: list[MilestoneOut] = Field(default_factory=list)
    open_deadlines: list[OpenDeadline] = Field(default_factory=list)
    baseline: BaselineOut | None = Field(
        default=None, description="Der Beschluss, an den die Maßnahme gebunden ist."
    )


class MeasurePage(Answer):
    items: list[MeasureSummary]
    next_cursor: str | None = Field(description="Für die nächste Seite als `cursor` übergeben.")


class TransitionRequest(Payload):
    event: str = Field(examples=["einreichen"], description="Name des Ereignisses.")
    version: int = Field(examples=[1], description="Version, die der Aufrufer zuletzt gelesen hat.")
    comment: str | None = Field(default=None, max_length=10_000)
    data: dict[str, Any] = Field(
        default_factory=dict,
        description="Angaben des Schritts. Beträge als JSON-Zahl oder Text mit Punkt und "
        'höchstens zwei Nachkommastellen (`12500.5`, `"12500.50"`), ganze Zahlen ohne '
        'Nachkommastellen; `"12.500,00"`, `"12.500"` und `"1e3"` ergeben 422.',
        examples=[{"fortschritt": 60}],
    )

    @field_validator("comment", "data")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        return refuse_nul(value)


class DeadlineOut(Answer):
    name: str
    label: str
    due_at: datetime


class TransitionResponse(Answer):
    id: int
    event: str
    from_state: str
    to_state: str
    version: int
    deadline: DeadlineOut | None
    carried_measure_ids: list[int] = Field(default_factory=list)


class HistoryItem(Answer):
    at: datetime = Field(
        description="Wann der Schritt wirksam wurde; ein Beschluss am Tag seiner Sitzung."
    )
    recorded_at: datetime | None = Field(
        default=None, description="Wann der Schritt erfasst wurde (bei Beschlüssen oft später)."
    )
    event: str
    label: str
    from_state: str
    to_state: str
    actor: str | None = Field(description="Benutzer; für die Öffentlichkeit ausgeblendet.")
    role: str | None
    comment: str | None
    data: dict[str, Any]
    vote_id: int | None = Field(
        default=None,
        description="Die erfasste Abstimmung, aus der der Schritt folgt (`votes[].id` der "
        "Vorlage); leer bei Schritten ohne Abstimmung, bei Einträgen von vor der Zuordnung "
        "und bei Abstimmungen, die der Aufrufer nicht sehen darf.",
    )


class MeasureCreate(Payload):
    """A new measure; it starts in the initial state of the newest ``massnahme`` version."""

    model_config = ConfigDict(extra="forbid")

    programme_id: int = Field(ge=1, le=2**31 - 1, description="Arbeitspapier der Maßnahme.")
    code: str = Field(min_length=1, max_length=30, examples=["M-10"])
    title: str = Field(min_length=1, max_length=500, examples=["Digitale Bauakte"])
    description: str | None = Field(default=None, max_length=20_000)
    responsible_person_id: int | None = Field(
        default=None,
        ge=1,
        le=2**31 - 1,
        description="Verantwortliche Person; ohne Angabe die eigene Person.",
    )
    public: bool = Field(
        default=False, description="Öffentlich sichtbar; ein Entwurf ist es erst auf Wunsch."
    )
    fields: dict[str, Any] = Field(
        default_factory=dict,
        description="Bearbeitbare Felder der Ablaufdefinition (z. B. Kosten, Nutzen); "
        'Beträge als JSON-Zahl oder Text mit Punkt, z. B. `"12500.00"`, höchstens zwei '
        "Nachkommastellen.",
        examples=[
            {"kosten_einmalig": "12500.00", "nutzen": "Weniger Wege.", "personenbezogen": True}
        ],
    )


class MeasureUpdate(Payload):
    """Only the members sent are changed; ``null`` in ``fields`` clears a field."""

    model_config = ConfigDict(extra="forbid")

    version: int | None = Field(
        default=None, description="Zuletzt gelesene Version (oder Kopf `If-Match`)."
    )
    code: Annotated[str | None, OMIT_ONLY] = Field(default=None, min_length=1, max_length=30)
    title: Annotated[str | None, OMIT_ONLY] = Field(default=None, min_length=1, max_length=500)
    description: Annotated[str | None, OMIT_ONLY] = Field(default=None, max_length=20_000)
    responsible_person_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    public: Annotated[bool | None, OMIT_ONLY] = None
    fields: dict[str, Any] | None = Field(default=None, examples=[{"kosten_laufend": 2400}])
    amendment: str | None = Field(
        default=None,
        max_length=50,
        description="Drucksachennummer der beschlossenen Änderungsvorlage, auf die sich eine "
        "Änderung über die Schwelle hinaus stützt (Änderungsbeschluss).",
    )


SortKey = Literal[
    "id", "-id", "code", "-code", "title", "-title", "state", "-state", "updated_at", "-updated_at"
]
