"""Programmes, measures and statements: creating them, reading them, firing their events."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from service.actor import Actor
from service.errors import NotFound
from service.lifecycle import repository as lifecycle_repository
from service.lifecycle.service import Transitioned
from service.measures.models import BudgetLine, Measure, Milestone, Programme, Statement
from service.records import create_row, insert_audited
from service.runtime import Runtime
from workflow.guards import Statement as EngineStatement
from workflow.values import normalize

programmes = Programme.__table__  # type: ignore[attr-defined]
measures = Measure.__table__  # type: ignore[attr-defined]
statements = Statement.__table__  # type: ignore[attr-defined]
budget_lines = BudgetLine.__table__  # type: ignore[attr-defined]
milestones = Milestone.__table__  # type: ignore[attr-defined]

STATEMENT_ROLES = {
    "datenschutz": "datenschutz",
    "informationssicherheit": "informationssicherheit",
    "personalrat": "personalrat",
}


def create_programme(runtime: Runtime, connection: Connection, actor: Actor, **values: Any) -> int:
    values.setdefault("created_at", runtime.now())
    return create_row(
        runtime,
        connection,
        actor,
        programmes,
        "programme",
        values,
        persons=[values.get("owner_person_id")],
    )


def create_measure(
    runtime: Runtime,
    connection: Connection,
    actor: Actor,
    *,
    programme_id: int,
    code: str,
    title: str,
    fields: Mapping[str, Any] | None = None,
    **values: Any,
) -> int:
    """A new measure starts in the newest version of ``massnahme``, in its initial state."""
    engine = runtime.registry.latest("massnahme")
    spec = engine.spec
    clean = {
        name: normalize(spec.fields[name], value)
        for name, value in (fields or {}).items()
        if name in spec.fields
    }
    now = runtime.now()
    row = {
        "programme_id": programme_id,
        "code": code,
        "title": title,
        "state": spec.initial,
        "version": 1,
        "definition_name": spec.name,
        "definition_version": spec.version,
        "fields": {k: v for k, v in clean.items() if v is not None},
        "created_at": now,
        "updated_at": now,
        **values,
    }
    return insert_audited(
        connection,
        runtime.chain_key,
        measures,
        row,
        actor=actor,
        now=now,
        entity_type="measure",
        persons=[values.get("responsible_person_id")],
    )


def add_statement(
    runtime: Runtime,
    connection: Connection,
    actor: Actor,
    *,
    measure_id: int,
    kind: str,
    outcome: str,
    given_on: date,
    text: str | None = None,
) -> int:
    if actor.person_id is None:
        raise NotFound("Person des Benutzers", actor.name)
    now = runtime.now()
    return insert_audited(
        connection,
        runtime.chain_key,
        statements,
        {
            "measure_id": measure_id,
            "kind": kind,
            "outcome": outcome,
            "given_on": given_on,
            "text": text,
            "author_person_id": actor.person_id,
            "created_at": now,
        },
        actor=actor,
        now=now,
        entity_type="statement",
        persons=[actor.person_id],
    )


def fire(
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
    return runtime.lifecycle.fire(
        connection,
        "measure",
        measure_id,
        event,
        actor=actor,
        now=runtime.now(),
        expected_version=version,
        data=data,
        comment=comment,
        request_id=request_id,
    )


def list_measures(connection: Connection) -> list[Any]:
    return list(
        connection.execute(
            select(
                measures.c.id,
                measures.c.code,
                measures.c.title,
                measures.c.state,
                measures.c.version,
                measures.c.programme_id,
                measures.c.responsible_person_id,
            ).order_by(measures.c.id)
        )
    )


def get_measure(connection: Connection, measure_id: int) -> Any:
    row = connection.execute(select(measures).where(measures.c.id == measure_id)).first()
    if row is None:
        raise NotFound("Maßnahme", measure_id)
    return row


def statements_of(connection: Connection, measure_id: int) -> list[Any]:
    return list(
        connection.execute(
            select(statements)
            .where(statements.c.measure_id == measure_id)
            .order_by(statements.c.id)
        )
    )


def history(connection: Connection, measure_id: int) -> list[Any]:
    get_measure(connection, measure_id)
    return lifecycle_repository.history_of(connection, "measure", measure_id)


def add_budget_line(runtime: Runtime, connection: Connection, actor: Actor, **values: Any) -> int:
    return create_row(runtime, connection, actor, budget_lines, "budget_line", values)


def add_milestone(runtime: Runtime, connection: Connection, actor: Actor, **values: Any) -> int:
    return create_row(runtime, connection, actor, milestones, "milestone", values)


def page_measures(
    connection: Connection,
    *,
    public_only: bool,
    state: str | None,
    programme_id: int | None,
    responsible_person_id: int | None,
    after_id: int | None,
    limit: int,
) -> list[Any]:
    """Keyset paging by id: page 20 costs what page 1 costs."""
    query = select(
        measures.c.id,
        measures.c.code,
        measures.c.title,
        measures.c.state,
        measures.c.version,
        measures.c.programme_id,
        measures.c.public,
    )
    if public_only:
        query = query.where(measures.c.public.is_(True))
    if state:
        query = query.where(measures.c.state == state)
    if programme_id is not None:
        query = query.where(measures.c.programme_id == programme_id)
    if responsible_person_id is not None:
        query = query.where(measures.c.responsible_person_id == responsible_person_id)
    if after_id is not None:
        query = query.where(measures.c.id > after_id)
    return list(connection.execute(query.order_by(measures.c.id).limit(limit)))


def statement_records(connection: Connection, measure_id: int) -> list[EngineStatement]:
    return [
        EngineStatement(s.kind, s.author_person_id, s.given_on, s.outcome)
        for s in lifecycle_repository.load_statements(connection, measure_id)
    ]
