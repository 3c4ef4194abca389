"""The Sachstandsbericht built from loaded rows: pure, so every door renders the same report.

``build_report`` takes rows, the period, the day and the rules and returns the report model;
``service.reports.service`` loads the rows and is the one place that reads the database, and
tests build reports from hand-made rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from service.people.service import display_name
from service.reports.period import Period
from service.reports.schemas import (
    Audience,
    Budget,
    Count,
    DelayReason,
    ReportMeasure,
    ReportProgramme,
    RulesOut,
    SachstandReport,
)
from workflow.calendar import to_local
from workflow.spec import WorkflowSpec
from workflow.traffic_light import (
    Light,
    MeasureStatus,
    TrafficLightRules,
    assess,
    describe,
    expected_progress,
)

# The state whose entry starts the clock of the "progress lags time" rule.
IMPLEMENTATION_STATE = "umsetzung"
# Steps that explain a delay. The definition has no such flag (yet); these are the events
# of ``massnahme`` that send a measure back, park it, postpone it or end it.
DELAY_EVENTS = frozenset(
    {
        "vertagen",
        "zurueckverweisen",
        "zur_ueberarbeitung",
        "zurueckstellen",
        "nicht_finanzieren",
        "stoppen",
    }
)
_LIGHT_ORDER = (Light.RED, Light.YELLOW, Light.GREEN)

SpecOf = Callable[[str, int], WorkflowSpec]


@dataclass(frozen=True)
class ReportData:
    """Everything the report needs, as loaded rows (attribute access, like SQL rows)."""

    programmes: Sequence[Any]
    measures: Sequence[Any]
    history: Mapping[int, Sequence[Any]] = field(default_factory=dict)
    budgets: Mapping[int, Any] = field(default_factory=dict)
    persons: Mapping[int, Any] = field(default_factory=dict)
    paper_references: Mapping[int, Sequence[str]] = field(default_factory=dict)
    body: str | None = None


def closed_states(specs: Sequence[WorkflowSpec], rules: TrafficLightRules) -> set[str]:
    """Final states that never appear; a red final state (gestoppt) may, if recent."""
    finals = {s.name for spec in specs for s in spec.states.values() if s.final}
    return finals - rules.red_states


def build_report(
    data: ReportData,
    *,
    period: Period,
    as_of: date,
    generated_at: datetime,
    audience: Audience,
    rules: TrafficLightRules,
    spec_of: SpecOf,
) -> SachstandReport:
    public = audience == "public"
    by_programme: dict[int, list[ReportMeasure]] = defaultdict(list)
    references: dict[int, list[str]] = defaultdict(list)
    labels: dict[str, str] = {}
    state_order: list[str] = []
    for row in data.measures:
        if public and not row.public:
            continue
        spec = spec_of(row.definition_name, row.definition_version)
        for name, state in spec.states.items():
            labels.setdefault(name, state.label)
            if not state.final and name not in state_order:
                state_order.append(name)
        steps = data.history.get(row.id, ())
        if spec.states[row.state].final and not (
            row.state in rules.red_states and _ended_in(steps, row.state, period, as_of)
        ):
            continue
        measure = _measure(row, spec, steps, data, period, as_of, rules, public)
        by_programme[row.programme_id].append(measure)
        for reference in data.paper_references.get(row.id, ()):
            if reference not in references[row.programme_id]:
                references[row.programme_id].append(reference)

    programmes = [
        ReportProgramme(
            id=p.id,
            title=p.title,
            paper_reference=p.paper_reference or ", ".join(references[p.id]) or None,
            measures=by_programme[p.id],
            budget=_sum_budgets([m.budget for m in by_programme[p.id]]),
        )
        for p in data.programmes
    ]
    reported = [m for p in programmes for m in p.measures]
    states = {m.state for m in reported}
    state_order += sorted(states - set(state_order))
    return SachstandReport(
        period=period.key,
        period_label=period.label,
        period_start=period.start,
        period_end=period.end,
        as_of=as_of,
        generated_at=generated_at,
        audience=audience,
        body=data.body,
        rules=RulesOut(
            red_states=sorted(rules.red_states),
            lag_points=rules.lag_points,
            near_days=rules.near_days,
            near_min_progress=rules.near_min_progress,
            text=list(describe(rules, labels)),
        ),
        measure_count=len(reported),
        lights=[
            Count(key=light.value, label=light.label, count=sum(m.light == light for m in reported))
            for light in _LIGHT_ORDER
        ],
        states=[
            Count(
                key=state,
                label=labels.get(state, state),
                count=sum(m.state == state for m in reported),
            )
            for state in state_order
        ],
        programmes=programmes,
    )


def _measure(
    row: Any,
    spec: WorkflowSpec,
    steps: Sequence[Any],
    data: ReportData,
    period: Period,
    as_of: date,
    rules: TrafficLightRules,
    public: bool,
) -> ReportMeasure:
    fields = dict(row.fields or {})
    progress = _int(fields.get("fortschritt"))
    target = _date(fields.get("zieldatum"))
    start = next(
        (
            _day(s.at)
            for s in steps
            if s.to_state == IMPLEMENTATION_STATE and s.from_state != IMPLEMENTATION_STATE
        ),
        None,
    )
    label = spec.states[row.state].label
    assessment = assess(MeasureStatus(row.state, progress, start, target, label), as_of, rules)
    return ReportMeasure(
        id=row.id,
        code=row.code,
        title=row.title,
        state=row.state,
        state_label=label,
        public=row.public,
        progress=progress,
        expected_progress=round(expected_progress(start, target, as_of))
        if start is not None and target is not None
        else None,
        start_date=start,
        target_date=target,
        light=assessment.light.value,
        light_label=assessment.light.label,
        light_reasons=list(assessment.reasons),
        delay_reasons=_delay_reasons(steps, row.state, period, as_of),
        budget=_budget(data.budgets.get(row.id)),
        responsible=None if public else _person(data.persons.get(row.responsible_person_id)),
    )


def _delay_reasons(
    steps: Sequence[Any], state: str, period: Period, as_of: date
) -> list[DelayReason]:
    """Delays recorded in the period, and the step that parked the measure where it is
    now, however old (a measure deferred in 2024 is still deferred for that reason)."""
    entered = _entered(steps, state)
    reasons = []
    for step in steps:
        data = dict(step.data or {})
        is_delay = step.event in DELAY_EVENTS or bool(data.get("verzoegerungsgrund"))
        recent = period.start <= _day(step.at) <= min(period.end, as_of)
        if is_delay and (recent or (step is entered and step.event in DELAY_EVENTS)):
            reasons.append(
                DelayReason(
                    on=_day(step.at),
                    event=step.event,
                    label=step.label,
                    text=_reason_text(step.comment, data),
                )
            )
    return reasons


def _reason_text(comment: str | None, data: Mapping[str, Any]) -> str:
    parts = [
        text
        for text in (comment, data.get("grund"), data.get("verzoegerungsgrund"))
        if isinstance(text, str) and text.strip()
    ]
    meeting = _date(data.get("sitzung_am"))
    if meeting is not None:
        parts.append(f"Neuer Sitzungstermin: {meeting:%d.%m.%Y}.")
    return " – ".join(dict.fromkeys(parts)) or "ohne Begründung"


def _entered(steps: Sequence[Any], state: str) -> Any:
    """The step that brought the measure into ``state`` (the last such step)."""
    for step in reversed(steps):
        if step.to_state == state and step.from_state != state:
            return step
    return None


def _ended_in(steps: Sequence[Any], state: str, period: Period, as_of: date) -> bool:
    step = _entered(steps, state)
    return step is not None and period.start <= _day(step.at) <= min(period.end, as_of)


def _budget(row: Any) -> Budget | None:
    if row is None:
        return None
    planned = (row.one_off or Decimal(0)) + (row.recurring or Decimal(0))
    spent = row.spent or Decimal(0)
    return Budget(
        planned=planned,
        approved=row.approved,
        spent=spent,
        spent_percent=round(spent * 100 / planned) if planned > 0 else None,
    )


def _sum_budgets(budgets: Sequence[Budget | None]) -> Budget | None:
    present = [b for b in budgets if b is not None]
    if not present:
        return None
    planned = sum((b.planned for b in present), Decimal(0))
    spent = sum((b.spent for b in present), Decimal(0))
    approved = [b.approved for b in present if b.approved is not None]
    return Budget(
        planned=planned,
        approved=sum(approved, Decimal(0)) if approved else None,
        spent=spent,
        spent_percent=round(spent * 100 / planned) if planned > 0 else None,
    )


def _person(row: Any) -> str | None:
    if row is None:
        return None
    if row.erased_at is not None:
        return "(gelöscht)"
    name = display_name(row)
    return f"{name} ({row.function})" if row.function else name


def _day(moment: datetime) -> date:
    return to_local(moment).date()


def _int(value: Any) -> int | None:
    try:
        return None if value is None else int(value)
    except (TypeError, ValueError):
        return None


def _date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None
