"""Creating measures: the checked path for users and the plain insert beneath it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.engine import Connection

from service import access, texts
from service.actor import Actor
from service.measures import rules
from service.measures.models import Measure
from service.measures.repository import snapshots
from service.records import insert_audited
from service.runtime import Runtime
from workflow.errors import FieldProblem
from workflow.values import normalize

measures = Measure.__table__  # type: ignore[attr-defined]


def new_form(runtime: Runtime, connection: Connection, actor: Actor) -> tuple[str, dict[str, str]]:
    """What the form for a new measure proposes: the next free Kennung, and the fields a
    step ahead will need (field -> that step's label)."""
    access.require(actor, "measure.create")
    engine = runtime.registry.latest("massnahme")
    needed = engine.fields_needed(engine.spec.initial)
    return rules.next_code(connection, runtime.body_id_in(connection)), needed


def new_measure(
    runtime: Runtime,
    connection: Connection,
    actor: Actor,
    *,
    programme_id: int | None,
    code: str,
    title: str,
    description: str | None = None,
    responsible_person_id: int | None = None,
    public: bool = False,
    fields: Mapping[str, Any] | None = None,
) -> int:
    """A measure a user creates: what they typed, then who they are, then what it names.

    An AG member drafts only measures they are responsible for (or deputise for); without a
    responsible person it is the caller's own. The Kennung is kept without the blanks around
    it, whichever door it came through.
    """
    code = texts.trimmed(code)
    clean, problems = rules.editable_fields(runtime.registry.latest("massnahme"), fields or {})
    typed = {"code": code, "title": title, "description": description}
    problems = texts.problems(rules.MEASURE_TEXTS, typed) + problems
    if programme_id is None:
        problems.insert(
            0, FieldProblem("programme_id", "Arbeitspapier", "Bitte ein Arbeitspapier wählen.")
        )
    rules.raise_problems(problems)
    assert programme_id is not None
    responsible = responsible_person_id if responsible_person_id is not None else actor.person_id
    access.require_create_measure(actor, responsible)
    rules.raise_problems(
        rules.reference_problems(
            connection,
            body_id=runtime.body_id_in(connection),
            programme_id=programme_id,
            code=code,
            responsible_person_id=responsible,
            measure_id=None,
        )
    )
    return insert_measure(
        runtime,
        connection,
        actor,
        programme_id=programme_id,
        code=code,
        title=title,
        fields=clean,
        description=description,
        responsible_person_id=responsible,
        public=public,
    )


def insert_measure(
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
    """Inserts a measure in the initial state of the newest ``massnahme``, audited, and checks
    nothing else: for the demo, the import (which checks every row first) and tests. Only
    the database's unique Kennung is answered like the check (``rules.unique_code``)."""
    spec = runtime.registry.latest("massnahme").spec
    clean = {
        name: normalize(spec.fields[name], value)
        for name, value in (fields or {}).items()
        if name in spec.fields
    }
    now = runtime.now()
    row = {
        "body_id": runtime.body_id_in(connection),
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
    with rules.unique_code(connection, row["body_id"], code, None):
        measure_id = insert_audited(
            connection,
            runtime.chain_key,
            measures,
            row,
            actor=actor,
            now=now,
            entity_type="measure",
            persons=[values.get("responsible_person_id")],
        )
    snapshots.record(connection, measure_id, now, row["fields"])
    return measure_id
