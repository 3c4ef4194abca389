"""What the API says about Meilensteine, and what it takes to set one."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import ConfigDict, Field

from service.api.answers import Answer
from service.api.payloads import OMIT_ONLY, Payload


class MilestoneOut(Answer):
    id: int
    measure_id: int
    title: str = Field(examples=["Pilot im Amt 21"])
    due_on: date | None
    done_on: date | None


class MilestoneCreate(Payload):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=300, examples=["Rollout Bürgeramt"])
    due_on: date | None = Field(default=None, examples=["2026-06-30"])
    done_on: date | None = None


class MilestoneUpdate(Payload):
    model_config = ConfigDict(extra="forbid")

    title: Annotated[str | None, OMIT_ONLY] = Field(default=None, min_length=1, max_length=300)
    due_on: date | None = None
    done_on: date | None = Field(default=None, description="Erledigt am; `null` setzt zurück.")
