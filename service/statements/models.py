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
