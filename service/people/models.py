from datetime import datetime

from sqlmodel import Field, SQLModel

from service.columns import utc_field


class Person(SQLModel, table=True):
    """A human being in the process; many (council members) never log in.

    ``is_staff`` marks administrative staff, whose names the public never sees.
    """

    __tablename__ = "persons"

    id: int | None = Field(default=None, primary_key=True)
    body_id: int = Field(foreign_key="bodies.id", index=True)
    given_name: str | None = Field(default=None, max_length=100)
    family_name: str | None = Field(default=None, max_length=100)
    title: str | None = Field(default=None, max_length=50)
    function: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=254)
    is_staff: bool = False
    erased_at: datetime | None = utc_field(nullable=True)
