"""What the API says about persons; the public sees council members' public data only."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import ConfigDict, Field

from service.api.answers import Answer
from service.api.payloads import OMIT_ONLY, Payload, Text


class PersonCreate(Payload):
    model_config = ConfigDict(extra="forbid")

    given_name: Text | None = Field(default=None, max_length=100, examples=["Karin"])
    family_name: Text = Field(min_length=1, max_length=100, examples=["Albrecht"])
    title: Text | None = Field(default=None, max_length=50, examples=["Dr."])
    function: Text | None = Field(
        default=None, max_length=200, examples=["Mitglied des Stadtrates"]
    )
    email: Text | None = Field(default=None, max_length=254)
    is_staff: bool = Field(
        default=False, description="Beschäftigte der Verwaltung: nie öffentlich sichtbar."
    )


class PersonUpdate(Payload):
    model_config = ConfigDict(extra="forbid")

    given_name: Text | None = Field(default=None, max_length=100)
    family_name: Annotated[Text | None, OMIT_ONLY] = Field(
        default=None, min_length=1, max_length=100
    )
    title: Text | None = Field(default=None, max_length=50)
    function: Text | None = Field(default=None, max_length=200)
    email: Text | None = Field(default=None, max_length=254)
    is_staff: Annotated[bool | None, OMIT_ONLY] = None


class PersonMembership(Answer):
    membership_id: int
    committee_id: int
    committee_name: str
    role: str
    voting_right: bool
    valid_from: date | None
    valid_until: date | None


class PersonSummary(Answer):
    id: int
    name: str = Field(examples=["Karin Albrecht"])
    title: str | None
    given_name: str | None
    family_name: str | None
    function: str | None


class PersonDetail(PersonSummary):
    email: str | None = Field(description="Nur für Angemeldete.")
    is_staff: bool | None = Field(description="Nur für Angemeldete.")
    memberships: list[PersonMembership]


class PersonPage(Answer):
    items: list[PersonSummary]
    next_cursor: str | None
