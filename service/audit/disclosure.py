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

from sqlalchemy import exists, or_, select
from sqlalchemy.engine import Connection

from service.audit.chain import DIGEST_PREFIX
from service.audit.query import ERASED, details, event_persons, events
from service.auth.models import Deputyship, User
from service.committees.models import Attendance, Committee, Meeting, Membership
from service.errors import NotFound
from service.measures.models import Measure, Programme, Statement
from service.papers.models import Vote, VoteParticipant
from service.people.models import Person

persons = Person.__table__  # type: ignore[attr-defined]
users = User.__table__  # type: ignore[attr-defined]
deputyships = Deputyship.__table__  # type: ignore[attr-defined]
memberships = Membership.__table__  # type: ignore[attr-defined]
committees = Committee.__table__  # type: ignore[attr-defined]
measures = Measure.__table__  # type: ignore[attr-defined]
programmes = Programme.__table__  # type: ignore[attr-defined]
statements = Statement.__table__  # type: ignore[attr-defined]
attendance = Attendance.__table__  # type: ignore[attr-defined]
meetings = Meeting.__table__  # type: ignore[attr-defined]
votes = Vote.__table__  # type: ignore[attr-defined]
vote_participants = VoteParticipant.__table__  # type: ignore[attr-defined]

OTHERS = "[andere Person]"


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _rows(connection: Connection, query: Any) -> list[dict[str, Any]]:
    return [{k: _plain(v) for k, v in row.items()} for row in connection.execute(query).mappings()]


def disclosure(connection: Connection, person_id: int, now: datetime) -> dict[str, Any]:
    person = _rows(connection, select(persons).where(persons.c.id == person_id))
    if not person:
        raise NotFound("Person", person_id)
    logins = _rows(
        connection,
        select(
            users.c.id,
            users.c.username,
            users.c.roles,
            users.c.active,
            users.c.must_change_password,
            users.c.created_at,
        ).where(users.c.person_id == person_id),
    )
    user_ids = [u["id"] for u in logins]
    return {
        "erstellt_am": now.isoformat(),
        "person": person[0],
        "benutzer": logins,
        # Periods only: who the other side was concerns that other person.
        "stellvertretungen": _rows(
            connection,
            select(
                deputyships.c.id,
                deputyships.c.user_id.in_(user_ids).label("selbst_benannt"),
                deputyships.c.deputy_user_id.in_(user_ids).label("selbst_vertretung"),
                deputyships.c.starts_on,
                deputyships.c.ends_on,
                deputyships.c.withdrawn_at,
            )
            .where(
                or_(
                    deputyships.c.user_id.in_(user_ids),
                    deputyships.c.deputy_user_id.in_(user_ids),
                )
            )
            .order_by(deputyships.c.id),
        ),
        "mitgliedschaften": _rows(
            connection,
            select(
                memberships.c.id,
                committees.c.name.label("gremium"),
                memberships.c.role,
                memberships.c.voting_right,
                memberships.c.valid_from,
                memberships.c.valid_until,
            )
            .join(committees, committees.c.id == memberships.c.committee_id)
            .where(memberships.c.person_id == person_id)
            .order_by(memberships.c.id),
        ),
        "verantwortlich_fuer_massnahmen": _rows(
            connection,
            select(measures.c.id, measures.c.code, measures.c.title, measures.c.state)
            .where(measures.c.responsible_person_id == person_id)
            .order_by(measures.c.id),
        ),
        "verantwortlich_fuer_arbeitspapiere": _rows(
            connection,
            select(programmes.c.id, programmes.c.title)
            .where(programmes.c.owner_person_id == person_id)
            .order_by(programmes.c.id),
        ),
        "stellungnahmen": _rows(
            connection,
            select(
                statements.c.id,
                statements.c.measure_id,
                measures.c.code.label("massnahme"),
                statements.c.kind,
                statements.c.given_on,
                statements.c.outcome,
                statements.c.text,
            )
            .join(measures, measures.c.id == statements.c.measure_id)
            .where(statements.c.author_person_id == person_id)
            .order_by(statements.c.id),
        ),
        "anwesenheiten": _rows(
            connection,
            select(
                attendance.c.meeting_id,
                committees.c.name.label("gremium"),
                meetings.c.starts_at,
                attendance.c.present,
            )
            .join(meetings, meetings.c.id == attendance.c.meeting_id)
            .join(committees, committees.c.id == meetings.c.committee_id)
            .where(attendance.c.person_id == person_id)
            .order_by(meetings.c.starts_at),
        ),
        "abstimmungen": _rows(
            connection,
            select(
                vote_participants.c.vote_id,
                votes.c.paper_id,
                votes.c.held_on,
                vote_participants.c.status,
            )
            .join(votes, votes.c.id == vote_participants.c.vote_id)
            .where(vote_participants.c.person_id == person_id)
            .order_by(votes.c.held_on),
        ),
        "protokolleintraege": events_of(connection, person_id, user_ids),
    }


def events_of(connection: Connection, person_id: int, user_ids: list[int]) -> list[dict[str, Any]]:
    affected = exists().where(
        event_persons.c.event_id == events.c.id, event_persons.c.person_id == person_id
    )
    condition = or_(affected, events.c.actor_id.in_(user_ids)) if user_ids else affected
    rows = list(
        connection.execute(select(events).where(condition).order_by(events.c.ts, events.c.id))
    )
    ids = [row.id for row in rows]
    own: dict[int, dict[str, str | None]] = {}
    involved: dict[int, bool] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for d in connection.execute(
            select(details.c.event_id, details.c.path, details.c.value).where(
                details.c.event_id.in_(chunk), details.c.person_id == person_id
            )
        ):
            own.setdefault(d.event_id, {})[d.path] = d.value
        for p in connection.execute(
            select(event_persons.c.event_id).where(
                event_persons.c.event_id.in_(chunk), event_persons.c.person_id == person_id
            )
        ):
            involved[p.event_id] = True
    return [_cut_down(row, own.get(row.id, {}), person_id, user_ids, involved) for row in rows]


def _cut_down(
    row: Any,
    own: dict[str, str | None],
    person_id: int,
    user_ids: list[int],
    involved: dict[int, bool],
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
        "betroffen": involved.get(row.id, False),
        "benutzer_id": row.actor_id if acted else None,
        "aenderungen": changes,
        "kontext": context,
        "kommentar": show(comment, "comment", "comment") if comment else None,
        "hash": row.hash,
    }
