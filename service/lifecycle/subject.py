"""What a transition reads and leaves beside the item's row: the subject its guards see, and
the deadlines it closes and opens."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection

from service.lifecycle import repository
from workflow.engine import FireResult, Subject
from workflow.guards import Statement


def guarded_subject(connection: Connection, row: Any) -> Subject:
    """A measure as its guards see it: with its statements (and whether the Verwaltungsleitung
    weighed an "ablehnend" one) and the Auflagen still open."""
    statements = tuple(
        Statement(s.kind, s.author_person_id, s.given_on, s.outcome, bool(s.weighed))
        for s in repository.load_statements(connection, row.id)
    )
    return Subject(
        row.state,
        dict(row.fields or {}),
        statements,
        tuple(repository.load_open_conditions(connection, row.id)),
    )


def follow_deadlines(
    connection: Connection,
    body_id: int,
    entity_type: str,
    entity_id: int,
    result: FireResult,
    now: datetime,
) -> None:
    """A step to another state closes the item's open deadlines; a step that stays closes
    only the deadline it restarts. Then the step's own deadline, if it has one, opens."""
    reflexive = result.source == result.target
    if not reflexive:
        repository.close_deadlines(connection, entity_type, entity_id, now, None)
    elif result.deadline is not None:
        repository.close_deadlines(connection, entity_type, entity_id, now, result.deadline.name)
    if result.deadline is not None:
        repository.insert_deadline(
            connection,
            body_id,
            entity_type,
            entity_id,
            result.deadline.name,
            result.deadline.label,
            result.deadline.due_at,
            now,
        )
