from datetime import datetime

from sqlmodel import Field, SQLModel, UniqueConstraint

from service.columns import utc_field


class StoredDefinition(SQLModel, table=True):
    """A loaded definition version: its exact text and hash; a version never changes."""

    __tablename__ = "definitions"
    __table_args__ = (UniqueConstraint("name", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=50)
    version: int
    content_hash: str = Field(max_length=64)
    content: str
    loaded_at: datetime = utc_field()
