"""Programmes, measures and statements: creating them, reading them, firing their events."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from service import access
from service.actor import Actor
from service.errors import AccessDenied, Conflict, NotFound
from service.keyset import After
from service.lifecycle import repository as lifecycle_repository
from service.lifecycle.service import Transitioned
from service.measures import repository
from service.measures.models import BudgetLine, Measure, Milestone, Programme, Statement
from service.records import create_row, insert_audited, update_audited
from service.runtime import Runtime
from workflow.calendar import to_local
from workflow.engine import AvailableEvent, Engine, Subject
from workflow.errors import FieldProblem, Forbidden, InvalidData, StaleVersion
from workflow.guards import Statement as EngineStatement
from workflow.values import ValueProblem, normalize

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
    """Fires an event with the roles the definition names, and nothing else.

    For system work (the demo replay, a paper's cascade) and tests; what a signed-in user
    asks for goes through ``fire_by_user``, which adds the own-item rule of ``access``.
    """
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
    """Fires an event for a user: the definition names the roles, ``access`` the own-item
    rule (an AG member acts only on measures they are responsible for or deputise for)."""
    row = lifecycle_repository.load_item(connection, "measure", measure_id)
    if row is None:
        raise NotFound("Maßnahme", measure_id)
    acting = replace(actor, roles=access.transition_roles(actor, row))
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
        )
    except Forbidden as exc:
        if exc.allowed_roles & (actor.roles - acting.roles):
            raise AccessDenied(f"„{event}“: {access.OWN_ITEM_TEXT}") from exc
        raise


def allowed_events(
    runtime: Runtime, connection: Connection, actor: Actor | None, row: Any
) -> list[AvailableEvent]:
    """What this caller may fire on this measure now (nothing for the public)."""
    if actor is None:
        return []
    engine = runtime.registry.engine(row.definition_name, row.definition_version)
    subject = Subject(
        row.state, dict(row.fields or {}), tuple(statement_records(connection, row.id))
    )
    return engine.allowed_events(subject, access.transition_roles(actor, row), runtime.now())


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


# --- creating and editing through the API ---------------------------------------------------


def _editable_fields(engine: Engine, given: Mapping[str, Any]) -> dict[str, Any]:
    """Values for the definition's editable fields; ``None`` means "clear the field"."""
    spec = engine.spec
    problems: list[FieldProblem] = []
    clean: dict[str, Any] = {}
    for name, raw in given.items():
        field = spec.fields.get(name)
        if field is None:
            problems.append(FieldProblem(f"fields.{name}", name, "ist kein Feld einer Maßnahme."))
            continue
        if not field.editable:
            problems.append(
                FieldProblem(f"fields.{name}", field.label, "wird nur über einen Übergang gesetzt.")
            )
            continue
        try:
            clean[name] = normalize(field, raw)
        except ValueProblem as exc:
            problems.append(FieldProblem(f"fields.{name}", field.label, f"{exc}."))
    if problems:
        raise InvalidData("", problems)
    return clean


def _check_references(
    connection: Connection,
    *,
    programme_id: int,
    code: str | None,
    responsible_person_id: int | None,
    measure_id: int | None,
) -> None:
    problems: list[FieldProblem] = []
    if not repository.programme_exists(connection, programme_id):
        problems.append(
            FieldProblem("programme_id", "Arbeitspapier", f"{programme_id} gibt es nicht.")
        )
    elif code is not None and repository.code_taken(connection, programme_id, code, measure_id):
        problems.append(
            FieldProblem("code", "Kennung", f"„{code}“ ist in diesem Arbeitspapier vergeben.")
        )
    if responsible_person_id is not None and (
        repository.person_row(connection, responsible_person_id) is None
    ):
        problems.append(
            FieldProblem(
                "responsible_person_id",
                "Verantwortliche Person",
                f"{responsible_person_id} gibt es nicht.",
            )
        )
    if problems:
        raise InvalidData("", problems)


def new_measure(
    runtime: Runtime,
    connection: Connection,
    actor: Actor,
    *,
    programme_id: int,
    code: str,
    title: str,
    description: str | None = None,
    responsible_person_id: int | None = None,
    public: bool = True,
    fields: Mapping[str, Any] | None = None,
) -> int:
    """A measure created by a user: checked against ``access`` and the definition."""
    responsible = responsible_person_id if responsible_person_id is not None else actor.person_id
    access.require_create_measure(actor, responsible)
    _check_references(
        connection,
        programme_id=programme_id,
        code=code,
        responsible_person_id=responsible,
        measure_id=None,
    )
    clean = _editable_fields(runtime.registry.latest("massnahme"), fields or {})
    return create_measure(
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


EDITABLE_COLUMNS = ("code", "title", "description", "responsible_person_id", "public")


def update_measure(
    runtime: Runtime,
    connection: Connection,
    actor: Actor,
    measure_id: int,
    changes: Mapping[str, Any],
    *,
    version: int | None,
) -> int:
    """Edits a measure outside its workflow; returns the new version.

    The UPDATE is conditional on the version the caller read, so a concurrent edit or
    transition makes this one fail with 409 instead of being overwritten.
    """
    row = get_measure(connection, measure_id)
    access.require_edit_measure(actor, row)
    responsible = changes.get("responsible_person_id", row.responsible_person_id)
    if responsible != row.responsible_person_id:
        access.require(actor, "measure.reassign")
    engine = runtime.registry.engine(row.definition_name, row.definition_version)
    if engine.spec.states[row.state].final:
        label = engine.spec.states[row.state].label
        raise Conflict(
            "endzustand",
            "Maßnahme abgeschlossen",
            f"Die Maßnahme ist im Endzustand „{label}“ und kann nicht mehr bearbeitet werden.",
        )
    if version is not None and version != row.version:
        raise StaleVersion("measure", measure_id, version)
    values = {k: changes[k] for k in EDITABLE_COLUMNS if k in changes}
    if "code" in values or "responsible_person_id" in values:
        _check_references(
            connection,
            programme_id=row.programme_id,
            code=values.get("code"),
            responsible_person_id=values.get("responsible_person_id"),
            measure_id=measure_id,
        )
    if changes.get("fields"):
        merged = {**(row.fields or {}), **_editable_fields(engine, changes["fields"])}
        values["fields"] = {k: v for k, v in merged.items() if v is not None}
    now = runtime.now()
    values |= {"version": row.version + 1, "updated_at": now}
    if not update_audited(
        connection,
        runtime.chain_key,
        measures,
        measure_id,
        values,
        before=row,
        actor=actor,
        now=now,
        entity_type="measure",
        condition=measures.c.version == row.version,
        persons=[row.responsible_person_id, responsible],
    ):
        raise StaleVersion("measure", measure_id, row.version)
    return int(row.version) + 1


# --- lists and the detail ---------------------------------------------------------------------


def page(
    runtime: Runtime,
    connection: Connection,
    f: repository.MeasureFilter,
    *,
    sort: str,
    after: After | None,
    limit: int,
) -> list[Any]:
    return repository.page(connection, f, sort=sort, after=after, limit=limit, now=runtime.now())


def export_rows(
    runtime: Runtime, f: repository.MeasureFilter, sort: str, chunk: int = 500
) -> Iterator[Any]:
    """Every row of a list, page by page, each page in a short read transaction of its own.

    A long export then holds no transaction open (and no snapshot on PostgreSQL), and keyset
    paging keeps its memory flat at 100,000 measures.
    """
    after: After | None = None
    now = runtime.now()
    while True:
        with runtime.read() as connection:
            rows = repository.export_page(
                connection, f, sort=sort, after=after, limit=chunk, now=now
            )
        yield from rows
        if len(rows) < chunk:
            return
        last = rows[-1]
        after = After(repository.sort_value(last, sort), last.id)


def detail_parts(connection: Connection, measure_id: int) -> dict[str, list[Any]]:
    return {
        "statements": repository.statements_with_authors(connection, measure_id),
        "budget_lines": repository.budget_lines_of(connection, measure_id),
        "milestones": repository.milestones_of(connection, measure_id),
        "open_deadlines": repository.open_deadlines_of(connection, measure_id),
    }


def person_name(row: Any) -> str | None:
    """ "Titel Vorname Nachname" of a row with person columns, None for no person."""
    if row is None:
        return None
    parts = (row.person_title, row.given_name, row.family_name)
    return " ".join(p for p in parts if p) or None


def responsible_name(connection: Connection, person_id: int | None) -> str | None:
    person = repository.person_row(connection, person_id)
    if person is None:
        return None
    return " ".join(p for p in (person.title, person.given_name, person.family_name) if p) or None


# --- statements and milestones ----------------------------------------------------------------


def give_statement(
    runtime: Runtime,
    connection: Connection,
    actor: Actor,
    measure_id: int,
    *,
    kind: str | None,
    outcome: str,
    given_on: date,
    text: str | None,
) -> int:
    """A Stellungnahme of the caller's own kind; it unlocks the guards that ask for it."""
    row = get_measure(connection, measure_id)
    chosen = access.statement_kind(actor, kind)
    _require_open(runtime, row, "Eine Stellungnahme")
    if given_on > to_local(runtime.now()).date():
        raise InvalidData(
            "", [FieldProblem("given_on", "Datum", "darf nicht in der Zukunft liegen.")]
        )
    return add_statement(
        runtime,
        connection,
        actor,
        measure_id=measure_id,
        kind=chosen,
        outcome=outcome,
        given_on=given_on,
        text=text,
    )


def _require_open(runtime: Runtime, row: Any, what: str) -> None:
    engine = runtime.registry.engine(row.definition_name, row.definition_version)
    state = engine.spec.states[row.state]
    if state.final:
        raise Conflict(
            "endzustand",
            "Maßnahme abgeschlossen",
            f"{what} ist nicht mehr möglich: die Maßnahme ist im Endzustand „{state.label}“.",
        )


def new_milestone(
    runtime: Runtime, connection: Connection, actor: Actor, measure_id: int, **values: Any
) -> int:
    row = get_measure(connection, measure_id)
    access.require_edit_milestones(actor, row)
    return add_milestone(runtime, connection, actor, measure_id=measure_id, **values)


def get_milestone(connection: Connection, milestone_id: int) -> Any:
    row = connection.execute(select(milestones).where(milestones.c.id == milestone_id)).first()
    if row is None:
        raise NotFound("Meilenstein", milestone_id)
    return row


def update_milestone(
    runtime: Runtime,
    connection: Connection,
    actor: Actor,
    milestone_id: int,
    changes: Mapping[str, Any],
) -> None:
    milestone = get_milestone(connection, milestone_id)
    measure = get_measure(connection, milestone.measure_id)
    access.require_edit_milestones(actor, measure)
    if not changes:
        return
    update_audited(
        connection,
        runtime.chain_key,
        milestones,
        milestone_id,
        dict(changes),
        before=milestone,
        actor=actor,
        now=runtime.now(),
        entity_type="milestone",
    )
