"""How the Maßnahme page groups what ``measures.service.read_measure`` returns."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from service.access import STATEMENT_KINDS
from service.actor import Actor
from service.measures.service import STATEMENT_LABELS

ANALYSIS_FIELDS = ("kosten_einmalig", "kosten_laufend", "nutzen")
FLAG_FIELDS = ("personenbezogen", "sicherheitsrelevant", "personalwirksam")


def is_overdue(deadline: Any, now: datetime) -> bool:
    return bool(deadline.open and deadline.due_at < now)


def statement_choices(actor: Actor) -> list[tuple[str, str]]:
    """The kinds of Stellungnahme this user can give: one per role that gives them."""
    return [(kind, STATEMENT_LABELS[kind]) for kind in STATEMENT_KINDS if kind in actor.roles]
