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
