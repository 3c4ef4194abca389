"""Typed text as a service accepts it: no control characters, within its length.

PostgreSQL cannot store NUL in text and SQLite would; the other C0 and C1 control
characters are invisible on a page and in a PDF yet change what a search or a digest
finds. So every door gets the same answer from the service: a single line holds none of
them, a multi-line text keeps only tab and its line breaks.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from workflow.errors import FieldProblem, InvalidData

_SINGLE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_MULTI_LINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
STEP_VALUE_LIMIT = 10_000


@dataclass(frozen=True)
class TextRule:
    label: str
    limit: int
    multiline: bool = False
    required: str | None = None  # the message when it is missing, e.g. "Bitte … angeben."


def check(what: str, rules: Mapping[str, TextRule], values: Mapping[str, object]) -> None:
    """Refuses the given texts with every problem at once (422); stores nothing itself.

    Only the names in ``values`` are checked, so a partial update checks what it changes.
    The texts are taken as given: a form trims what was typed before it asks.
    """
    problems: list[FieldProblem] = []
    for name, rule in rules.items():
        if name not in values:
            continue
        text = values[name]
        if not isinstance(text, str) or not text.strip():
            if rule.required:
                problems.append(FieldProblem(name, rule.label, rule.required))
        elif (_MULTI_LINE if rule.multiline else _SINGLE_LINE).search(text):
            allowed = " (erlaubt sind Tabulator und Zeilenumbruch)" if rule.multiline else ""
            problems.append(FieldProblem(name, rule.label, f"enthält Steuerzeichen{allowed}."))
        elif len(text) > rule.limit:
            problems.append(FieldProblem(name, rule.label, f"höchstens {rule.limit} Zeichen."))
    if problems:
        raise InvalidData(what, problems)


def check_step(
    event: str, fields: Mapping[str, Any], data: Mapping[str, object] | None, comment: str | None
) -> None:
    """The typed values of a step: each a single line, the comment of as many as it needs."""
    given = dict(data or {})
    rules = {
        name: TextRule(fields[name].label if name in fields else name, STEP_VALUE_LIMIT)
        for name in given
    }
    rules["comment"] = TextRule("Kommentar", STEP_VALUE_LIMIT, multiline=True)
    values = {name: value for name, value in given.items() if isinstance(value, str)}
    if comment is not None:
        values["comment"] = comment
    check(event, rules, values)
