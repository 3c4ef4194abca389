"""Meilensteine of a measure: kept by the AG lead and the responsible person (or deputy).

Every state of a milestone is kept with the moment it began (``milestone_changes``), written
in the transaction that changes it: a Sachstandsbericht reads the milestone as it stood on
its Stichtag, not as it is today.

Progress (``fortschritt``) is not a milestone: it is the ``fortschritt_melden`` transition,
so each report lands in the measure's history. A measure in an end state keeps its
milestones as they were when it ended: none is added, changed or marked done afterwards
(it was closed at 100 %, or stopped; what it reached is part of the record).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.engine import Connection

from service import access, texts
from service.actor import Actor
from service.errors import NotFound
from service.measures import service as measures
from service.milestones import repository
from service.milestones.models import Milestone
from service.records import create_row, update_audited
from service.runtime import Runtime
from service.texts import TextRule

milestones = Milestone.__table__  # type: ignore[attr-defined]
TITLE_LENGTH = 300
TEXTS = {"title": TextRule("Titel", TITLE_LENGTH, required="Bitte einen Titel angeben.")}


def read_milestones(runtime: Runtime, actor: Actor | None, measure_id: int) -> list[Any]:
    def load(connection: Connection, _row: Any) -> tuple[list[Any], list[int]]:
        return repository.milestones_of(connection, measure_id), []

    return measures.read_part(runtime, actor, measure_id, load)


def get_milestone(connection: Connection, milestone_id: int, body_id: int | None = None) -> Any:
    """The milestone; one of another body's measure than ``body_id`` is not found."""
    row = repository.milestone(connection, milestone_id, body_id)
    if row is None:
        raise NotFound("Meilenstein", milestone_id)
    return row


def new_milestone(
    runtime: Runtime, connection: Connection, actor: Actor, measure_id: int, **values: Any
) -> int:
    measure = measures.visible_measure(runtime, connection, actor, measure_id)
    texts.check("meilenstein", TEXTS, {"title": values.get("title")})
    access.require_edit_milestones(actor, measure)
    measures.require_open(runtime, measure, "Ein neuer Meilenstein")
    return insert_milestone(runtime, connection, actor, measure_id=measure_id, **values)


def update_milestone(
    runtime: Runtime,
    connection: Connection,
    actor: Actor,
    milestone_id: int,
    changes: Mapping[str, Any],
) -> None:
    milestone = get_milestone(connection, milestone_id, runtime.body_id_in(connection))
    measure = measures.visible_measure(runtime, connection, actor, milestone.measure_id)
    texts.check("meilenstein", TEXTS, changes)
    access.require_edit_milestones(actor, measure)
    measures.require_open(runtime, measure, "Das Ändern eines Meilensteins")
    if not changes:
        return
    now = runtime.now()
    update_audited(
        connection,
        runtime.chain_key,
        milestones,
        milestone_id,
        dict(changes),
        before=milestone,
        actor=actor,
        now=now,
        entity_type="milestone",
    )
    repository.record_state(connection, milestone_id, now)


def insert_milestone(runtime: Runtime, connection: Connection, actor: Actor, **values: Any) -> int:
    """Inserts a milestone, audited, checking nothing else (demo, tests)."""
    now = runtime.now()
    milestone_id = create_row(
        runtime, connection, actor, milestones, "milestone", {**values, "created_at": now}
    )
    repository.record_state(connection, milestone_id, now)
    return milestone_id
