"""The end of a round of the Beratungsfolge: the paper is referred back, or withdrawn.

A paper referred back (``zurueckverweisen``) returns to its draft; once revised, it goes
through the committees again, in steps planned anew behind the old ones, and then to the
council again. A paper withdrawn (``zurueckziehen``) goes no further. The old round keeps
what happened in it: each vote, its result and its history. Its open steps close, so that
none stands in the way of the new round (a vote waits for every open step before it, and no
Vorberatung is planned behind an open Entscheidung) and none shows „offen“ for a paper no
committee will treat: on a referral the step being treated records that it referred the
paper back, the steps after it that they were dropped; on a withdrawal every open step was
dropped. Each step names the event that closed it (``closed_by``), so that it can say why.
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


def ends_round(spec: WorkflowSpec, result: FireResult) -> bool:
    """Whether the step ends the paper's round: a referral back to its draft, or an end
    state reached by hand (a withdrawal; a vote's decision closes its own step)."""
    ended = spec.states[result.target].final and not spec.states[result.source].final
    return referred_back(spec, result) or ended


def close_round(
    runtime: Runtime,
    connection: Connection,
    actor: Actor,
    paper_id: int,
    spec: WorkflowSpec,
    result: FireResult,
) -> None:
    """Closes the open steps of the Beratungsfolge, each audited; the caller fired the step
    that ended the round (``result``), in this transaction."""
    now = runtime.now()
    steps = [s for s in repository.consultations_of(connection, paper_id) if s.result is None]
    treated = None
    if referred_back(spec, result):
        treated = next((s for s in steps if s.role in VOTING_ROLES), None)
    for step in steps:
        update_audited(
            connection,
            runtime.chain_key,
            repository.consultations,
            step.id,
            {"result": REFERRED if step is treated else DROPPED, "closed_by": result.event},
            actor=actor,
            now=now,
            entity_type="consultation",
            before=step,
            condition=repository.consultations.c.result.is_(None),
        )
