"""Report settings from the environment (prefix ``RATSFLOW_REPORT_``), with defaults.

The traffic-light thresholds are configuration because the council decides what counts as
late; whatever is configured is printed in the report, so the printed rules and the lights
can never disagree.
"""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from workflow.traffic_light import TrafficLightRules


class ReportSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RATSFLOW_REPORT_", extra="ignore")

    red_states: list[str] = Field(
        default=["gestoppt", "zurueckgestellt"],
        description="Zustände, in denen eine Maßnahme immer rot ist (JSON-Liste).",
    )
    lag_points: int = Field(
        default=15, description="Gelb ab diesem Rückstand des Fortschritts (Prozentpunkte)."
    )
    near_days: int = Field(default=30, description="Gelb, wenn das Zieldatum näher ist ...")
    near_min_progress: int = Field(default=80, description="... und der Fortschritt darunter.")
    overdue_red_days: int = Field(
        default=30, description="Rot, wenn eine Frist oder ein Meilenstein länger überfällig ist."
    )

    @model_validator(mode="after")
    def _rules_are_possible(self) -> ReportSettings:
        self.rules()  # refuses impossible thresholds at start-up, in German
        return self

    def rules(self) -> TrafficLightRules:
        return TrafficLightRules(
            red_states=frozenset(self.red_states),
            lag_points=self.lag_points,
            near_days=self.near_days,
            near_min_progress=self.near_min_progress,
            overdue_red_days=self.overdue_red_days,
        )


@lru_cache
def get_report_settings() -> ReportSettings:
    return ReportSettings()
