"""What every write of the measure domain checks before it touches a row.

Typed text (by the rules of ``service.texts``), the definition's editable fields, the ids a
request names and the end state are judged here once, for the API, the web forms, the
command line and the import alike. Input problems are collected and raised together
(``InvalidData``, 422), so that a form can mark every faulty input in one answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from service import texts
from service.errors import Conflict
from service.measures import repository
from service.runtime import Runtime
from service.texts import TextRule
from workflow.engine import Engine
from workflow.errors import FieldProblem, InvalidData
from workflow.traffic_light import UNDECIDED_STATES
from workflow.values import ValueProblem, normalize

CODE_LENGTH = 30
# The unique index on (body_id, lower(code)) of migration 0018.
CODE_INDEX = "uq_measures_body_code"
CODE_SERIES = re.compile(r"[Mm]-(\d{1,6})")
TITLE_LENGTH = 500
LONG_TEXT_LENGTH = 20_000

MEASURE_TEXTS = {
    "code": TextRule("Kennung", CODE_LENGTH, required="Bitte eine Kennung angeben, z. B. M-10."),
    "title": TextRule("Titel", TITLE_LENGTH, required="Bitte einen Titel angeben."),
    "description": TextRule("Beschreibung", LONG_TEXT_LENGTH, multiline=True),
}


def editable_fields(
    engine: Engine, given: Mapping[str, Any]
) -> tuple[dict[str, Any], list[FieldProblem]]:
    """Values for the definition's editable fields (``None`` clears one), and the problems."""
    problems: list[FieldProblem] = []
    clean: dict[str, Any] = {}
    for name, raw in given.items():
        field = engine.spec.fields.get(name)
        key = f"fields.{name}"
        if field is None:
            problems.append(FieldProblem(key, name, "ist kein Feld einer Maßnahme."))
        elif not field.editable:
            problems.append(FieldProblem(key, field.label, "wird nur über einen Übergang gesetzt."))
        elif message := texts.problem(texts.field_rule(field), raw):
            problems.append(FieldProblem(key, field.label, message))
        else:
            try:
                clean[name] = normalize(field, raw)
            except ValueProblem as exc:
                problems.append(FieldProblem(key, field.label, f"{exc}."))
    return clean, problems


def reference_problems(
    connection: Connection,
    *,
    body_id: int,
    programme_id: int,
    code: str | None,
    responsible_person_id: int | None,
    measure_id: int | None,
) -> list[FieldProblem]:
    """The Arbeitspapier and the person exist in the body (another body's look missing), and
    the Kennung is free in the Arbeitspapier."""
    problems: list[FieldProblem] = []
    if not repository.programme_exists(connection, programme_id, body_id):
        problems.append(
            FieldProblem("programme_id", "Arbeitspapier", f"{programme_id} gibt es nicht.")
        )
    elif code is not None and (taken := code_holder(connection, body_id, code, measure_id)):
        problems.append(code_taken(connection, body_id, code, taken))
    if responsible_person_id is not None and not repository.person_may_be_responsible(
        connection, responsible_person_id, body_id
    ):
        problems.append(
            FieldProblem(
                "responsible_person_id",
                "Verantwortliche Person",
                f"{responsible_person_id} gibt es nicht.",
            )
        )
    return problems


def code_holder(connection: Connection, body_id: int, code: str, but: int | None) -> Any:
    """The other measure of the body with this Kennung, in any case, if there is one.

    A Kennung names one measure in the whole body, not just in its Arbeitspapier: pages,
    the Sachstandsbericht and the Datenschutz search show and find a measure by it alone.
    """
    pattern = code.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return next((r for r in repository.codes(connection, body_id, pattern) if r.id != but), None)


def code_taken(connection: Connection, body_id: int, code: str, holder: Any) -> FieldProblem:
    """The check's answer to a Kennung in use, naming the measure that holds it if known."""
    held = f"an die Maßnahme {holder.code}" if holder is not None else "an eine andere Maßnahme"
    return FieldProblem(
        "code",
        "Kennung",
        f"„{code}“ ist schon {held} vergeben; die nächste freie Kennung ist "
        f"{next_code(connection, body_id)}.",
    )


def answer_to_taken_code(connection: Connection, body_id: int, code: str) -> FieldProblem:
    """What every door says to a Kennung found in use by a check of its own (the import
    checks a whole file against the body's Kennungen at once)."""
    return code_taken(connection, body_id, code, code_holder(connection, body_id, code, None))


@contextmanager
def unique_code(
    connection: Connection, body_id: int, code: str, measure_id: int | None
) -> Iterator[None]:
    """Writes a measure's Kennung in a savepoint. Between ``code_holder``'s check and the
    write another transaction may have taken the Kennung; the database's unique index
    (body, lower(code)) then refuses the write, and the caller gets the check's answer
    instead of a server error."""
    try:
        with connection.begin_nested():
            yield
    except IntegrityError as exc:
        if CODE_INDEX not in str(exc.orig):
            raise
        holder = code_holder(connection, body_id, code, measure_id)
        raise InvalidData("", [code_taken(connection, body_id, code, holder)]) from None


def next_code(connection: Connection, body_id: int) -> str:
    """The next free Kennung of the ``M-NN`` series: one above the highest in use."""
    numbers = [
        int(m.group(1))
        for r in repository.codes(connection, body_id, "m-%")
        if (m := CODE_SERIES.fullmatch(r.code.strip()))
    ]
    return f"M-{max(numbers, default=0) + 1:02d}"


def raise_problems(problems: list[FieldProblem]) -> None:
    if problems:
        raise InvalidData("", problems)


def end_state(runtime: Runtime, row: Any) -> str | None:
    """The label of the end state the measure is in (abgeschlossen, abgelehnt...), or
    ``None`` while it is open."""
    engine = runtime.registry.engine(row.definition_name, row.definition_version)
    state = engine.spec.states[row.state]
    return state.label if state.final else None


def require_open(runtime: Runtime, row: Any, what: str, *, hint: str = "") -> None:
    """Nothing is added to a measure in an end state (abgeschlossen, abgelehnt...).
    ``hint``: a sentence on what is still possible, appended to the refusal."""
    label = end_state(runtime, row)
    if label is not None:
        raise Conflict(
            "endzustand",
            "Maßnahme beendet",
            f"{what} ist nicht mehr möglich: die Maßnahme ist im Endzustand „{label}“."
            + (f" {hint}" if hint else ""),
        )


def is_decided(row: Any) -> bool:
    """The measure has left the states before the Stadtrat's decision (beschlossen and
    onwards, or an end state): the Sachstandsbericht's rule, which lists only the others
    as not yet decided. What it was decided on, its Anlagen included, stays as it was."""
    return row.state not in UNDECIDED_STATES
