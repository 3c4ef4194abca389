"""Writing audit events from any domain, inside the caller's transaction."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from service.actor import Actor
from service.audit import repository
from service.audit.chain import EventDraft, SealedEvent
from service.audit.models import READ_SUFFIX
from service.audit.repository.erasure import clear_values_of
from service.errors import ReadNotLogged


class Runtime(Protocol):
    """What the trail needs of a process's runtime (``service.runtime.Runtime``): its chain,
    its clock and a write transaction. Named here, so the trail sits below the runtime."""

    @property
    def chain_key(self) -> str: ...

    def now(self) -> datetime: ...

    def write(self) -> AbstractContextManager[Connection]: ...


log = logging.getLogger("ratsflow.audit")


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


def erase_values_of(connection: Connection, person_id: int, now: datetime) -> int:
    """Clears every readable value of the person beside the chain, with its salt; on the
    owner connection, since detail rows refuse every other change. How many were cleared."""
    return clear_values_of(connection, person_id, now)


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


def record_access(
    runtime: Runtime,
    connection: Connection,
    actor: Actor,
    entity_type: str,
    entity_id: int | None,
    purpose: str | None = None,
    *,
    persons: Iterable[int | None] = (),
) -> SealedEvent:
    """Logs that ``actor`` read personal data (a person, a user, a non-public item).

    The persons whose data was read are named by id, so that "who read the data of person
    Y" and the disclosure export (DSGVO Art. 15) find the read.
    """
    affected = [*persons]
    if entity_type == "person":
        affected.append(entity_id)
    elif entity_type == "user" and entity_id is not None:
        affected.append(repository.person_of_user(connection, entity_id))
    return record(
        connection,
        runtime.chain_key,
        actor=actor,
        now=runtime.now(),
        action=f"{entity_type}{READ_SUFFIX}",
        entity_type=entity_type,
        entity_id=entity_id,
        persons=affected,
        comment=purpose,
    )


def log_read(
    runtime: Runtime,
    actor: Actor | None,
    entity_type: str,
    entity_id: int | None,
    *,
    persons: Iterable[int | None] = (),
    purpose: str | None = None,
) -> None:
    """Commits one access event before the caller shows what it read.

    The event has a transaction of its own, so the read it records may come from a read-only
    transaction; it must be called outside any write transaction of the same request (which
    holds the chain lock this one waits for). Nobody signed in means a public read: nothing
    to log. When the event cannot be written the read fails with ``ReadNotLogged`` (503).
    """
    if actor is None:
        return
    try:
        with runtime.write() as connection:
            record_access(
                runtime, connection, actor, entity_type, entity_id, purpose, persons=persons
            )
    except SQLAlchemyError as exc:
        log.error("Zugriff auf %s %s nicht protokolliert: %s", entity_type, entity_id, exc)
        raise ReadNotLogged() from exc


def record_query(
    runtime: Runtime,
    connection: Connection,
    actor: Actor,
    action: str,
    purpose: str,
    stated: Mapping[str, Any],
    *,
    entity_type: str = "audit_trail",
    entity_id: int | None = None,
    persons: Iterable[int | None] = (),
) -> SealedEvent:
    """A query of the trail is itself written to the trail, with its stated purpose.

    It is an access like any logged read: when it cannot be written, nothing found is shown
    (``ReadNotLogged``, 503) and the caller's transaction rolls back.
    """
    affected = [*persons]
    if isinstance(stated.get("actor_id"), int):
        affected.append(repository.person_of_user(connection, stated["actor_id"]))
    if isinstance(stated.get("person_id"), int):
        affected.append(stated["person_id"])
    try:
        return record(
            connection,
            runtime.chain_key,
            actor=actor,
            now=runtime.now(),
            action=action,
            entity_type=entity_type,
            entity_id=entity_id,
            context=stated,
            persons=affected,
            comment=purpose,
        )
    except SQLAlchemyError as exc:
        log.error("Abfrage des Protokolls (%s) nicht protokolliert: %s", action, exc)
        raise ReadNotLogged() from exc
