"""A Vorberatung that another Vorberatung follows: its recommendation, the paper stays put.

A Beratungsfolge may hold several Vorberatungen before the Entscheidung (the
Finanzausschuss, then the Hauptausschuss; or the same committee again). The paper goes on
to the Entscheidung with the last of them. Each one before it records its recommendation as
a step of the paper that keeps its state: in the paper's history, in that of every measure
the paper carries (the measures stay where they are, too), and in the audit trail, with a
new version of the paper, as every vote leaves it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any

from sqlalchemy.engine import Connection

from service import access
from service.actor import Actor
from service.audit.service import record
from service.lifecycle import repository as lifecycle_repository
from service.lifecycle.service import Transitioned
from service.papers import repository
from service.runtime import Runtime
from workflow.engine import FireResult
from workflow.errors import StaleVersion


def record_advice(
    runtime: Runtime,
    connection: Connection,
    actor: Actor,
    paper: Any,
    event: str,
    *,
    vote_id: int,
    data: Mapping[str, Any],
    comment: str | None,
    note: Mapping[str, Any] | None,
    at: datetime,
    expected_version: int | None,
    request_id: str | None,
    source: str | None = None,
) -> Transitioned:
    """The recommendation ``event`` (what the last Vorberatung would fire) as a step of the
    paper in its present state; the caller recorded the vote and checked the step.

    ``source``: the state the event belongs to, when the paper has left it; a Vorberatung
    left behind recommends after the paper went on to its Entscheidung (``left_behind``)."""
    now = runtime.now()
    if expected_version is not None and paper.version != expected_version:
        raise StaleVersion("paper", paper.id, expected_version)
    # The database decides a race with another step of the paper, as on the transition path.
    if not repository.advance_version(connection, paper.id, paper.version, now):
        raise StaleVersion("paper", paper.id, paper.version)
    spec = runtime.registry.engine(paper.definition_name, paper.definition_version).spec
    transition = spec.transition(source or paper.state, event)
    assert transition is not None  # the vote's event was found from this state
    result = FireResult(
        event=event,
        label=transition.label,
        source=paper.state,
        target=paper.state,
        changes=MappingProxyType(dict(data)),
        comment=comment.strip() if comment and comment.strip() else None,
        deadline=None,
        cascade=None,
    )
    role = min(actor.roles & access.PERMISSIONS["vote.record"])
    entry: dict[str, Any] = {
        "at": at,
        "recorded_at": now,
        "actor_user_id": actor.user_id,
        "actor_role": role,
        "comment": result.comment,
        "vote_id": vote_id,
    }
    lifecycle_repository.insert_history(
        connection,
        entity_type="paper",
        entity_id=paper.id,
        event=event,
        label=result.label,
        from_state=paper.state,
        to_state=paper.state,
        data={**data, **(note or {})},
        **entry,
    )
    if transition.cascade is not None:
        _note_on_measures(runtime, connection, paper.id, transition.cascade, data, note, entry)
    sealed = record(
        connection,
        runtime.chain_key,
        actor=actor,
        now=now,
        action="paper.transition",
        entity_type="paper",
        entity_id=paper.id,
        changes={"version": (paper.version, paper.version + 1)},
        context={"event": event, "at": at.isoformat()},
        comment=result.comment,
        role=role,
        request_id=request_id,
    )
    return Transitioned("paper", paper.id, paper.version + 1, result, sealed.seq)


def _note_on_measures(
    runtime: Runtime,
    connection: Connection,
    paper_id: int,
    event: str,
    data: Mapping[str, Any],
    note: Mapping[str, Any] | None,
    entry: dict[str, Any],
) -> None:
    """The recommendation in the history of each carried measure the last Vorberatung's
    decision will move (its cascade step is open to it), in the measure's own words; a
    measure the paper already took past that step is left as it is."""
    for measure_id in lifecycle_repository.carried_measures(connection, paper_id):
        row = lifecycle_repository.existing_item(connection, "measure", measure_id)
        spec = runtime.registry.engine(row.definition_name, row.definition_version).spec
        transition = spec.transition(row.state, event)
        if transition is None:
            continue
        accepted = set(transition.requires) | set(transition.optional)
        lifecycle_repository.insert_history(
            connection,
            entity_type="measure",
            entity_id=measure_id,
            event=event,
            label=transition.label,
            from_state=row.state,
            to_state=row.state,
            data={**{k: v for k, v in data.items() if k in accepted}, **(note or {})},
            **entry,
        )
