"""What the API says about measures; table rows never leave the service directly."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field, field_validator
from pydantic_core import PydanticCustomError


class AllowedTransition(BaseModel):
    event: str = Field(examples=["an_fva_uebergeben"])
    label: str = Field(examples=["Dem Finanz- und Verwaltungsausschuss zur Vorberatung vorlegen"])
    target: str
    requires: list[str]
    optional: list[str]
    comment_required: bool
    blocked_by: list[str] = Field(description="Bedingungen, die derzeit noch nicht erfüllt sind.")


class MeasureSummary(BaseModel):
    id: int
    code: str = Field(examples=["M-01"])
    title: str = Field(examples=["Einführung der E-Akte"])
    state: str = Field(examples=["umsetzung"])
    state_label: str = Field(examples=["Umsetzung"])
    version: int
    programme_id: int
    public: bool


class MeasureDetail(MeasureSummary):
    description: str | None
    responsible_person_id: int | None
    definition: str
    definition_version: int
    fields: dict[str, Any]
    allowed_transitions: list[AllowedTransition]
    created_at: datetime
    updated_at: datetime


class MeasurePage(BaseModel):
    items: list[MeasureSummary]
    next_cursor: str | None = Field(description="Für die nächste Seite als `cursor` übergeben.")


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


class TransitionRequest(BaseModel):
    event: str = Field(examples=["einreichen"], description="Name des Ereignisses.")
    version: int = Field(examples=[1], description="Version, die der Aufrufer zuletzt gelesen hat.")
    comment: str | None = Field(default=None, max_length=10_000)
    data: dict[str, Any] = Field(default_factory=dict, examples=[{"fortschritt": 60}])

    @field_validator("comment", "data")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        # PostgreSQL cannot store NUL in text and SQLite would: refuse it on both alike.
        if _has_nul(value):
            raise PydanticCustomError("nul_character", "Text enthält ein Nullzeichen")
        return value


class DeadlineOut(BaseModel):
    name: str
    label: str
    due_at: datetime


class TransitionResponse(BaseModel):
    id: int
    event: str
    from_state: str
    to_state: str
    version: int
    deadline: DeadlineOut | None
    carried_measure_ids: list[int] = Field(default_factory=list)


class HistoryItem(BaseModel):
    at: datetime
    event: str
    label: str
    from_state: str
    to_state: str
    actor: str | None = Field(description="Benutzer; für die Öffentlichkeit ausgeblendet.")
    role: str | None
    comment: str | None
    data: dict[str, Any]
