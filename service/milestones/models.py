from datetime import date, datetime

from sqlmodel import Field, SQLModel

from service.columns import utc_field


class Milestone(SQLModel, table=True):
    __tablename__ = "milestones"

    id: int | None = Field(default=None, primary_key=True)
    measure_id: int = Field(foreign_key="measures.id", index=True)
    title: str = Field(max_length=300)
    due_on: date | None = None
    done_on: date | None = None
    # When it was added: a report as of an earlier day does not know it (migration 0022
    # gave the milestones before it their measure's created_at).
    created_at: datetime = utc_field()
