"""German names of roles and the choices the Verwaltung pages offer."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection

from service.auth import service as users
from service.measures import service as measures


def people(connection: Connection, body_id: int) -> dict[int, str]:
    return dict(measures.responsible_choices(connection, body_id))


def active_usernames(connection: Connection, body_id: int) -> list[str]:
    return [u.username for u in users.all_users(connection, body_id) if u.active]


def person_label(names: dict[int, str], row: Any) -> str:
    return names.get(row.person_id, "–") if row.person_id else "–"
