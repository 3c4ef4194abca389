"""What the Vorlage and Sitzung pages share: labels and the choices of their forms."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection

from service.actor import Actor
from service.committees import meetings
from service.committees import service as committees
from service.keyset import Sort

ROLE_LABELS = {"vorberatung": "Vorberatung", "entscheidung": "Entscheidung"}
ATTENDANCE_LABELS = {"anwesend": "anwesend", "entschuldigt": "entschuldigt", "abwesend": "abwesend"}
LIST_LIMIT = 200


def committee_choices(connection: Connection) -> list[Any]:
    return committees.page_committees(
        connection, kinds=None, kind=None, sort=Sort("name"), after=None, limit=LIST_LIMIT
    )


def meeting_choices(connection: Connection, actor: Actor, since: datetime) -> list[Any]:
    """Meetings a step of the Beratungsfolge can be planned for: from today on."""
    return meetings.page_meetings(
        connection,
        actor,
        committee_id=None,
        starts_from=since,
        starts_before=None,
        sort=Sort("starts_at"),
        after=None,
        limit=LIST_LIMIT,
    )


def meetings_list(connection: Connection, actor: Actor) -> list[Any]:
    return meetings.page_meetings(
        connection,
        actor,
        committee_id=None,
        starts_from=None,
        starts_before=None,
        sort=Sort("starts_at", descending=True),
        after=None,
        limit=LIST_LIMIT,
    )
