from datetime import date, datetime
from typing import Any

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel, UniqueConstraint

from service.columns import json_field, utc_field

# A paper that references measures without carrying them: its decision moves none of them,
# it replaces their baseline (``service.baseline``).
AMENDMENT_KIND = "aenderungsvorlage"


class Paper(SQLModel, table=True):
    """A Vorlage (OParl: Paper); its lifecycle is the ``vorlage`` workflow."""

    __tablename__ = "papers"
    # A Drucksachennummer names one paper of the body, in any case (migration 0024): the
    # database refuses what two simultaneous creates would both pass the service's check
    # with. The older constraint, in this case only, stays: dropping it on SQLite would
    # rebuild ``papers``, which many tables reference, and the index covers it anyway.
    __table_args__ = (
        UniqueConstraint("body_id", "reference", name="uq_papers_body_id_reference"),
        Index("uq_papers_body_reference", "body_id", text("lower(reference)"), unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    body_id: int = Field(foreign_key="bodies.id", index=True)
    reference: str = Field(max_length=50)
    title: str = Field(max_length=500)
    dezernat: str | None = Field(default=None, max_length=100)
    file_number: str | None = Field(default=None, max_length=100)
    public: bool = True
    resolution_proposal: str | None = None
    competence: str | None = Field(default=None, max_length=200)
    # The same Zuständigkeit as a structured reference (§ 45 Abs. 1 KVG LSA).
    competence_law: str | None = Field(default=None, max_length=50)
    competence_paragraph: str | None = Field(default=None, max_length=20)
    competence_section: str | None = Field(default=None, max_length=20)
    # beschlussvorlage carries measures; aenderungsvorlage replaces their baseline.
    kind: str = Field(default="beschlussvorlage", max_length=30)
    reasoning: str | None = None
    state: str = Field(max_length=50, index=True)
    version: int = 1
    definition_name: str = Field(default="vorlage", max_length=50)
    definition_version: int = 1
    fields: dict[str, Any] = json_field(dict)
    created_at: datetime = utc_field()
    updated_at: datetime = utc_field()


class PaperMeasure(SQLModel, table=True):
    """A paper carries many measures; a vote on the paper applies to each of them."""

    __tablename__ = "paper_measures"

    paper_id: int = Field(foreign_key="papers.id", primary_key=True)
    measure_id: int = Field(foreign_key="measures.id", primary_key=True, index=True)


class Consultation(SQLModel, table=True):
    """One step of a paper's Beratungsfolge (OParl: Consultation)."""

    __tablename__ = "consultations"
    __table_args__ = (UniqueConstraint("paper_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    paper_id: int = Field(foreign_key="papers.id", index=True)
    position: int
    committee_id: int = Field(foreign_key="committees.id", index=True)
    meeting_id: int | None = Field(default=None, foreign_key="meetings.id")
    role: str = Field(max_length=30)  # vorberatung, entscheidung
    planned_on: date | None = None
    result: str | None = Field(default=None, max_length=50)
    # What closed the step without a vote of its own (``papers.rounds``, ``left_behind``):
    # the paper's event (zurueckverweisen, zurueckziehen) or vorberatung_entfallen.
    closed_by: str | None = Field(default=None, max_length=50)


class Vote(SQLModel, table=True):
    """An Abstimmung: counts, or einstimmig without counts, and the outcome it had."""

    __tablename__ = "votes"

    id: int | None = Field(default=None, primary_key=True)
    paper_id: int = Field(foreign_key="papers.id", index=True)
    consultation_id: int | None = Field(default=None, foreign_key="consultations.id")
    committee_id: int = Field(foreign_key="committees.id")
    meeting_id: int | None = Field(default=None, foreign_key="meetings.id")
    held_on: date
    voting_members: int
    present: int | None = None
    yes: int | None = None
    no: int | None = None
    abstain: int | None = None
    biased: int = 0
    unanimous: bool = False
    quorum_stated: bool = False
    outcome: str = Field(max_length=30)
    explanation: str
    resolution_number: str | None = Field(default=None, max_length=50)
    # The wording adopted (Beschlusstext), as the minutes give it.
    decision_text: str | None = None
    public: bool = True
    recorded_at: datetime = utc_field()
    recorded_by: int | None = Field(default=None, foreign_key="users.id")


class VoteParticipant(SQLModel, table=True):
    __tablename__ = "vote_participants"

    vote_id: int = Field(foreign_key="votes.id", primary_key=True)
    person_id: int = Field(foreign_key="persons.id", primary_key=True, index=True)
    status: str = Field(max_length=20)  # anwesend, befangen
