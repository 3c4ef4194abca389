"""Firing a measure's events: for a user, with the own-item rule; for the system, without."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from sqlalchemy.engine import Connection

from service import access
from service.actor import Actor
from service.audit import repository as audit
from service.baseline import service as baseline
from service.budget import planning
from service.errors import AccessDenied, NotFound
from service.lifecycle import repository as lifecycle_repository
from service.lifecycle.service import Transitioned
from service.measures.reading import visible_measure
from service.runtime import Runtime
from workflow.errors import Forbidden


def fire_by_user(
    runtime: Runtime,
    connection: Connection,
    actor: Actor,
    measure_id: int,
    event: str,
    *,
    version: int | None = None,
    data: Mapping[str, Any] | None = None,
    comment: str | None = None,
    request_id: str | None = None,
) -> Transitioned:
    """A step a user takes: the definition names the roles, ``access`` the own-item rule (an
    AG member acts only on measures they are responsible for or deputise for)."""
    # Read once, under the chain lock that ``fire`` would take first (see Lifecycle.fire),
    # and handed on; the body's id is the one the request's token was checked against.
    audit.lock_chain(connection, runtime.chain_key)
    row = lifecycle_repository.load_item(connection, "measure", measure_id)
    if row is None or row.body_id != runtime.body_id:
        raise NotFound("Maßnahme", measure_id)
    access.require_visible(actor, row, "Maßnahme", measure_id)
    acting = replace(actor, roles=access.transition_roles(actor, row))
    if data and baseline.TARGET_FIELD in data:
        # A step may move the target date (a progress report); the decision binds it too.
        changed = {**(row.fields or {}), baseline.TARGET_FIELD: data[baseline.TARGET_FIELD]}
        baseline.check_change(runtime, connection, actor, row, changed, None)
    try:
        return fire(
            runtime,
            connection,
            acting,
            measure_id,
            event,
            version=version,
            data=data,
            comment=comment,
            request_id=request_id,
            loaded=row,
        )
    except Forbidden as exc:
        if exc.allowed_roles & (actor.roles - acting.roles):
            raise AccessDenied(f"„{exc.event_label}“: {access.OWN_ITEM_TEXT}") from exc
        raise


def fire(
    runtime: Runtime, connection: Connection, actor: Actor, measure_id: int, event: str, **step: Any
) -> Transitioned:
    """Fires an event with the roles the definition names, and nothing else.

    For system work (the demo replay, a paper's cascade) and tests; what a signed-in user
    asks for goes through ``fire_by_user``, whose keywords (``version``, ``data``,
    ``comment``, ``request_id``) ``step`` takes.
    """
    done = runtime.lifecycle.fire(
        connection,
        "measure",
        measure_id,
        event,
        actor=actor,
        now=runtime.now(),
        expected_version=step.pop("version", None),
        **step,
    )
    if event == planning.FUNDING_EVENT:
        planning.plan_from_decision(runtime, connection, actor, measure_id, done.result.changes)
    return done


def offers(runtime: Runtime, actor: Actor, measure_id: int, event: str) -> bool:
    """Whether ``event`` is a step the caller could take on the measure now, unblocked: only
    then does a door ask before a step that cannot be undone; otherwise the step itself
    explains the refusal."""
    with runtime.read() as connection:
        row = visible_measure(runtime, connection, actor, measure_id)
        available = runtime.lifecycle.allowed_events(
            connection, "measure", row, actor=actor, now=runtime.now()
        )
    return any(a.event == event and not a.blocked_by for a in available)
