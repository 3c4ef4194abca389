"""Editing a measure outside its workflow: title, description, responsible person, fields.

An edit of what a Sachstandsbericht names a measure by (Kennung, title, responsible person),
of its description or of its fields (target date, costs...) is kept in the measure's
``measure_changes`` with the moment it was made, so a report as of an earlier Stichtag still
shows the values it showed then, and one as of a later day the edited ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection

from service import access, texts
from service.actor import Actor
from service.baseline import service as baseline
from service.measures import rules
from service.measures.models import Measure
from service.measures.overview import responsible_choices
from service.measures.reading import get_measure, log_measure_read, visible_measure
from service.measures.repository import snapshots
from service.records import update_audited
from service.runtime import Runtime
from workflow.errors import StaleVersion
from workflow.spec import WorkflowSpec

measures = Measure.__table__  # type: ignore[attr-defined]
EDITABLE_COLUMNS = ("code", "title", "description", "responsible_person_id", "public")


@dataclass(frozen=True)
class EditForm:
    """What the form for a measure's Angaben offers this caller."""

    measure: Any
    spec: WorkflowSpec
    # Field -> label of the nearest step ahead whose guard needs a value in it.
    needed: dict[str, str]
    people: list[tuple[int, str]]
    may_reassign: bool
    # Adopted Änderungsvorlagen a change may cite; None while not decided by the council.
    amendments: list[tuple[str, str]] | None


def read_for_edit(runtime: Runtime, actor: Actor, measure_id: int) -> EditForm:
    """The measure as the edit form shows it, for a caller who may edit it (logged like a
    read of the measure when it is not public)."""
    with runtime.read() as connection:
        row = visible_measure(runtime, connection, actor, measure_id)
        access.require_edit_measure(actor, row)
        rules.require_open(runtime, row, "Das Bearbeiten")
        engine = runtime.registry.engine(row.definition_name, row.definition_version)
        form = EditForm(
            measure=row,
            spec=engine.spec,
            needed=engine.fields_needed(row.state),
            people=responsible_choices(connection, row.body_id),
            may_reassign=access.holds(actor, "measure.reassign"),
            amendments=baseline.amendment_choices(connection, row),
        )
    log_measure_read(runtime, actor, row)
    return form


def update_measure(
    runtime: Runtime,
    connection: Connection,
    actor: Actor,
    measure_id: int,
    changes: Mapping[str, Any],
    *,
    version: int | None,
) -> int:
    """Changes what ``changes`` names and returns the new version.

    The UPDATE is conditional on the version the caller read, so a concurrent edit or
    transition makes this one fail with 409 instead of being overwritten.
    """
    body_id = runtime.body_id_in(connection)
    row = get_measure(connection, measure_id, body_id)
    engine = runtime.registry.engine(row.definition_name, row.definition_version)
    values = {k: changes[k] for k in EDITABLE_COLUMNS if k in changes}
    if isinstance(values.get("code"), str):
        # As when it was created: "M-01 " is M-01 (see ``texts.trimmed``).
        values["code"] = texts.trimmed(values["code"])
    fields, problems = rules.editable_fields(engine, changes.get("fields") or {})
    rules.raise_problems(texts.problems(rules.MEASURE_TEXTS, values) + problems)
    access.require_edit_measure(actor, row)
    responsible = values.get("responsible_person_id", row.responsible_person_id)
    if responsible != row.responsible_person_id:
        access.require(actor, "measure.reassign")
    rules.require_open(runtime, row, "Das Bearbeiten")
    if version is not None and version != row.version:
        raise StaleVersion("measure", measure_id, version)
    if "code" in values or "responsible_person_id" in values:
        rules.raise_problems(
            rules.reference_problems(
                connection,
                body_id=body_id,
                programme_id=row.programme_id,
                code=values.get("code"),
                responsible_person_id=values.get("responsible_person_id"),
                measure_id=measure_id,
            )
        )
    if fields:
        merged = {**(row.fields or {}), **fields}
        values["fields"] = {k: v for k, v in merged.items() if v is not None}
    amendment = changes.get("amendment") or None
    amended = baseline.check_change(
        runtime, connection, actor, row, values.get("fields", row.fields or {}), amendment
    )
    now = runtime.now()
    values |= {"version": row.version + 1, "updated_at": now}
    guard = (
        rules.unique_code(connection, body_id, values["code"], measure_id)
        if "code" in values
        else nullcontext()
    )
    with guard:
        updated = update_audited(
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
        )
    if not updated:
        raise StaleVersion("measure", measure_id, row.version)
    edited = snapshots.changed_fields(row.fields or {}, values.get("fields", row.fields or {}))
    if edited or any(values[k] != getattr(row, k) for k in snapshots.COLUMNS if k in values):
        snapshots.record(connection, measure_id, now, edited)
    if amended and amendment is not None:
        baseline.record_amendment(runtime, connection, actor, measure_id, amendment)
    return int(row.version) + 1
