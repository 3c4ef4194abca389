from datetime import datetime

from sqlalchemy import Column, Index, LargeBinary
from sqlmodel import Field, SQLModel

from service.columns import utc_field


class Attachment(SQLModel, table=True):
    """An Anlage of a paper or a measure (OParl: File), its bytes kept in the database.

    In the database, the file commits with its row and its audit event or not at all, and
    one database backup holds everything; the upload limit keeps rows a few MB large.
    """

    __tablename__ = "attachments"
    __table_args__ = (Index("ix_attachments_owner", "owner_type", "owner_id"),)

    id: int | None = Field(default=None, primary_key=True)
    body_id: int = Field(foreign_key="bodies.id", index=True)
    owner_type: str = Field(max_length=30)  # measure, paper
    owner_id: int
    filename: str = Field(max_length=255)
    content_type: str = Field(max_length=100)
    size: int
    sha256: str = Field(max_length=64)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    uploaded_by: int | None = Field(default=None, foreign_key="users.id")
    uploaded_at: datetime = utc_field()
