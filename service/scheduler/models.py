from datetime import date, datetime

from sqlmodel import Field, SQLModel

from service.columns import utc_field


class JobPeriod(SQLModel, table=True):
    """The last period a periodic job completed, so a restart runs a missed period once.

    ``period`` is the scheduled fire time that period belongs to (UTC): comparing it with
    the latest fire time before now tells whether a run is owed.
    """

    __tablename__ = "job_periods"

    job_id: str = Field(primary_key=True, max_length=50)
    period: datetime = utc_field()
    completed_at: datetime = utc_field()


class StatusUpdateRound(SQLModel, table=True):
    """A half-yearly Sachstand round: opened for a half-year, updates due by a date."""

    __tablename__ = "status_update_rounds"

    body_id: int = Field(foreign_key="bodies.id", primary_key=True)
    period: str = Field(primary_key=True, max_length=7)  # 2024-H1
    opened_at: datetime = utc_field()
    update_due_on: date
    fva_meeting_id: int | None = Field(default=None, foreign_key="meetings.id")
    fva_reminded_at: datetime | None = utc_field(nullable=True)


class JobRun(SQLModel, table=True):
    """When each job last ended well or badly, for ``/metrics`` in any process.

    The scheduler may run in a process of its own, so its state is kept where every web
    worker can read it. The row ``scheduler`` is the elected scheduler's heartbeat: written
    at every election tick while it leads.
    """

    __tablename__ = "job_runs"

    job_id: str = Field(primary_key=True, max_length=50)
    succeeded_at: datetime | None = utc_field(nullable=True)
    failed_at: datetime | None = utc_field(nullable=True)
