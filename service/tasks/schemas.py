"""What ``GET /api/v1/users/me/tasks`` answers: the caller's tasks, overdue first."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from service.api.answers import Answer


class TaskOut(Answer):
    key: str = Field(description="Art und Gegenstand, in der Liste eindeutig.")
    action: str = Field(description="Was zu tun ist.")
    subject: str = Field(description="Woran: Maßnahme, Vorlage, Sitzung oder Pflicht.")
    detail: str | None = None
    link: str = Field(description="Die Seite, auf der die Aufgabe erledigt wird.")
    role: str = Field(description="Die Rolle, der die Aufgabe zufällt.")
    due_at: datetime | None = Field(description="Fällig (UTC); ohne Frist: null.")
    overdue: bool
    on_behalf_of: str | None = Field(
        default=None, description="Die vertretene Person, wenn die Aufgabe ihre ist."
    )


class TaskListOut(Answer):
    count: int
    overdue: int
    items: list[TaskOut]
