"""What a reader of duties gets: each duty with its fulfilments, how due it is, and the
labels a page or answer shows (who carries it, its rhythm, what meets it by itself)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from service.access import ROLE_LABELS
from service.obligations.models import FULFILLED_BY


@dataclass(frozen=True)
class ObligationView:
    row: Any
    fulfilments: list[Any]
    overdue: bool
    days: int  # days until due (negative: overdue since)

    @property
    def role_label(self) -> str:
        return str(ROLE_LABELS.get(self.row.responsible_role, self.row.responsible_role))

    @property
    def met_by(self) -> str | None:
        """What meets the duty by itself (``FULFILLED_BY``); None: a person records it."""
        return FULFILLED_BY.get(self.row.fulfilled_by) if self.row.fulfilled_by else None

    @property
    def rhythm(self) -> str:
        months = self.row.every_months
        if months is None:
            return "einmalig"
        return {6: "halbjährlich", 12: "jährlich", 3: "vierteljährlich", 1: "monatlich"}.get(
            months, f"alle {months} Monate"
        )


@dataclass(frozen=True)
class Obligations:
    items: list[ObligationView]
    people: dict[int, str] = field(default_factory=dict)

    @property
    def overdue(self) -> int:
        return sum(1 for o in self.items if o.overdue)
