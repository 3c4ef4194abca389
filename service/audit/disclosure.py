"""Everything held about one person (DSGVO Art. 15), and nothing about anyone else.

Their record, their logins, memberships, responsibilities, statements, attendance and vote
participation, and every audit event in which they acted or were affected. Events are cut
down to this person: other people's ids and readable values are left out, and a value shows
only where its detail row belongs to this person. The role of whoever acted stays, since
Art. 15 (1) c asks for the recipients or their categories.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.engine import Connection

from service.audit.chain import DIGEST_PREFIX
from service.audit.repository import disclosure as held
from service.audit.search import ERASED
from service.errors import NotFound

OTHERS = "[andere Person]"


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _shown(rows: list[Any]) -> list[dict[str, Any]]:
    return [{k: _plain(v) for k, v in row.items()} for row in rows]


def disclosure(
    connection: Connection, chain_key: str, person_id: int, now: datetime
) -> dict[str, Any]:
    """What the body holds about one of its persons; a person of another body is as
    unknown as a wrong id, and only the body's own chain is searched for events."""
    person = held.person(connection, person_id, chain_key)
    if person is None:
        raise NotFound("Person", person_id)
    logins = _shown(held.logins(connection, person_id))
    user_ids = [u["id"] for u in logins]
    return {
        "erstellt_am": now.isoformat(),
        "person": _shown([person])[0],
        "benutzer": logins,
        "stellvertretungen": _shown(held.deputyships_of(connection, user_ids)),
        "mitgliedschaften": _shown(held.memberships_of(connection, person_id)),
        "verantwortlich_fuer_massnahmen": _shown(held.measures_of(connection, person_id)),
        "verantwortlich_fuer_arbeitspapiere": _shown(held.programmes_of(connection, person_id)),
        "stellungnahmen": _shown(held.statements_of(connection, person_id)),
        "anwesenheiten": _shown(held.attendance_of(connection, person_id)),
        "abstimmungen": _shown(held.votes_of(connection, person_id)),
        "protokolleintraege": events_of(connection, chain_key, person_id, user_ids),
    }


def events_of(
    connection: Connection, chain_key: str, person_id: int, user_ids: list[int]
) -> list[dict[str, Any]]:
    rows = held.events_of(connection, chain_key, person_id, user_ids)
    own, involved = held.own_values(connection, [row.id for row in rows], person_id)
    return [_cut_down(row, own.get(row.id, {}), person_id, user_ids, involved) for row in rows]


def _cut_down(
    row: Any,
    own: dict[str, str | None],
    person_id: int,
    user_ids: list[int],
    involved: set[int],
) -> dict[str, Any]:
    document = json.loads(row.payload)
    acted = row.actor_id in user_ids

    def show(value: Any, path: str, key: str) -> Any:
        if isinstance(value, str) and value.startswith(DIGEST_PREFIX):
            if path not in own:
                return OTHERS
            return ERASED if own[path] is None else own[path]
        if value is None or isinstance(value, bool):
            return value
        if "person" in key and value != person_id:
            return OTHERS
        if ("user" in key or "actor" in key) and value not in user_ids:
            return OTHERS
        return value

    changes = {
        key: [show(v, f"changes.{key}.{i}", key) for i, v in enumerate(pair)]
        for key, pair in document.get("changes", {}).items()
    }
    context = {
        key: show(v, f"context.{key}", key) for key, v in document.get("context", {}).items()
    }
    comment = document.get("comment")
    return {
        "laufnummer": row.seq,
        "zeit": document["ts"],
        "aktion": row.action,
        "objekt": {"typ": row.entity_type, "id": show(row.entity_id, "", row.entity_type)},
        "rolle": row.actor_role,
        "selbst_gehandelt": acted,
        "betroffen": row.id in involved,
        "benutzer_id": row.actor_id if acted else None,
        "aenderungen": changes,
        "kontext": context,
        "kommentar": show(comment, "comment", "comment") if comment else None,
        "hash": row.hash,
    }
