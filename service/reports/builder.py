"""The Sachstandsbericht built from loaded rows: pure, so every door renders the same report.

``build_report`` takes rows, the period, the Stichtag and the rules and returns the report
model; ``service.reports.service`` loads the rows and is the one place that reads the
database, and tests build reports from hand-made rows.

The report is rebuilt as of its Stichtag from each measure's history: the state is the one
its last step before then led to, and each field (progress, target date) holds what the
last step or edit of the Angaben before then set it to (``fields_as_of``). Milestones, the
Haushaltsansätze and what names a measure (Kennung, title, responsible person) come as they
stood on the Stichtag: they keep a history of their own, which the loaded rows already
reflect.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from service.people.service import display_name
from service.reports.period import Period
from service.reports.replay import fields_as_of
from service.reports.schemas import (
    Audience,
    Budget,
    Count,
    DelayReason,
    DoneMeasure,
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
    Overdue,
    TrafficLightRules,
    assess,
    describe,
    expected_progress,
    is_decided,
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
    # The edits of each measure's Angaben up to the Stichtag (``measure_changes``), its
    # creation first: when and which fields each set.
    edits: Mapping[int, Sequence[Any]] = field(default_factory=dict)
    budgets: Mapping[int, Any] = field(default_factory=dict)
    persons: Mapping[int, Any] = field(default_factory=dict)
    paper_references: Mapping[int, Sequence[str]] = field(default_factory=dict)
    body: str | None = None
    deadlines: Mapping[int, Sequence[Any]] = field(default_factory=dict)
    milestones: Mapping[int, Sequence[Any]] = field(default_factory=dict)
    # Issued reports name the Amt or role of the responsible person, never the person.
    names: bool = True


def build_report(
    data: ReportData,
    *,
    period: Period,
    as_of: date,
    audience: Audience,
    rules: TrafficLightRules,
    spec_of: SpecOf,
) -> SachstandReport:
    public = audience == "public"
    by_programme: dict[int, list[ReportMeasure]] = defaultdict(list)
    undecided: dict[int, list[ReportMeasure]] = defaultdict(list)
    done: dict[int, list[DoneMeasure]] = defaultdict(list)
    references: dict[int, list[str]] = defaultdict(list)
    labels: dict[str, str] = {}
    state_order: list[str] = []
    for row in data.measures:
        if public and not row.public:
            continue
        spec = spec_of(row.definition_name, row.definition_version)
        for name, state_spec in spec.states.items():
            labels.setdefault(name, state_spec.label)
            if not state_spec.final and name not in state_order:
                state_order.append(name)
        steps = [s for s in data.history.get(row.id, ()) if _day(s.at) <= as_of]
        state: str = steps[-1].to_state if steps else spec.initial
        if spec.states[state].final:
            if not _ended_in(steps, state, period, as_of):
                continue
            if state not in rules.red_states:
                done[row.programme_id].append(_done(row, spec, state, steps, data, public))
                continue
        measure = _measure(row, spec, state, steps, data, period, as_of, rules, public)
        if measure.light is None:
            undecided[row.programme_id].append(measure)
        else:
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
            undecided=undecided[p.id],
            done=done[p.id],
            budget=_sum_budgets([m.budget for m in by_programme[p.id]]),
        )
        for p in data.programmes
    ]
    reported = [m for p in programmes for m in p.measures]
    states = {m.state for m in reported}
    state_order = [s for s in state_order if is_decided(s, rules)]
    state_order += sorted(states - set(state_order))
    return SachstandReport(
        period=period.key,
        period_label=period.label,
        period_start=period.start,
        period_end=period.end,
        as_of=as_of,
        audience=audience,
        body=data.body,
        rules=RulesOut(
            red_states=sorted(rules.red_states),
            lag_points=rules.lag_points,
            near_days=rules.near_days,
            near_min_progress=rules.near_min_progress,
            overdue_red_days=rules.overdue_red_days,
            undecided_states=sorted(rules.undecided_states),
            text=list(describe(rules, labels)),
        ),
        measure_count=len(reported),
        undecided_count=sum(len(p.undecided) for p in programmes),
        done_count=sum(len(p.done) for p in programmes),
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


def _done(
    row: Any, spec: WorkflowSpec, state: str, steps: Sequence[Any], data: ReportData, public: bool
) -> DoneMeasure:
    entered = _entered(steps, state)
    return DoneMeasure(
        id=row.id,
        code=row.code,
        title=row.title,
        state=state,
        state_label=spec.states[state].label,
        public=row.public,
        on=_day(entered.at),
        note=_reason_text(entered.comment, dict(entered.data or {}), default=None),
        responsible=None if public else _person(data.persons.get(row.responsible_person_id), data),
    )


def _overdue(row: Any, data: ReportData, as_of: date) -> tuple[Overdue, ...]:
    deadlines = (Overdue("Frist", d.label, _day(d.due_at)) for d in data.deadlines.get(row.id, ()))
    milestones = (
        Overdue("Meilenstein", m.title, m.due_on)
        for m in data.milestones.get(row.id, ())
        if m.done_on is None or m.done_on > as_of
    )
    return tuple(o for o in (*deadlines, *milestones) if o.due < as_of)


def _measure(
    row: Any,
    spec: WorkflowSpec,
    state: str,
    steps: Sequence[Any],
    data: ReportData,
    period: Period,
    as_of: date,
    rules: TrafficLightRules,
    public: bool,
) -> ReportMeasure:
    later = data.history.get(row.id, ())[len(steps) :]
    known = data.edits.get(row.id)
    edits = None if not known else [e for e in known if _day(e.changed_at) <= as_of]
    fields = fields_as_of(row, steps, later, edits)
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
    label = spec.states[state].label
    status = MeasureStatus(state, progress, start, target, label, _overdue(row, data, as_of))
    assessment = assess(status, as_of, rules)
    return ReportMeasure(
        id=row.id,
        code=row.code,
        title=row.title,
        state=state,
        state_label=label,
        public=row.public,
        progress=progress,
        expected_progress=round(expected_progress(start, target, as_of))
        if start is not None and target is not None
        else None,
        start_date=start,
        target_date=target,
        light=None if assessment.light is None else assessment.light.value,
        light_label=None if assessment.light is None else assessment.light.label,
        light_reasons=list(assessment.reasons) if assessment.light is not None else [],
        delay_reasons=_delay_reasons(steps, state, period, as_of),
        # The Haushaltsansätze as they stood on the Stichtag, shown once the measure was
        # funded (entered its implementation).
        budget=_budget(data.budgets.get(row.id)) if start is not None else None,
        responsible=None if public else _person(data.persons.get(row.responsible_person_id), data),
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
                    text=_reason_text(step.comment, data) or "ohne Begründung",
                )
            )
    return reasons


def _reason_text(
    comment: str | None, data: Mapping[str, Any], default: str | None = "ohne Begründung"
) -> str | None:
    parts = [
        text
        for text in (
            comment,
            data.get("grund"),
            data.get("verzoegerungsgrund"),
            data.get("abschlussvermerk"),
        )
        if isinstance(text, str) and text.strip()
    ]
    meeting = _date(data.get("sitzung_am"))
    if meeting is not None:
        parts.append(f"Neuer Sitzungstermin: {meeting:%d.%m.%Y}.")
    return " – ".join(dict.fromkeys(parts)) or default


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


def _person(row: Any, data: ReportData) -> str | None:
    if row is None:
        return None
    if not data.names:
        return row.function or None
    if row.erased_at is not None:
        return "(gelöscht)"
    name = display_name(row)
    return f"{name} ({row.function})" if row.function else name


def _day(moment: Any) -> date:
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
