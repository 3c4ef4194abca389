"""What a body sets for itself, held in ``bodies.settings``: every value is optional and,
where a body leaves it out, the deployment's setting from the environment holds. So a
single-body deployment configured by environment variables behaves as before, and a
hosting provider sets each city's texts, sender and thresholds per body."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from service.texts import control_problem

LANDS = {
    "BB": "Brandenburg",
    "BE": "Berlin",
    "BW": "Baden-Württemberg",
    "BY": "Bayern",
    "HB": "Bremen",
    "HE": "Hessen",
    "HH": "Hamburg",
    "MV": "Mecklenburg-Vorpommern",
    "NI": "Niedersachsen",
    "NW": "Nordrhein-Westfalen",
    "RP": "Rheinland-Pfalz",
    "SH": "Schleswig-Holstein",
    "SL": "Saarland",
    "SN": "Sachsen",
    "ST": "Sachsen-Anhalt",
    "TH": "Thüringen",
}


class BodySettings(BaseModel):
    """A body's own settings; None: the deployment's value."""

    model_config = ConfigDict(extra="forbid")

    site_name: str | None = Field(default=None, max_length=200)
    mail_sender: str | None = Field(default=None, max_length=254)
    imprint_text: str | None = None
    privacy_text: str | None = None
    accessibility_text: str | None = None
    # Thresholds of the Beschlusskontrolle's traffic light (service.reports.config).
    red_states: list[str] | None = None
    lag_points: int | None = Field(default=None, ge=0, le=100)
    near_days: int | None = Field(default=None, ge=0)
    near_min_progress: int | None = Field(default=None, ge=0, le=100)
    # The budget calendar (service.deadlines.budget_calendar): the day, "TT.MM", by which
    # measures are registered for the following year's Haushalt, and the years of the
    # Finanzplanung after the budget year.
    budget_registration_day: str | None = Field(default=None, pattern=r"^\d{2}\.\d{2}$")
    financial_plan_years: int | None = Field(default=None, ge=0, le=10)
    # When a change of a decided measure needs an Änderungsbeschluss (service.baseline).
    baseline_cost_percent: int | None = Field(default=None, ge=0, le=1000)
    baseline_cost_absolute: int | None = Field(default=None, ge=0)
    baseline_target_months: int | None = Field(default=None, ge=0, le=120)

    @field_validator("site_name", "mail_sender")
    @classmethod
    def _one_line(cls, value: str | None) -> str | None:
        # Both end up in headers (the mail's From, the page's title): one line only.
        if value is not None and (message := control_problem(value, multiline=False)):
            raise ValueError(message)
        return value

    def given(self, *names: str) -> dict[str, Any]:
        """The values this body sets among ``names`` (for overlaying deployment settings)."""
        return {n: getattr(self, n) for n in names if getattr(self, n) is not None}


@dataclass(frozen=True)
class BodyProfile:
    """A body as a unit of work sees it."""

    id: int
    slug: str
    name: str
    land: str
    host: str | None
    settings: BodySettings

    @classmethod
    def of(cls, row: Any) -> BodyProfile:
        return cls(
            row.id,
            row.slug,
            row.name,
            row.land,
            row.host,
            BodySettings.model_validate(row.settings or {}),
        )

    @property
    def land_name(self) -> str:
        return LANDS.get(self.land, self.land)
