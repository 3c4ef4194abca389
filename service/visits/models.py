from datetime import datetime

from sqlmodel import Field, SQLModel

from service.columns import utc_field


class PageVisit(SQLModel, table=True):
    """A user's last visit of a page, kept as one moment and nothing else: the task list
    counts what is new since then. Not an audit event: a visit that shows nothing
    non-public is no read to log, and the trail would keep every visit for years."""

    __tablename__ = "page_visits"

    user_id: int = Field(foreign_key="users.id", primary_key=True)
    page: str = Field(max_length=50, primary_key=True)
    seen_at: datetime = utc_field()
