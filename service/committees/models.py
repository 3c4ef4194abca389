from datetime import date, datetime
from typing import Any

from sqlmodel import Field, SQLModel, UniqueConstraint

from service.columns import json_field, utc_field


class Committee(SQLModel, table=True):
    """A Gremium (OParl: Organization) with its own vote rules from the Geschäftsordnung."""

    __tablename__ = "committees"
    __table_args__ = (UniqueConstraint("body_id", "slug", name="uq_committees_body_id_slug"),)

    id: int | None = Field(default=None, primary_key=True)
    body_id: int = Field(foreign_key="bodies.id", index=True)
    slug: str = Field(max_length=64)
    name: str = Field(max_length=200)
    short_name: str = Field(max_length=50)
    kind: str = Field(max_length=30)  # ag, gemeinsame_beratung, ausschuss, rat
    vote_rules: dict[str, Any] = json_field(dict)
    meeting_cycle: str | None = Field(default=None, max_length=20)  # ISO 8601, e.g. P14D


class Membership(SQLModel, table=True):
    __tablename__ = "memberships"

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="persons.id", index=True)
    committee_id: int = Field(foreign_key="committees.id", index=True)
    role: str = Field(default="mitglied", max_length=50)
    voting_right: bool = True
    valid_from: date | None = None
    valid_until: date | None = None


class Meeting(SQLModel, table=True):
    """A Sitzung (OParl: Meeting); public and non-public parts live on its agenda items."""

    __tablename__ = "meetings"

    id: int | None = Field(default=None, primary_key=True)
    body_id: int = Field(foreign_key="bodies.id", index=True)
    committee_id: int = Field(foreign_key="committees.id", index=True)
    starts_at: datetime = utc_field(index=True)
    location: str | None = Field(default=None, max_length=200)
    invitation_sent_at: datetime | None = utc_field(nullable=True)
    # Raised with every change a subscribed calendar must pick up (RFC 5545 SEQUENCE).
    sequence: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    # The version in which start or place last changed: a member invited before it gets the
    # changed invitation, one invited after it only a Nachtrag (``invitations``).
    moved_in_sequence: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    cancelled_at: datetime | None = utc_field(nullable=True)
    cancel_reason: str | None = Field(default=None, max_length=500)


class AgendaItem(SQLModel, table=True):
    __tablename__ = "agenda_items"

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meetings.id", index=True)
    position: int
    number: str = Field(max_length=20)
    title: str = Field(max_length=500)
    public: bool = True
    paper_id: int | None = Field(default=None, foreign_key="papers.id", index=True)
    # The meeting's version the item first appears in: a Nachtrag names the items a
    # member's invitation did not have.
    added_in_sequence: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class Attendance(SQLModel, table=True):
    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("meeting_id", "person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meetings.id", index=True)
    person_id: int = Field(foreign_key="persons.id", index=True)
    present: bool = True
