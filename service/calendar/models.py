from datetime import datetime

from sqlmodel import Field, SQLModel

from service.columns import utc_field


class CalendarFeed(SQLModel, table=True):
    """The secret address of a user's calendar feed; only the token's SHA-256 is stored, as
    for API tokens. A user has at most one live feed: a new one revokes the old."""

    __tablename__ = "calendar_feeds"

    id: int | None = Field(default=None, primary_key=True)
    body_id: int = Field(foreign_key="bodies.id", index=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = utc_field()
    revoked_at: datetime | None = utc_field(nullable=True)
