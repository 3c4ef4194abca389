from datetime import date, datetime

from sqlmodel import Field, Index, SQLModel

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


class MilestoneChange(SQLModel, table=True):
    """A milestone as it stood from ``changed_at`` on: its title, due and done date.

    The Sachstandsbericht is built as of its Stichtag and reads the last of these before it,
    so a date changed later does not change a past report. One is written with the milestone
    and with every change of it, in the same transaction; migration 0026 gave each milestone
    before it one from its values then, dated when the milestone was added.
    """

    __tablename__ = "milestone_changes"
    __table_args__ = (
        Index("ix_milestone_changes_milestone_id_changed_at", "milestone_id", "changed_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    milestone_id: int = Field(foreign_key="milestones.id")
    changed_at: datetime = utc_field()
    title: str = Field(max_length=300)
    due_on: date | None = None
    done_on: date | None = None
