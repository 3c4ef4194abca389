from datetime import date

from sqlmodel import Field, SQLModel


class Milestone(SQLModel, table=True):
    __tablename__ = "milestones"

    id: int | None = Field(default=None, primary_key=True)
    measure_id: int = Field(foreign_key="measures.id", index=True)
    title: str = Field(max_length=300)
    due_on: date | None = None
    done_on: date | None = None
