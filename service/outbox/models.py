from datetime import datetime

from sqlmodel import Field, Index, SQLModel, UniqueConstraint

from service.columns import utc_field


class OutboxMessage(SQLModel, table=True):
    """One e-mail to send, written in the transaction that decided it is due.

    ``reminder_key`` names what the message is about (item, deadline, stage, recipient); its
    UNIQUE constraint is what keeps a reminder from existing twice, whoever writes it and
    however often. ``status`` runs pending -> sending -> sent, or to failed (dead letter);
    ``next_attempt_at`` is when a pending message may go, and for a claimed one when its
    claim lapses, so one index finds every message that is due.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("reminder_key", name="uq_outbox_reminder_key"),
        Index("ix_outbox_status_next", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    body_id: int = Field(foreign_key="bodies.id", index=True)
    reminder_key: str = Field(max_length=300)
    kind: str = Field(max_length=50)
    entity_type: str | None = Field(default=None, max_length=30)
    entity_id: int | None = None
    recipient_person_id: int | None = Field(default=None, foreign_key="persons.id", index=True)
    recipient_email: str = Field(max_length=254)
    subject: str = Field(max_length=300)
    body_text: str
    body_html: str
    ics: str | None = None
    message_id: str = Field(max_length=200)
    status: str = Field(default="pending", max_length=20)
    attempts: int = 0
    next_attempt_at: datetime = utc_field()
    claim_token: str | None = Field(default=None, max_length=32)
    last_error: str | None = None
    created_at: datetime = utc_field()
    sent_at: datetime | None = utc_field(nullable=True)
