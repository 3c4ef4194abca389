"""The Sachstandsbericht as data: what the JSON answer holds and what the templates render."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

Audience = Literal["internal", "public"]
LightValue = Literal["rot", "gelb", "gruen"]


class DelayReason(BaseModel):
    on: date
    event: str = Field(examples=["nicht_finanzieren"])
    label: str = Field(examples=["Mangels Mitteln zurückstellen"])
    text: str = Field(examples=["Keine Mittel im Haushalt 2025; erneut für 2026 prüfen."])


class Budget(BaseModel):
    """Sums over the measure's Haushaltsansätze, in EUR."""

    planned: Decimal = Field(description="Einmalig und laufend veranschlagt.")
    approved: Decimal | None
    spent: Decimal
    spent_percent: int | None = Field(description="Verausgabt in % des Veranschlagten.")


class ReportMeasure(BaseModel):
    id: int
    code: str = Field(examples=["M-01"])
    title: str
    state: str = Field(examples=["umsetzung"])
    state_label: str = Field(examples=["Umsetzung"])
    public: bool
    progress: int | None = Field(description="Zuletzt gemeldeter Fortschritt in %.")
    expected_progress: int | None = Field(
        description="Anteil der Zeit von Beginn der Umsetzung bis zum Zieldatum, der am "
        "Stichtag verstrichen ist, in %."
    )
    start_date: date | None = Field(description="Beginn der Umsetzung.")
    target_date: date | None
    light: LightValue
    light_label: str = Field(examples=["Gelb"])
    light_reasons: list[str]
    delay_reasons: list[DelayReason]
    budget: Budget | None
    responsible: str | None = Field(description="Verantwortliche Person; öffentlich ausgeblendet.")


class ReportProgramme(BaseModel):
    id: int
    title: str
    paper_reference: str | None = Field(examples=["VII/0680/24"])
    measures: list[ReportMeasure]
    budget: Budget | None


class Count(BaseModel):
    key: str
    label: str
    count: int


class RulesOut(BaseModel):
    red_states: list[str]
    lag_points: int
    near_days: int
    near_min_progress: int
    text: list[str] = Field(description="Die Regeln, wie der Bericht sie abdruckt.")


class SachstandReport(BaseModel):
    period: str = Field(examples=["2024-H1"])
    period_label: str = Field(examples=["1. Halbjahr 2024"])
    period_start: date
    period_end: date
    as_of: date = Field(description="Stichtag: Tag, an dem der Bericht erstellt wurde.")
    generated_at: datetime
    audience: Audience
    body: str | None = Field(examples=["Stadt Aschersleben"])
    rules: RulesOut
    measure_count: int
    lights: list[Count]
    states: list[Count]
    programmes: list[ReportProgramme]
