"""Writing audit events from any domain, inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection

from service.actor import Actor
from service.audit import repository
from service.audit.chain import EventDraft, SealedEvent


def record(
    connection: Connection,
    chain_key: str,
    *,
    actor: Actor,
    now: datetime,
    action: str,
    entity_type: str,
    entity_id: int | None,
    changes: Mapping[str, tuple[Any, Any]] | None = None,
    context: Mapping[str, Any] | None = None,
    persons: Iterable[int | None] = (),
    comment: str | None = None,
    role: str | None = None,
    request_id: str | None = None,
    subject_person_id: int | None = None,
) -> SealedEvent:
    return repository.append(
        connection,
        chain_key,
        EventDraft(
            ts=now,
            actor_id=actor.user_id,
            actor_role=role or (min(actor.roles) if actor.roles else None),
            action=action,
            entity_type=entity_type,
            entity_id=entity_id,
            persons=[p for p in persons if p is not None],
            changes=changes or {},
            context=context or {},
            comment=comment,
            request_id=request_id,
            subject_person_id=subject_person_id,
            comment_person_id=actor.person_id,
        ),
    )


def created(values: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Changes of a newly created row: every value given, from nothing."""
    return {k: (None, _plain(v)) for k, v in values.items() if v is not None and k != "id"}


def _plain(value: Any) -> Any:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)
