"""Stellungnahmen of the DSB, the ISB and the Personalrat: each given in its author's role.

A statement unlocks the guards of ``an_fva_uebergeben`` that ask for it; "ablehnend" blocks
until the Verwaltungsleitung records a reasoned decision to proceed (``weigh_statement``,
the Abwägung: the DSB and ISB advise, the administration decides). "mit Auflagen" names each
condition (Auflage); the measure is finished only when every one is marked fulfilled
(``fulfil_condition``). Giving a statement answers the open request of its kind
(``service.statements.requests``). Statements and their parts are read with their measure
and logged like it (``measure.read``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy.engine import Connection

from service import access, texts
from service.actor import Actor
from service.errors import Conflict, NotFound
from service.measures import rules
from service.measures import service as measures
from service.records import insert_audited, update_audited
from service.runtime import Runtime
from service.statements import repository
from service.statements import requests as statement_requests
from service.statements.models import Condition, Statement, Weighing
from service.statements.tasks import StatementsView, statement_tasks
from service.texts import TextRule
from workflow.calendar import to_local
from workflow.errors import FieldProblem

statements = Statement.__table__  # type: ignore[attr-defined]
weighing_table = Weighing.__table__  # type: ignore[attr-defined]
condition_table = Condition.__table__  # type: ignore[attr-defined]
OUTCOMES = ("zustimmend", "mit_auflagen", "ablehnend")
MAX_CONDITIONS = 50
TEXTS = {"text": TextRule("Text", rules.LONG_TEXT_LENGTH, multiline=True)}
CONDITION_TEXT = TextRule("Auflage", 2000, multiline=True)
REASON_TEXTS = {
    "reason": TextRule(
        "Begründung",
        rules.LONG_TEXT_LENGTH,
        multiline=True,
        required="Bitte die Abwägung begründen.",
    )
}
NOTE_TEXTS = {"note": TextRule("Vermerk", 2000, multiline=True)}


def read_statements(runtime: Runtime, actor: Actor | None, measure_id: int) -> StatementsView:
    """The statements on a measure; their authors' names for staff only."""

    def load(connection: Connection, _row: Any) -> tuple[StatementsView, list[int]]:
        view = tasks_of(connection, actor, measure_id)
        # Authors, and who weighed or marked an Auflage fulfilled: every person it names.
        return view, [s.author_person_id for s in view.statements] + list(view.people)

    return measures.read_part(runtime, actor, measure_id, load)


def tasks_of(connection: Connection, actor: Actor | None, measure_id: int) -> StatementsView:
    """A measure's statements with what follows from them, in the caller's transaction; the
    caller has checked that ``actor`` may see the measure and logs the read."""
    return statement_tasks(
        connection, measure_id, lambda ids: measures.names_of(connection, actor, ids)
    )


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
    conditions: Sequence[str] = (),
) -> int:
    """A Stellungnahme of the caller's own kind on a measure that is not yet ended;
    "mit Auflagen" names each condition, and only it carries conditions."""
    row = measures.visible_measure(runtime, connection, actor, measure_id)
    problems = texts.problems(TEXTS, {"text": text})
    if outcome not in OUTCOMES:
        problems.append(
            FieldProblem("outcome", "Ergebnis", "zustimmend, mit Auflagen oder ablehnend.")
        )
    conditions = [c.strip() for c in conditions if c and c.strip()]
    problems += _condition_problems(outcome, conditions)
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
        conditions=conditions,
    )


def _condition_problems(outcome: str, conditions: list[str]) -> list[FieldProblem]:
    if outcome == "mit_auflagen" and not conditions:
        return [
            FieldProblem(
                "conditions",
                "Auflagen",
                "bitte jede Auflage einzeln angeben: eine Zustimmung mit Auflagen ohne Auflage "
                "hinterlässt nichts, was zu erfüllen wäre.",
            )
        ]
    if outcome != "mit_auflagen" and conditions:
        return [FieldProblem("conditions", "Auflagen", "gibt es nur bei „mit Auflagen“.")]
    if len(conditions) > MAX_CONDITIONS:
        return [FieldProblem("conditions", "Auflagen", f"höchstens {MAX_CONDITIONS}.")]
    found = []
    for text in conditions:
        message = texts.problem(CONDITION_TEXT, text)
        if message:
            found.append(FieldProblem("conditions", "Auflage", message))
    return found[:1]


def written_statement(
    connection: Connection, actor: Actor, statement_id: int
) -> tuple[Any, StatementsView]:
    """A statement as its author just gave it, with its measure's statement tasks (names,
    Auflagen), in the write's transaction."""
    row = repository.statement(connection, statement_id)
    if row is None:
        raise NotFound("Stellungnahme", statement_id)
    return row, tasks_of(connection, actor, row.measure_id)


def written_tasks(connection: Connection, actor: Actor, measure_id: int) -> StatementsView:
    """The measure's statement tasks as the caller just changed them (same transaction)."""
    return tasks_of(connection, actor, measure_id)


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
    conditions: Sequence[str] = (),
) -> int:
    """Inserts a statement by the actor's person with its conditions, audited, and answers
    the open request of its kind; checks nothing else (demo, tests)."""
    if actor.person_id is None:
        raise NotFound("Person des Benutzers", actor.name)
    now = runtime.now()
    statement_id = insert_audited(
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
    body_id = runtime.body_id_in(connection)
    for condition in conditions:
        insert_audited(
            connection,
            runtime.chain_key,
            condition_table,
            {
                "body_id": body_id,
                "statement_id": statement_id,
                "measure_id": measure_id,
                "text": condition,
            },
            actor=actor,
            now=now,
            entity_type="statement_condition",
        )
    statement_requests.answer(
        connection, runtime.chain_key, actor, measure_id, kind, statement_id, now
    )
    return statement_id


# --- the Abwägung of the Verwaltungsleitung ------------------------------------------------


def weigh_statement(
    runtime: Runtime,
    connection: Connection,
    actor: Actor,
    measure_id: int,
    statement_id: int,
    *,
    reason: str,
) -> int:
    """The Verwaltungsleitung decides to proceed despite an "ablehnend" statement, with
    reasons; the FVA step is open again (for that statement). Once per statement."""
    access.require(actor, "statement.weigh")
    row = measures.visible_measure(runtime, connection, actor, measure_id)
    rules.raise_problems(texts.problems(REASON_TEXTS, {"reason": reason}))
    statement = repository.statement(connection, statement_id)
    if statement is None or statement.measure_id != measure_id:
        raise NotFound("Stellungnahme", statement_id)
    if statement.outcome != "ablehnend":
        raise Conflict(
            "abwaegung-unnoetig",
            "Keine Abwägung nötig",
            "Eine Abwägung ist nur nach einer ablehnenden Stellungnahme nötig; diese ist "
            f"„{statement.outcome.replace('_', ' ')}“.",
        )
    if repository.weighing_of(connection, statement_id) is not None:
        raise Conflict(
            "abwaegung-erfasst",
            "Abwägung bereits erfasst",
            "Zu dieser Stellungnahme ist die Abwägung bereits erfasst.",
        )
    measures.require_open(runtime, row, "Eine Abwägung")
    now = runtime.now()
    return insert_audited(
        connection,
        runtime.chain_key,
        weighing_table,
        {
            "body_id": runtime.body_id_in(connection),
            "statement_id": statement_id,
            "measure_id": measure_id,
            "reason": reason.strip(),
            "decided_by_user_id": actor.user_id,
            "decided_by_person_id": actor.person_id,
            "decided_at": now,
        },
        actor=actor,
        now=now,
        entity_type="statement_weighing",
        persons=[actor.person_id],
    )


# --- Auflagen ------------------------------------------------------------------------------


def fulfil_condition(
    runtime: Runtime,
    connection: Connection,
    actor: Actor,
    measure_id: int,
    condition_id: int,
    *,
    note: str | None,
) -> None:
    """Marks an Auflage fulfilled, with who, when and an optional note; once."""
    access.require(actor, "condition.fulfil")
    measures.visible_measure(runtime, connection, actor, measure_id)
    rules.raise_problems(texts.problems(NOTE_TEXTS, {"note": note}))
    row = repository.condition(connection, condition_id)
    if row is None or row.measure_id != measure_id:
        raise NotFound("Auflage", condition_id)
    if row.fulfilled_at is not None:
        raise Conflict(
            "auflage-erfuellt",
            "Auflage bereits erfüllt",
            "Diese Auflage ist bereits als erfüllt vermerkt.",
        )
    now = runtime.now()
    if not update_audited(
        connection,
        runtime.chain_key,
        condition_table,
        condition_id,
        {
            "fulfilled_at": now,
            "fulfilled_by_user_id": actor.user_id,
            "fulfilled_by_person_id": actor.person_id,
            "fulfilment_note": (note or "").strip() or None,
        },
        actor=actor,
        now=now,
        entity_type="statement_condition",
        condition=condition_table.c.fulfilled_at.is_(None),
        persons=[actor.person_id],
        action="statement_condition.fulfil",
    ):
        raise Conflict(
            "auflage-erfuellt",
            "Auflage bereits erfüllt",
            "Diese Auflage ist bereits als erfüllt vermerkt.",
        )
