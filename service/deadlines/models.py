from datetime import datetime

from sqlalchemy import false
from sqlmodel import Field, Index, SQLModel

from service.columns import utc_field


class Deadline(SQLModel, table=True):
    """A Frist started by a transition; open ones are found by ``(open, due_at)``.

    Deadlines live in the database, never in timers, so a restart loses none.
    """

    __tablename__ = "deadlines"
    __table_args__ = (
        Index("ix_deadlines_open_due", "open", "due_at"),
        # Every transition closes its item's open deadlines by these three (migration 0017).
        Index("ix_deadlines_entity", "entity_type", "entity_id", "open"),
        # The reminder sweep reads only what is new (planned false) or due (next_reminder_at
        # up to now), so its cost follows the due reminders, not the number of deadlines.
        Index("ix_deadlines_reminders", "reminders_planned", "next_reminder_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    body_id: int = Field(foreign_key="bodies.id", index=True)
    entity_type: str = Field(max_length=30)
    entity_id: int
    name: str = Field(max_length=50)
    label: str = Field(max_length=300)
    due_at: datetime = utc_field()
    open: bool = True
    created_at: datetime = utc_field()
    closed_at: datetime | None = utc_field(nullable=True)
    # Set by the reminder sweep: when the next reminder stage is due (NULL when none is left).
    reminders_planned: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    next_reminder_at: datetime | None = utc_field(nullable=True)
