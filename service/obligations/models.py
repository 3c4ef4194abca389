from datetime import date, datetime

from sqlmodel import Field, SQLModel

from service.columns import utc_field

# Events that meet an obligation where they happen (``Obligation.fulfilled_by``).
KENNTNISNAHME_SACHSTAND = "kenntnisnahme_sachstand"
FULFILLED_BY = {KENNTNISNAHME_SACHSTAND: "Kenntnisnahme des Sachstandsberichts im FVA"}


class Obligation(SQLModel, table=True):
    """A duty the resolution of a paper imposes (Pflicht aus dem Beschluss), such as the
    half-yearly information of the FVA; its open deadline (``deadlines`` row ``obligation``)
    drives reminders and the escalation to the Verwaltungsleitung."""

    __tablename__ = "obligations"

    id: int | None = Field(default=None, primary_key=True)
    body_id: int = Field(foreign_key="bodies.id", index=True)
    paper_id: int = Field(foreign_key="papers.id", index=True)
    title: str = Field(max_length=300)
    description: str | None = None
    # The role that fulfils it (receives the reminders); never a person, so erasing a person
    # never touches a duty of the council.
    responsible_role: str = Field(max_length=50)
    due_on: date
    # Months between two fulfilments (6: half-yearly, 12: each budget); None: once.
    every_months: int | None = None
    # What meets it on its own, recorded where it happens: "kenntnisnahme_sachstand" (the
    # FVA took note of an issued Sachstandsbericht); None: a person records the fulfilment.
    fulfilled_by: str | None = Field(default=None, max_length=50)
    open: bool = True
    created_at: datetime = utc_field()


class Fulfilment(SQLModel, table=True):
    """A recorded fulfilment of an obligation, with the reference that proves it."""

    __tablename__ = "obligation_fulfilments"

    id: int | None = Field(default=None, primary_key=True)
    body_id: int = Field(foreign_key="bodies.id", index=True)
    obligation_id: int = Field(foreign_key="obligations.id", index=True)
    due_on: date
    fulfilled_on: date
    reference: str = Field(max_length=300)
    note: str | None = None
    recorded_by_user_id: int | None = Field(default=None, foreign_key="users.id")
    recorded_by_person_id: int | None = Field(default=None, foreign_key="persons.id")
    recorded_at: datetime = utc_field()
