from datetime import datetime
from typing import Any

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel

from service.columns import json_field, utc_field


class Measure(SQLModel, table=True):
    """A Maßnahme; its lifecycle is the ``massnahme`` workflow in the version it began with."""

    __tablename__ = "measures"
    # A Kennung names one measure of the body, in any case (migration 0018): the database
    # refuses what two simultaneous creates would both pass the service's check with.
    __table_args__ = (Index("uq_measures_body_code", "body_id", text("lower(code)"), unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    body_id: int = Field(foreign_key="bodies.id", index=True)
    programme_id: int = Field(foreign_key="programmes.id", index=True)
    code: str = Field(max_length=30)
    title: str = Field(max_length=500)
    description: str | None = None
    responsible_person_id: int | None = Field(default=None, foreign_key="persons.id", index=True)
    public: bool = True
    state: str = Field(max_length=50, index=True)
    version: int = 1
    definition_name: str = Field(default="massnahme", max_length=50)
    definition_version: int = 1
    fields: dict[str, Any] = json_field(dict)
    created_at: datetime = utc_field()
    updated_at: datetime = utc_field()


class MeasureChange(SQLModel, table=True):
    """An edit of a measure's Angaben outside its workflow, or its creation, from
    ``changed_at`` on: Kennung, title, description and responsible person as they stood
    after it, and the fields of its definition it set (``fields``: name -> value, ``None``
    for a field it cleared; on creation the fields given).

    The Sachstandsbericht is built as of its Stichtag and names each measure by the last of
    these before it, so a measure renamed later keeps its old title in a past report; its
    fields are replayed from these together with the steps of its history
    (``history_entries``, where a step records progress or a target date), in the order they
    took effect. One is written with the measure and with every edit that changes one of
    these values, in the same transaction as its audit event. Migration 0028 gave each
    measure before it one from its values then, dated when the measure was created;
    migration 0034 added the fields, read back from the audit trail where it holds them.
    """

    __tablename__ = "measure_changes"
    __table_args__ = (
        Index("ix_measure_changes_measure_id_changed_at", "measure_id", "changed_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    measure_id: int = Field(foreign_key="measures.id")
    changed_at: datetime = utc_field()
    code: str = Field(max_length=30)
    title: str = Field(max_length=500)
    description: str | None = None
    responsible_person_id: int | None = Field(default=None, foreign_key="persons.id")
    fields: dict[str, Any] = json_field(dict)
