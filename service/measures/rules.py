"""What every write of the measure domain checks before it touches a row.

Typed text, the definition's editable fields, the ids a request names and the end state are
judged here once, for the API, the web forms, the command line and the import alike. Input
problems are collected and raised together (``InvalidData``, 422), so that a form can mark
every faulty input in one answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy.engine import Connection

from service.errors import Conflict
from service.measures import repository
from service.runtime import Runtime
from workflow.engine import Engine
from workflow.errors import FieldProblem, InvalidData
from workflow.spec import WorkflowSpec
from workflow.values import ValueProblem, normalize

# C0 and C1 control characters and DEL. PostgreSQL cannot store NUL and SQLite would; the
# others hide text on screen, break CSV exports and mails, or fake line breaks in a title.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
# A text of several lines keeps its tabs and line breaks.
_CONTROL_IN_LINES = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

CODE_LENGTH = 30
TITLE_LENGTH = 500
LONG_TEXT_LENGTH = 20_000


@dataclass(frozen=True)
class Text:
    """A text a user typed, with the rules it must keep."""

    field: str
    label: str
    value: Any
    multiline: bool = False
    required: bool = False
    max_length: int | None = None


def control_problem(value: str, *, multiline: bool) -> str | None:
    """Why ``value`` cannot be stored as typed text, or None."""
    if multiline and _CONTROL_IN_LINES.search(value):
        return "enthält ein unzulässiges Steuerzeichen (erlaubt sind Tabulator und Zeilenumbruch)."
    if not multiline and _CONTROL.search(value):
        return "darf keine Steuerzeichen (auch keinen Zeilenumbruch oder Tabulator) enthalten."
    return None


def text_problems(texts: Iterable[Text]) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    for text in texts:
        value = text.value
        if value is None or (isinstance(value, str) and not value.strip()):
            if text.required:
                problems.append(FieldProblem(text.field, text.label, "fehlt."))
            continue
        if not isinstance(value, str):
            continue
        message = control_problem(value, multiline=text.multiline)
        if message is None and text.max_length is not None and len(value) > text.max_length:
            message = f"höchstens {text.max_length} Zeichen."
        if message is not None:
            problems.append(FieldProblem(text.field, text.label, message))
    return problems


def check_texts(*texts: Text) -> None:
    if problems := text_problems(texts):
        raise InvalidData("", problems)


_MEASURE_TEXTS = {
    "code": Text("code", "Kennung", None, required=True, max_length=CODE_LENGTH),
    "title": Text("title", "Titel", None, required=True, max_length=TITLE_LENGTH),
    "description": Text(
        "description", "Beschreibung", None, multiline=True, max_length=LONG_TEXT_LENGTH
    ),
}


def measure_texts(values: Mapping[str, Any]) -> list[Text]:
    """The typed texts of a measure's own columns, as far as ``values`` holds them."""
    return [
        replace(rule, value=values[name]) for name, rule in _MEASURE_TEXTS.items() if name in values
    ]


def data_problems(spec: WorkflowSpec, data: Mapping[str, Any]) -> list[FieldProblem]:
    """Control characters in the text values given for a step (the engine checks the rest
    of each value against its field)."""
    return text_problems(
        Text(name, spec.fields[name].label if name in spec.fields else name, value, multiline=True)
        for name, value in data.items()
    )


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
        elif isinstance(raw, str) and (message := control_problem(raw, multiline=True)):
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
    programme_id: int,
    code: str | None,
    responsible_person_id: int | None,
    measure_id: int | None,
) -> list[FieldProblem]:
    """The Arbeitspapier and the person exist, and the Kennung is free in the Arbeitspapier."""
    problems: list[FieldProblem] = []
    if not repository.programme_exists(connection, programme_id):
        problems.append(
            FieldProblem("programme_id", "Arbeitspapier", f"{programme_id} gibt es nicht.")
        )
    elif code is not None and repository.code_taken(connection, programme_id, code, measure_id):
        problems.append(
            FieldProblem("code", "Kennung", f"„{code}“ ist in diesem Arbeitspapier vergeben.")
        )
    if responsible_person_id is not None and not repository.person_may_be_responsible(
        connection, responsible_person_id
    ):
        problems.append(
            FieldProblem(
                "responsible_person_id",
                "Verantwortliche Person",
                f"{responsible_person_id} gibt es nicht.",
            )
        )
    return problems


def raise_problems(problems: list[FieldProblem]) -> None:
    if problems:
        raise InvalidData("", problems)


def require_open(runtime: Runtime, row: Any, what: str) -> None:
    """Nothing is added to a measure in an end state (abgeschlossen, abgelehnt...)."""
    engine = runtime.registry.engine(row.definition_name, row.definition_version)
    state = engine.spec.states[row.state]
    if state.final:
        raise Conflict(
            "endzustand",
            "Maßnahme abgeschlossen",
            f"{what} ist nicht mehr möglich: die Maßnahme ist im Endzustand „{state.label}“.",
        )
