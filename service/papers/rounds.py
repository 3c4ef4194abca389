"""The end of a round of the Beratungsfolge: the paper is referred back.

A paper referred back (``zurueckverweisen``) returns to its draft; once revised, it goes
through the committees again, in steps planned anew behind the old ones, and then to the
council again. The old round keeps what happened in it: each vote, its result and its
history. Its open steps close, so that none stands in the way of the new round (a vote
waits for every open step before it, and no Vorberatung is planned behind an open
Entscheidung): the step being treated records that it referred the paper back, the steps
after it that they were dropped.
"""

from __future__ import annotations

from sqlalchemy.engine import Connection

from service.actor import Actor
from service.papers import repository
from service.records import update_audited
from service.runtime import Runtime
from workflow.engine import FireResult
from workflow.spec import WorkflowSpec

REFERRED = "zurueckverwiesen"
DROPPED = "entfallen"
VOTING_ROLES = ("vorberatung", "entscheidung")


def referred_back(spec: WorkflowSpec, result: FireResult) -> bool:
    """Whether the step took the paper from its Beratungsfolge back to its draft."""
    return result.target == spec.initial and result.source != spec.initial


def close_round(runtime: Runtime, connection: Connection, actor: Actor, paper_id: int) -> None:
    """Closes the open steps of the Beratungsfolge, each audited; the caller fired the step
    that referred the paper back, in this transaction."""
    now = runtime.now()
    steps = [s for s in repository.consultations_of(connection, paper_id) if s.result is None]
    treated = next((s for s in steps if s.role in VOTING_ROLES), None)
    for step in steps:
        update_audited(
            connection,
            runtime.chain_key,
            repository.consultations,
            step.id,
            {"result": REFERRED if step is treated else DROPPED},
            actor=actor,
            now=now,
            entity_type="consultation",
            before=step,
            condition=repository.consultations.c.result.is_(None),
        )
