from datetime import datetime
from typing import Any

from sqlmodel import Field, Index, SQLModel

from service.columns import json_field, utc_field


class HistoryEntry(SQLModel, table=True):
    """One step in an item's business history (Verlauf), shown to whoever sees the item.

    This is the business record, not the audit trail: it carries the comment and the data
    of the step in readable form, and the public sees it without staff names.
    """

    __tablename__ = "history_entries"
    __table_args__ = (Index("ix_history_entity", "entity_type", "entity_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    entity_type: str = Field(max_length=30)
    entity_id: int
    # When the step took effect: a decision on its session's day, anything else when typed.
    at: datetime = utc_field()
    # When it was typed in; differs from ``at`` for a vote recorded after its session.
    recorded_at: datetime | None = utc_field(nullable=True)
    event: str = Field(max_length=50)
    label: str = Field(max_length=300)
    from_state: str = Field(max_length=50)
    to_state: str = Field(max_length=50)
    actor_user_id: int | None = Field(default=None, foreign_key="users.id")
    actor_role: str | None = Field(default=None, max_length=50)
    comment: str | None = None
    data: dict[str, Any] = json_field(dict)
    # The vote that wrote the entry (its step, the steps it carried to the measures, its
    # correction): who may not see the vote sees none of what the entry says of it.
    vote_id: int | None = Field(default=None, foreign_key="votes.id")
