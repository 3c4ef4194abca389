"""The traffic light of the Sachstandsbericht: one pure function and the rules it follows.

The rules are data (a local council may want other thresholds) and they are printed in every
report, so that a reader of the FVA papers can check each light by hand. ``assess`` therefore
returns the German reasons alongside the colour: the report shows why a measure is red or
yellow, not just that it is.

Facts, not impressions: an overdue deadline (Frist) or milestone counts as much as a
passed target date, and a measure the council has not decided yet gets no colour at all (the
report lists it apart), since a light on a mere proposal would say nothing about the
administration's work.

Time is passed in as ``today`` (a local calendar day); nothing here reads the clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Light(StrEnum):
    RED = "rot"
    YELLOW = "gelb"
    GREEN = "gruen"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def severity(self) -> int:
        """Higher is worse; lets callers sort and compare lights."""
        return _SEVERITY[self]


_LABELS = {Light.RED: "Rot", Light.YELLOW: "Gelb", Light.GREEN: "Grün"}
_SEVERITY = {Light.GREEN: 0, Light.YELLOW: 1, Light.RED: 2}


# States before the council's decision: a measure in one of them gets no colour.
UNDECIDED_STATES = frozenset({"entwurf", "ag_pruefung", "fva_beratung", "stadtrat_beschluss"})


@dataclass(frozen=True)
class TrafficLightRules:
    """No colour in one of ``undecided_states``. Red when the target date has passed, the
    measure is in one of ``red_states``, or a deadline or milestone is more than
    ``overdue_red_days`` days overdue; yellow when a deadline or milestone is overdue at
    all, progress lags the elapsed share of the time from start to target date by more
    than ``lag_points`` percentage points, or the target date is less than ``near_days``
    days away with progress under ``near_min_progress`` %; green otherwise."""

    red_states: frozenset[str] = frozenset({"gestoppt", "zurueckgestellt"})
    lag_points: int = 15
    near_days: int = 30
    near_min_progress: int = 80
    overdue_red_days: int = 30
    undecided_states: frozenset[str] = UNDECIDED_STATES

    def __post_init__(self) -> None:
        if not 0 <= self.lag_points <= 100:
            raise ValueError(
                f"Der Rückstand für Gelb muss zwischen 0 und 100 Prozentpunkten liegen "
                f"(angegeben: {self.lag_points})."
            )
        if self.near_days < 0:
            raise ValueError(
                f"Die Vorwarnzeit vor dem Zieldatum darf nicht negativ sein "
                f"(angegeben: {self.near_days} Tage)."
            )
        if not 0 <= self.near_min_progress <= 100:
            raise ValueError(
                f"Der Mindestfortschritt kurz vor dem Zieldatum muss zwischen 0 und 100 % "
                f"liegen (angegeben: {self.near_min_progress})."
            )
        if self.overdue_red_days < 0:
            raise ValueError(
                f"Die Tage, ab denen eine überfällige Frist rot macht, dürfen nicht negativ "
                f"sein (angegeben: {self.overdue_red_days})."
            )


@dataclass(frozen=True)
class Overdue:
    """A deadline or milestone that was due before the day judged and is still open.

    ``kind`` is the German word the reason names (Frist, Meilenstein)."""

    kind: str
    label: str
    due: date


@dataclass(frozen=True)
class MeasureStatus:
    """What the light looks at. ``start`` is the day implementation began (None before);
    a measure without a progress report counts as 0 %, since silence is no progress."""

    state: str
    progress: int | None = None
    start: date | None = None
    target: date | None = None
    state_label: str | None = None
    overdue: tuple[Overdue, ...] = ()


@dataclass(frozen=True)
class Assessment:
    """``light`` is None for a measure not yet decided: it is listed apart, uncoloured."""

    light: Light | None
    reasons: tuple[str, ...] = ()


def is_decided(state: str, rules: TrafficLightRules) -> bool:
    return state not in rules.undecided_states


def expected_progress(start: date, target: date, today: date) -> float:
    """Share of the planned time already used, in percent (0 before start, 100 at target)."""
    total = (target - start).days
    if total <= 0:
        return 100.0 if today >= target else 0.0
    elapsed = min(max((today - start).days, 0), total)
    return 100 * elapsed / total


def assess(status: MeasureStatus, today: date, rules: TrafficLightRules) -> Assessment:
    if not is_decided(status.state, rules):
        return Assessment(None, ("Über die Maßnahme ist noch nicht beschlossen.",))
    red: list[str] = []
    if status.state in rules.red_states:
        red.append(f"Die Maßnahme ist im Zustand „{status.state_label or status.state}“.")
    if status.target is not None and today > status.target:
        days = (today - status.target).days
        red.append(
            f"Das Zieldatum {status.target:%d.%m.%Y} ist seit {_days_dative(days)} überschritten."
        )
    yellow: list[str] = []
    for item in sorted(status.overdue, key=lambda o: (o.due, o.label)):
        if today <= item.due:
            continue
        days = (today - item.due).days
        reason = (
            f"{item.kind} „{item.label}“ (fällig {item.due:%d.%m.%Y}) ist seit "
            f"{_days_dative(days)} überfällig."
        )
        (red if days > rules.overdue_red_days else yellow).append(reason)
    if red:
        return Assessment(Light.RED, tuple(red))

    progress = status.progress or 0
    if status.start is not None and status.target is not None:
        total = (status.target - status.start).days
        elapsed = min(max((today - status.start).days, 0), max(total, 0))
        # Integer comparison (100·elapsed − progress·total > lag·total) keeps the boundary
        # exact: a lag of exactly the threshold stays green.
        if total > 0 and 100 * elapsed - progress * total > rules.lag_points * total:
            expected = expected_progress(status.start, status.target, today)
            yellow.append(
                f"Der Fortschritt ({progress} %) liegt {expected - progress:.0f} Prozentpunkte "
                f"hinter der verstrichenen Zeit ({expected:.0f} % der Zeit von "
                f"{status.start:%d.%m.%Y} bis {status.target:%d.%m.%Y})."
            )
    if status.target is not None:
        days_left = (status.target - today).days
        if days_left < rules.near_days and progress < rules.near_min_progress:
            when = "heute" if days_left == 0 else f"in {_days_dative(days_left)}"
            yellow.append(
                f"Das Zieldatum {status.target:%d.%m.%Y} ist {when} erreicht, der Fortschritt "
                f"liegt bei {progress} % (unter {rules.near_min_progress} %)."
            )
    if yellow:
        return Assessment(Light.YELLOW, tuple(yellow))
    return Assessment(Light.GREEN)


def describe(rules: TrafficLightRules, state_labels: Mapping[str, str]) -> tuple[str, ...]:
    """The rules as the report prints them, one German sentence per colour."""
    states = " oder ".join(
        f"„{state_labels.get(s, s)}“"
        for s in sorted(rules.red_states, key=lambda s: state_labels.get(s, s))
    )
    undecided = " oder ".join(
        f"„{state_labels.get(s, s)}“"
        for s in sorted(rules.undecided_states, key=lambda s: state_labels.get(s, s))
    )
    red = (
        "Rot: Das Zieldatum ist überschritten, eine Frist oder ein Meilenstein ist seit mehr "
        f"als {_days_dative(rules.overdue_red_days)} überfällig"
    )
    red += f", oder die Maßnahme ist im Zustand {states}." if states else "."
    return (
        red,
        "Gelb: Eine Frist oder ein Meilenstein ist überfällig, der Fortschritt liegt mehr als "
        f"{rules.lag_points} Prozentpunkte hinter dem "
        "Anteil der Zeit, die vom Beginn der Umsetzung bis zum Zieldatum verstrichen ist, "
        f"oder das Zieldatum ist weniger als {_days_accusative(rules.near_days)} entfernt und der "
        f"Fortschritt liegt unter {rules.near_min_progress} %.",
        "Grün: in allen anderen Fällen.",
        "Ohne Ampel: Maßnahmen, über die noch nicht beschlossen ist (Zustand "
        f"{undecided}); sie werden gesondert aufgeführt.",
    )


def _days_dative(n: int) -> str:
    return "1 Tag" if n == 1 else f"{n} Tagen"


def _days_accusative(n: int) -> str:
    return "1 Tag" if n == 1 else f"{n} Tage"
