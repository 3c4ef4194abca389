from datetime import datetime

from sqlmodel import Field, SQLModel

from service.columns import utc_field


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
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    created_at: datetime = utc_field()
