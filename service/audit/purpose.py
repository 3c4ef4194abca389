"""The purpose (Zweck) every reading of the trail states: checked here once, for every door.

The purpose is what the Datenschutzbeauftragte answers for later, so it must say something.
Length alone does not: three zero-width spaces or a few control characters are three
characters a page shows as nothing. The text is normalised (NFKC folds look-alike forms,
then format and control characters are dropped) and must keep at least three letters or
digits; it is stored as given, since the stated words are the record.
"""

from __future__ import annotations

import unicodedata

from workflow.errors import FieldProblem, InvalidData

FIELD = "purpose"
LABEL = "Zweck der Abfrage"
MINIMUM = 3
LIMIT = 500
_INVISIBLE = frozenset({"Cf", "Cc"})
TOO_SHORT = (
    f"Bitte geben Sie den Zweck der Abfrage an (mindestens {MINIMUM} Buchstaben oder "
    "Ziffern); er wird mit der Abfrage protokolliert."
)


def visible(text: str) -> str:
    """The text after NFKC, without format (Cf) and control (Cc) characters."""
    folded = unicodedata.normalize("NFKC", text)
    return "".join(c for c in folded if unicodedata.category(c) not in _INVISIBLE)


def purpose_problem(purpose: str | None) -> str | None:
    """Why ``purpose`` states no purpose, or None."""
    if purpose is None:
        return TOO_SHORT
    if len(purpose) > LIMIT:
        return f"höchstens {LIMIT} Zeichen."
    if sum(1 for c in visible(purpose) if c.isalnum()) < MINIMUM:
        return TOO_SHORT
    if any(unicodedata.category(c) == "Cc" for c in purpose):
        # Kept as typed in the trail: a line break there would fake a second entry.
        return "darf keine Steuerzeichen (auch keinen Zeilenumbruch oder Tabulator) enthalten."
    return None


def check_purpose(purpose: str | None, action: str = "audit.query") -> str:
    """The purpose, or a 422 naming the field ``purpose``."""
    if message := purpose_problem(purpose):
        raise InvalidData(action, [FieldProblem(FIELD, LABEL, message)])
    assert purpose is not None
    return purpose
