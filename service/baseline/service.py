"""Decisions bind: what the council decided about a measure, and how far it may drift.

At the council decision (the measure's ``beschliessen``) its costs, target date, title and
description are frozen beside the Beschlussnummer. Later changes are judged against that:
a cost increase above the threshold (the smaller of a share and an amount) or a target date
moved later by more than some months needs a new decision, an adopted Änderungsbeschluss
the change cites; anything smaller, and any change of title or description, is shown as an
Abweichung vom Beschluss and never refused. An Änderungsvorlage references measures without
carrying them: its adoption changes no state and freezes their baseline anew.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.engine import Connection

from service.actor import Actor
from service.baseline import repository
from service.bodies.settings import BodySettings
from service.errors import Conflict
from service.papers.models import AMENDMENT_KIND
from service.records import insert_audited
from service.runtime import Runtime
from workflow.calendar import to_local

AMENDMENT = AMENDMENT_KIND
# The paper's state once adopted, and the measure's step of the council decision.
ADOPTED = "beschlossen"
COUNCIL_DECISION = "beschliessen"
COST_FIELDS = {
    "kosten_einmalig": ("one_off_cost", "Einmalige Kosten"),
    "kosten_laufend": ("recurring_cost", "Laufende Kosten pro Jahr"),
}
TARGET_FIELD = "zieldatum"
DEFAULT_PERCENT, DEFAULT_ABSOLUTE, DEFAULT_MONTHS = 10, 25_000, 6


@dataclass(frozen=True)
class Thresholds:
    percent: Decimal
    absolute: Decimal
    months: int

    @classmethod
    def of(cls, settings: BodySettings) -> Thresholds:
        def pick(value: int | None, default: int) -> int:
            return default if value is None else value

        return cls(
            Decimal(pick(settings.baseline_cost_percent, DEFAULT_PERCENT)),
            Decimal(pick(settings.baseline_cost_absolute, DEFAULT_ABSOLUTE)),
            pick(settings.baseline_target_months, DEFAULT_MONTHS),
        )

    def allowed_increase(self, decided: Decimal) -> Decimal:
        """Relative and absolute, whichever is smaller."""
        return min(decided * self.percent / 100, self.absolute)


@dataclass(frozen=True)
class Deviation:
    """One way a measure differs from what was decided, as a reader is told."""

    field: str
    label: str
    decided: Any
    current: Any
    text: str


@dataclass(frozen=True)
class BaselineView:
    """The decision a measure is bound by, and where it stands apart from it."""

    resolution_number: str | None
    decided_on: date
    paper_id: int
    values: Any
    deviations: list[Deviation]


# --- freezing ------------------------------------------------------------------------------


def freeze(
    runtime: Runtime,
    connection: Connection,
    actor: Actor,
    measure_id: int,
    *,
    paper_id: int,
    decided_on: date,
    resolution_number: str | None,
) -> int:
    """Writes the measure's current costs, target date and scope as its new baseline."""
    row = repository.measure(connection, measure_id)
    fields = row.fields or {}
    return insert_audited(
        connection,
        runtime.chain_key,
        repository.baselines,
        {
            "body_id": row.body_id,
            "measure_id": measure_id,
            "paper_id": paper_id,
            "resolution_number": resolution_number,
            "decided_on": decided_on,
            "title": row.title,
            "description": row.description,
            "one_off_cost": _money(fields.get("kosten_einmalig")),
            "recurring_cost": _money(fields.get("kosten_laufend")),
            "target_date": _day(fields.get(TARGET_FIELD)),
            "recorded_at": runtime.now(),
        },
        actor=actor,
        now=runtime.now(),
        entity_type="baseline",
    )


def on_decision(
    runtime: Runtime,
    connection: Connection,
    actor: Actor,
    paper: Any,
    *,
    paper_target: str,
    carried: Mapping[int, str],
    decided_on: date,
    resolution_number: str | None,
) -> None:
    """What a recorded decision freezes: every measure the council decided, or, when an
    Änderungsvorlage is adopted, every measure it references."""
    if paper.kind == AMENDMENT:
        measure_ids = (
            repository.referenced_measures(connection, paper.id)
            if (paper_target == ADOPTED)
            else []
        )
    else:
        measure_ids = [m for m, event in carried.items() if event == COUNCIL_DECISION]
    for measure_id in measure_ids:
        freeze(
            runtime,
            connection,
            actor,
            measure_id,
            paper_id=paper.id,
            decided_on=decided_on,
            resolution_number=resolution_number or paper.reference,
        )


# --- judging a change ----------------------------------------------------------------------


def check_change(
    runtime: Runtime,
    connection: Connection,
    actor: Actor,
    measure: Any,
    fields: Mapping[str, Any],
    amendment: str | None,
) -> bool:
    """Refuses a change beyond the decision unless it cites an adopted Änderungsbeschluss.

    ``fields`` are the measure's fields after the change. True: the change cites a valid
    Änderungsbeschluss, whose values become the new baseline (``record_amendment``).
    """
    base = repository.current(connection, measure.id)
    if base is None:
        return False
    beyond = _beyond(base, fields, Thresholds.of(runtime.body.settings))
    if not beyond and amendment is None:
        return False
    if amendment is None:
        raise Conflict(
            "aenderungsbeschluss-erforderlich",
            "Änderungsbeschluss erforderlich",
            f"{' '.join(beyond)} Das weicht zu weit vom {_decision(base)} ab; dafür ist "
            "ein Änderungsbeschluss nötig: bitte eine beschlossene Änderungsvorlage angeben, "
            "die diese Maßnahme nennt.",
        )
    paper = repository.amendment(connection, measure.body_id, amendment, measure.id)
    if paper is None or paper.state != ADOPTED:
        raise Conflict(
            "aenderungsbeschluss-fehlt",
            "Kein Änderungsbeschluss",
            f"„{amendment}“ ist keine beschlossene Änderungsvorlage zur Maßnahme "
            f"{measure.code}. {' '.join(beyond)}".strip(),
        )
    return True


def amendment_choices(connection: Connection, measure: Any) -> list[tuple[str, str]] | None:
    """The adopted Änderungsvorlagen a change of the measure may cite, as (Drucksachennummer,
    title); None while the measure is not decided (no change needs one)."""
    if repository.current(connection, measure.id) is None:
        return None
    rows = repository.adopted_amendments(connection, measure.body_id, measure.id)
    return [(r.reference, r.title) for r in rows]


def record_amendment(
    runtime: Runtime, connection: Connection, actor: Actor, measure_id: int, amendment: str
) -> None:
    """After a change that cited the Änderungsbeschluss: its values are the new baseline."""
    row = repository.measure(connection, measure_id)
    paper = repository.amendment(connection, row.body_id, amendment, measure_id)
    decision = repository.decided_on(connection, paper.id)
    freeze(
        runtime,
        connection,
        actor,
        measure_id,
        paper_id=paper.id,
        decided_on=decision.held_on if decision else to_local(runtime.now()).date(),
        resolution_number=(decision.resolution_number if decision else None) or paper.reference,
    )


def _beyond(base: Any, fields: Mapping[str, Any], limits: Thresholds) -> list[str]:
    """The German sentences naming each change a new decision is needed for."""
    found: list[str] = []
    for name, (column, label) in COST_FIELDS.items():
        decided, now = getattr(base, column), _money(fields.get(name))
        if decided is None or now is None or now <= decided:
            continue
        allowed = limits.allowed_increase(decided)
        if now - decided > allowed:
            found.append(
                f"{label}: {_eur(now)} statt beschlossener {_eur(decided)} "
                f"(+{_eur(now - decided)}; ohne neuen Beschluss sind höchstens "
                f"+{_eur(allowed)} zulässig, {limits.percent} % oder {_eur(limits.absolute)}, "
                "der kleinere Wert)."
            )
    decided_day, day = base.target_date, _day(fields.get(TARGET_FIELD))
    if decided_day is not None and day is not None:
        latest = add_months(decided_day, limits.months)
        if day > latest:
            found.append(
                f"Zieldatum: {day:%d.%m.%Y} statt beschlossenem {decided_day:%d.%m.%Y} "
                f"(mehr als {limits.months} Monate später)."
            )
    return found


# --- what a reader is shown ----------------------------------------------------------------


def deviation(connection: Connection, measure_id: int) -> BaselineView | None:
    """The measure's baseline and every Abweichung vom Beschluss (None: not decided yet).

    For the measure page, the API and the Sachstandsbericht; the caller has checked that
    the reader may see the measure.
    """
    base = repository.current(connection, measure_id)
    if base is None:
        return None
    row = repository.measure(connection, measure_id)
    fields = row.fields or {}
    found: list[Deviation] = []
    for name, (column, label) in COST_FIELDS.items():
        decided, now = getattr(base, column), _money(fields.get(name))
        if decided is not None and decided != now:
            found.append(
                Deviation(
                    name,
                    label,
                    decided,
                    now,
                    f"{label}: {_eur(now)} (beschlossen: {_eur(decided)})",
                )
            )
    decided_day, day = base.target_date, _day(fields.get(TARGET_FIELD))
    if decided_day is not None and decided_day != day:
        found.append(
            Deviation(
                TARGET_FIELD,
                "Zieldatum",
                decided_day,
                day,
                f"Zieldatum: {_date(day)} (beschlossen: {_date(decided_day)})",
            )
        )
    if base.title != row.title:
        found.append(
            Deviation(
                "title",
                "Titel",
                base.title,
                row.title,
                f"Titel geändert (beschlossen: „{base.title}“)",
            )
        )
    if (base.description or "") != (row.description or ""):
        found.append(
            Deviation(
                "description",
                "Beschreibung",
                base.description,
                row.description,
                "Beschreibung geändert gegenüber dem Beschluss",
            )
        )
    return BaselineView(base.resolution_number, base.decided_on, base.paper_id, base, found)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day (31.08. + 6 = 28./29.02.)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _decision(base: Any) -> str:
    number = f" {base.resolution_number}" if base.resolution_number else ""
    return f"Beschluss{number} vom {base.decided_on:%d.%m.%Y}"


def _money(value: Any) -> Decimal | None:
    return None if value is None or value == "" else Decimal(str(value))


def _day(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None  # not a date: the step's own check names the problem


def _eur(value: Decimal | None) -> str:
    if value is None:
        return "–"
    text = f"{value:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    return f"{text} €"


def _date(value: date | None) -> str:
    return "–" if value is None else f"{value:%d.%m.%Y}"
