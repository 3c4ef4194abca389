from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlmodel import Field, SQLModel

from service.columns import json_field, money_field, utc_field


class Programme(SQLModel, table=True):
    """An Arbeitspapier: a body of measures with an owner and a review cycle."""

    __tablename__ = "programmes"

    id: int | None = Field(default=None, primary_key=True)
    body_id: int = Field(foreign_key="bodies.id", index=True)
    title: str = Field(max_length=500)
    description: str | None = None
    owner_person_id: int | None = Field(default=None, foreign_key="persons.id")
    paper_id: int | None = Field(default=None, foreign_key="papers.id")
    review_cycle: str = Field(default="P6M", max_length=20)
    created_at: datetime = utc_field()


class Measure(SQLModel, table=True):
    """A Maßnahme; its lifecycle is the ``massnahme`` workflow in the version it began with."""

    __tablename__ = "measures"

    id: int | None = Field(default=None, primary_key=True)
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


class Statement(SQLModel, table=True):
    """A Stellungnahme of the DSB, the ISB or the Personalrat on a measure."""

    __tablename__ = "statements"

    id: int | None = Field(default=None, primary_key=True)
    measure_id: int = Field(foreign_key="measures.id", index=True)
    kind: str = Field(max_length=30)
    author_person_id: int = Field(foreign_key="persons.id")
    given_on: date
    outcome: str = Field(max_length=30)
    text: str | None = None
    created_at: datetime = utc_field()


class BudgetLine(SQLModel, table=True):
    """A Haushaltsansatz of a measure for one Haushaltsjahr."""

    __tablename__ = "budget_lines"

    id: int | None = Field(default=None, primary_key=True)
    measure_id: int = Field(foreign_key="measures.id", index=True)
    fiscal_year: int = Field(index=True)
    product_account: str | None = Field(default=None, max_length=50)
    one_off_planned: Decimal | None = money_field()
    recurring_planned: Decimal | None = money_field()
    approved: Decimal | None = money_field()
    spent: Decimal | None = money_field()


class Milestone(SQLModel, table=True):
    __tablename__ = "milestones"

    id: int | None = Field(default=None, primary_key=True)
    measure_id: int = Field(foreign_key="measures.id", index=True)
    title: str = Field(max_length=300)
    due_on: date | None = None
    done_on: date | None = None
