from datetime import date, datetime

from sqlmodel import Field, SQLModel

from service.columns import utc_field


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


class StatementRequest(SQLModel, table=True):
    """A statement asked of the DSB, the ISB or the Personalrat when a measure enters AG
    review; its deadline (``deadlines`` row ``statement_request``) drives the reminders, and
    the statement of that kind closes it."""

    __tablename__ = "statement_requests"

    id: int | None = Field(default=None, primary_key=True)
    body_id: int = Field(foreign_key="bodies.id", index=True)
    measure_id: int = Field(foreign_key="measures.id", index=True)
    kind: str = Field(max_length=30)
    requested_at: datetime = utc_field()
    due_at: datetime = utc_field()
    closed_at: datetime | None = utc_field(nullable=True)
    statement_id: int | None = Field(default=None, foreign_key="statements.id")


class Weighing(SQLModel, table=True):
    """The Verwaltungsleitung's reasoned decision to proceed despite an "ablehnend"
    statement (Abwägung): the DSB and ISB advise, the administration decides."""

    __tablename__ = "statement_weighings"

    id: int | None = Field(default=None, primary_key=True)
    body_id: int = Field(foreign_key="bodies.id", index=True)
    statement_id: int = Field(foreign_key="statements.id", unique=True)
    measure_id: int = Field(foreign_key="measures.id", index=True)
    reason: str
    decided_by_user_id: int | None = Field(default=None, foreign_key="users.id")
    decided_by_person_id: int | None = Field(default=None, foreign_key="persons.id")
    decided_at: datetime = utc_field()


class Condition(SQLModel, table=True):
    """One Auflage of a statement "mit Auflagen": open until marked fulfilled."""

    __tablename__ = "statement_conditions"

    id: int | None = Field(default=None, primary_key=True)
    body_id: int = Field(foreign_key="bodies.id", index=True)
    statement_id: int = Field(foreign_key="statements.id", index=True)
    measure_id: int = Field(foreign_key="measures.id", index=True)
    text: str
    fulfilled_at: datetime | None = utc_field(nullable=True)
    fulfilled_by_user_id: int | None = Field(default=None, foreign_key="users.id")
    fulfilled_by_person_id: int | None = Field(default=None, foreign_key="persons.id")
    fulfilment_note: str | None = None
