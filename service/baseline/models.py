from datetime import date, datetime
from decimal import Decimal

from sqlmodel import Field, Index, SQLModel

from service.columns import money_field, utc_field


class Baseline(SQLModel, table=True):
    """What the council decided about a measure, frozen beside the Beschlussnummer.

    A council decision writes the first one; an adopted Änderungsbeschluss writes the next.
    The newest row of a measure is the one later changes are judged against; older rows
    stay as the record of what was once decided.
    """

    __tablename__ = "measure_baselines"
    __table_args__ = (Index("ix_measure_baselines_measure", "measure_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    body_id: int = Field(foreign_key="bodies.id", index=True)
    measure_id: int = Field(foreign_key="measures.id")
    paper_id: int = Field(foreign_key="papers.id")
    resolution_number: str | None = Field(default=None, max_length=50)
    decided_on: date
    title: str = Field(max_length=500)
    description: str | None = None
    one_off_cost: Decimal | None = money_field()
    recurring_cost: Decimal | None = money_field()
    target_date: date | None = None
    recorded_at: datetime = utc_field()
