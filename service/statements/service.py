"""Stellungnahmen of the DSB, the ISB and the Personalrat: each given in its author's role.

A statement unlocks the guards of ``an_fva_uebergeben`` that ask for it; "ablehnend" blocks.
Statements are read with their measure and logged like it (``measure.read``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.engine import Connection

from service import access, texts
from service.actor import Actor
from service.errors import NotFound
from service.measures import rules
from service.measures import service as measures
from service.records import insert_audited
from service.runtime import Runtime
from service.statements import repository
from service.statements.models import Statement
from service.texts import TextRule
from workflow.calendar import to_local
from workflow.errors import FieldProblem

statements = Statement.__table__  # type: ignore[attr-defined]
OUTCOMES = ("zustimmend", "mit_auflagen", "ablehnend")
TEXTS = {"text": TextRule("Text", rules.LONG_TEXT_LENGTH, multiline=True)}


@dataclass(frozen=True)
class StatementsView:
    statements: list[Any]
    authors: dict[int, str]


def read_statements(runtime: Runtime, actor: Actor | None, measure_id: int) -> StatementsView:
    """The statements on a measure; their authors' names for staff only."""

    def load(connection: Connection, _row: Any) -> tuple[StatementsView, list[int]]:
        rows = repository.statements_of(connection, measure_id)
        authors = measures.names_of(connection, actor, {s.author_person_id for s in rows})
        return StatementsView(rows, authors), [s.author_person_id for s in rows]

    return measures.read_part(runtime, actor, measure_id, load)


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
    """A Stellungnahme of the caller's own kind on a measure that is not yet ended."""
    row = measures.visible_measure(runtime, connection, actor, measure_id)
    problems = texts.problems(TEXTS, {"text": text})
    if outcome not in OUTCOMES:
        problems.append(
            FieldProblem("outcome", "Ergebnis", "zustimmend, mit Auflagen oder ablehnend.")
        )
    if given_on > to_local(runtime.now()).date():
        problems.append(FieldProblem("given_on", "Datum", "darf nicht in der Zukunft liegen."))
    rules.raise_problems(problems)
    chosen = access.statement_kind(actor, kind)
    measures.require_open(runtime, row, "Eine Stellungnahme")
    return insert_statement(
        runtime,
        connection,
        actor,
        measure_id=measure_id,
        kind=chosen,
        outcome=outcome,
        given_on=given_on,
        text=text,
    )


def written_statement(
    connection: Connection, actor: Actor, statement_id: int
) -> tuple[Any, str | None]:
    """A statement as its author just gave it, with the author's name."""
    row = repository.statement(connection, statement_id)
    if row is None:
        raise NotFound("Stellungnahme", statement_id)
    names = measures.names_of(connection, actor, {row.author_person_id})
    return row, names.get(row.author_person_id)


def insert_statement(
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
    """Inserts a statement by the actor's person, audited, checking nothing else (demo, tests)."""
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
