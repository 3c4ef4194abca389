from datetime import datetime

from service.api.answers import Answer


class OutboxItem(Answer):
    id: int
    kind: str
    reminder_key: str
    message_id: str
    recipient_email: str
    subject: str
    status: str
    status_label: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    entity_type: str | None
    entity_id: int | None
    created_at: datetime
    sent_at: datetime | None


class OutboxPage(Answer):
    items: list[OutboxItem]
    next_cursor: int | None
