"""What the Vorlage and Sitzung pages share: labels and the lists they show."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection

from service.actor import Actor
from service.committees import reading
from service.keyset import Sort
from service.runtime import Runtime

ROLE_LABELS = {
    "vorberatung": "Vorberatung",
    "entscheidung": "Entscheidung",
    "kenntnisnahme": "Kenntnisnahme",
}
ATTENDANCE_LABELS = {"anwesend": "anwesend", "entschuldigt": "entschuldigt", "abwesend": "abwesend"}
LIST_LIMIT = 200


def meetings_list(
    runtime: Runtime, connection: Connection, actor: Actor, *, committee_id: int | None = None
) -> list[Any]:
    """The newest meetings first, of every committee or of one (the read is logged when it
    names an internal one)."""
    rows = reading.read_meetings(
        runtime,
        connection,
        actor,
        committee_id=committee_id,
        starts_from=None,
        starts_before=None,
        sort=Sort("starts_at", descending=True),
        after=None,
        limit=LIST_LIMIT,
    )
    return rows[:LIST_LIMIT]
