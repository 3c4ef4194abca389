"""German names of roles and the choices the Verwaltung pages offer."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection

from service.auth import service as users
from service.measures import service as measures


def people(connection: Connection, body_id: int) -> dict[int, str]:
    return dict(measures.responsible_choices(connection, body_id))


def deputy_choices(connection: Connection, body_id: int, but: str) -> list[tuple[str, str]]:
    """The active users who may stand in, but ``but``: their login (the form's value) and
    the name of their person with the function (what the picker shows), by name."""
    names = people(connection, body_id)
    choices = [
        (u.username, names.get(u.person_id, u.username) if u.person_id else u.username)
        for u in users.all_users(connection, body_id)
        if u.active and u.username != but
    ]
    return sorted(choices, key=lambda choice: choice[1])


def person_label(names: dict[int, str], row: Any) -> str:
    return names.get(row.person_id, "–") if row.person_id else "–"
