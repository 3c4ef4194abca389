"""Typed text as a service accepts it: no control characters, within its length.

PostgreSQL cannot store NUL in text and SQLite would; the other C0 and C1 control
characters are invisible on a page and in a PDF yet change what a search or a digest
finds, break CSV exports and mails, or fake line breaks in a title. So every door gets the
same answer from the service, in the same words for every domain: a single line holds none
of them, a multi-line text keeps only tab and its line breaks. A single line also refuses
the Unicode line and paragraph separators: Python's e-mail library splits a header on them
as on CR/LF, so a committee's name with one used to make its invitation unsendable.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from workflow.engine import COMMENT_FIELD
from workflow.errors import FieldProblem, InvalidData
from workflow.spec import FieldSpec

_SINGLE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_MULTI_LINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

# The blanks a person cannot tell apart from none: the space, the no-break and the wide
# spaces of Unicode. Control characters are not among them: those are refused, not dropped.
_BLANKS = " \u00a0\u1680\u202f\u205f\u3000" + "".join(map(chr, range(0x2000, 0x200B)))

# What no single line can show: control characters, format characters (bidi overrides and
# isolates reverse what follows, zero-width ones hide), surrogates, private use, line and
# paragraph separators. Attachment names are cleaned of them too (``attachments``).
INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Zl", "Zp"})
# Line breaks and tabs stand between words: they become one space, not nothing.
_BREAKS = re.compile(r"[ ]*[\t\n\x0b\x0c\r\x1c-\x1e\x85\u2028\u2029]+[ ]*")

# A value given for a definition's field (a step's data, an editable field), and a step's
# comment: what the API's transition body allows for the comment.
FIELD_LIMIT = 10_000
COMMENT_LIMIT = 10_000
# The definitions' text fields that are typed in several lines (the web draws a textarea
# for them); every other field's text is a single line.
MULTILINE_FIELDS = frozenset({"nutzen", "abschlussvermerk", "grund", "verzoegerungsgrund"})


@dataclass(frozen=True)
class TextRule:
    label: str
    limit: int
    multiline: bool = False
    required: str | None = None  # the message when it is missing, e.g. "Bitte … angeben."


def control_problem(text: str, *, multiline: bool) -> str | None:
    """Why ``text`` cannot be stored as typed, or None."""
    if multiline and _MULTI_LINE.search(text):
        return "darf keine Steuerzeichen außer Tabulator und Zeilenumbruch enthalten."
    if not multiline and _SINGLE_LINE.search(text):
        return "darf keine Steuerzeichen (auch keinen Zeilenumbruch oder Tabulator) enthalten."
    return None


def problem(rule: TextRule, text: object) -> str | None:
    """Why ``text`` does not keep ``rule``, or None. A value that is no text is left to the
    schema or the field's type; an empty one is a problem only where the text is required."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return rule.required
    if not isinstance(text, str):
        return None
    if message := control_problem(text, multiline=rule.multiline):
        return message
    if len(text) > rule.limit:
        return f"höchstens {rule.limit} Zeichen."
    return None


def trimmed(text: str) -> str:
    """A name that identifies a row (a Kennung, a Drucksachennummer) without the blanks
    around it. Trimmed by the service for every door: "M-09 " looks like "M-09" on every
    page, so it must not pass as another measure's Kennung (the forms trimmed, the API did
    not)."""
    return text.strip(_BLANKS)


def single_line(text: str) -> str:
    """A text another system wrote, as one line this one accepts (``control_problem`` finds
    nothing in it): its line breaks and tabs a space each, what is invisible dropped, the
    blanks around it trimmed. For what is taken over, not typed: typed text is refused
    instead, so the person who typed it sees what was wrong."""
    spaced = _BREAKS.sub(" ", text)
    return trimmed(
        "".join(c for c in spaced if unicodedata.category(c) not in INVISIBLE_CATEGORIES)
    )


def problems(rules: Mapping[str, TextRule], values: Mapping[str, object]) -> list[FieldProblem]:
    """Every problem of the given texts, named with its input.

    Only the names in ``values`` are checked, so a partial update checks what it changes.
    The texts are taken as given: a form trims what was typed before it asks.
    """
    found: list[FieldProblem] = []
    for name, rule in rules.items():
        if name in values and (message := problem(rule, values[name])):
            found.append(FieldProblem(name, rule.label, message))
    return found


def check(what: str, rules: Mapping[str, TextRule], values: Mapping[str, object]) -> None:
    """Refuses with every problem at once (422), so a form can mark each faulty input."""
    if found := problems(rules, values):
        raise InvalidData(what, found)


@lru_cache(maxsize=512)
def field_rule(field: FieldSpec) -> TextRule:
    """The rule for text given for a field of a definition."""
    return TextRule(field.label, FIELD_LIMIT, multiline=field.name in MULTILINE_FIELDS)


def check_step(
    event: str, fields: Mapping[str, FieldSpec], data: Mapping[str, Any] | None, comment: object
) -> None:
    """The typed values of a step of a measure or a paper, and its comment (several lines).

    A name the definition does not know is checked as a single line; the engine refuses
    it afterwards, and what it says about the text is said first.
    """
    given = dict(data or {})
    rules = {
        name: field_rule(fields[name]) if name in fields else TextRule(name, FIELD_LIMIT)
        for name in given
    }
    rules[COMMENT_FIELD] = _COMMENT_RULE
    check(event, rules, {**given, COMMENT_FIELD: comment})


_COMMENT_RULE = TextRule("Kommentar", COMMENT_LIMIT, multiline=True)
