from datetime import datetime

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel, UniqueConstraint

from service.columns import utc_field


class IdempotencyKey(SQLModel, table=True):
    """The first answer to a request sent with an ``Idempotency-Key``, kept for retries.

    Written in the same transaction as the action it answers: a committed row always means
    the action happened, and an action never commits without its row.
    """

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=200)
    user_id: int = Field(foreign_key="users.id")
    method: str = Field(max_length=10)
    path: str = Field(max_length=500)
    request_hash: str = Field(max_length=64)
    status: int | None = None
    response_body: str | None = None
    # The headers of the answer a retry needs again (``Location``, ``ETag``, the body's
    # ``Content-Type``), beside the body rather than inside it: the body is kept as sent.
    response_headers: dict[str, str] | None = Field(
        default=None, sa_column=Column(JSON, nullable=True)
    )
    created_at: datetime = utc_field(index=True)
