"""Statement requests: a measure entering AG review asks the DSB, the ISB or the Personalrat
for the statements its guards will need, each with a deadline.

Which statements a state needs is read from the definition, not written here: the guards of
the transitions leaving the state that ask for a statement (``workflow.guards.STATEMENT_GUARDS``)
and the item's flags that call for it. The lifecycle calls ``sync`` on every change of a
measure's state, so requests open on entering AG review (also after a Zurückverweisung) and
close when the measure leaves it; giving the statement closes its request (``answer``).
The deadline (written here, in the transition's transaction, through the deadlines room's
repository: its service sits above the runtime) drives the usual reminders and escalation
(``service.scheduler.deadline_sweep``), addressed to the holders of the requested role.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection

from service.actor import Actor
from service.audit.service import record
from service.deadlines import repository as deadlines
from service.statements import repository
from workflow.calendar import Duration, due_at
from workflow.guards import STATEMENT_GUARDS
from workflow.spec import WorkflowSpec

ENTITY = "statement_request"
DEADLINE = "stellungnahme"
KIND_LABELS = {
    "datenschutz": "der/des Datenschutzbeauftragten",
    "informationssicherheit": "der/des Informationssicherheitsbeauftragten",
    "personalrat": "des Personalrats",
}


def needed_kinds(spec: WorkflowSpec, state: str, fields: Mapping[str, Any]) -> list[str]:
    """The statement kinds a step out of ``state`` will ask for, given the item's flags."""
    kinds: list[str] = []
    for transition in spec.events_from(state):
        for name in transition.guards:
            kind, flag = STATEMENT_GUARDS.get(name, (None, ""))
            if kind is not None and fields.get(flag) and kind not in kinds:
                kinds.append(kind)
    return kinds


def sync(
    connection: Connection,
    *,
    body_id: int,
    measure_id: int,
    spec: WorkflowSpec,
    state: str,
    fields: Mapping[str, Any],
    now: datetime,
    period: str,
    land: str,
) -> dict[str, list[str]]:
    """Opens a request for each statement the new state needs and nobody gave yet; closes
    the requests the new state no longer needs. Returns the kinds opened and closed: the
    transition's own audit event records them (they are part of that step)."""
    needed = needed_kinds(spec, state, fields)
    open_ = {r.kind: r for r in repository.open_requests(connection, measure_id)}
    closed = []
    for kind, row in open_.items():
        if kind not in needed:
            repository.close_request(connection, row.id, now, None)
            deadlines.close_of(connection, ENTITY, row.id, now)
            closed.append(kind)
    given = {s.kind for s in repository.statements_of(connection, measure_id)}
    opened = []
    for kind in needed:
        if kind in open_ or kind in given:
            continue
        due = due_at(now, Duration.parse(period), land=land)
        request_id = repository.insert_request(
            connection,
            {
                "body_id": body_id,
                "measure_id": measure_id,
                "kind": kind,
                "requested_at": now,
                "due_at": due,
            },
        )
        deadlines.start(
            connection,
            body_id,
            ENTITY,
            request_id,
            DEADLINE,
            f"Stellungnahme {KIND_LABELS[kind]} abgeben",
            due,
            now,
        )
        opened.append(kind)
    return {k: v for k, v in (("opened", opened), ("closed", closed)) if v}


def answer(
    connection: Connection,
    chain_key: str,
    actor: Actor,
    measure_id: int,
    kind: str,
    statement_id: int,
    now: datetime,
) -> None:
    """The statement closes the open request of its kind (and its deadline)."""
    for row in repository.open_requests(connection, measure_id):
        if row.kind == kind:
            _close(connection, chain_key, actor, row, now, statement_id)


def _close(
    connection: Connection,
    chain_key: str,
    actor: Actor,
    row: Any,
    now: datetime,
    statement_id: int | None,
) -> None:
    repository.close_request(connection, row.id, now, statement_id)
    deadlines.close_of(connection, ENTITY, row.id, now)
    record(
        connection,
        chain_key,
        actor=actor,
        now=now,
        action=f"{ENTITY}.close",
        entity_type=ENTITY,
        entity_id=row.id,
        changes={"closed_at": (None, now.isoformat()), "statement_id": (None, statement_id)},
    )
