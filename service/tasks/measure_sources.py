"""Task sources of the measure's way: the AG, the Kämmerei and the Verwaltungsleitung.

Each source is a function of a ``Scope`` returning tasks; ``service.tasks.sources`` maps
the roles to them. Which state asks whom is read from the definition's roles where it can
be (the AG review, the budget), the rest follows DESIGN.md's table of roles.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from service.tasks import repository
from service.tasks.items import (
    END_OF_DAY,
    Scope,
    Task,
    measure_subject,
    responsible,
    role_label,
)
from workflow.calendar import Duration, local_day_at, to_local
from workflow.traffic_light import Light, MeasureStatus, Overdue, assess

AG_REVIEW = "ag_pruefung"
BUDGET = "haushaltsplanung"
DRAFT = "entwurf"
IMPLEMENTATION = "umsetzung"
# A measure in implementation reports progress at least every six months (the FVA's
# half-yearly Sachstand); the task shows from 30 days before that.
REPORT_EVERY = Duration(months=6)
SOON = timedelta(days=30)


def _measure_task(scope: Scope, row: Any, kind: str, action: str, role: str, **more: Any) -> Task:
    return Task(
        key=f"{kind}:measure:{row.id}",
        action=action,
        subject=measure_subject(row),
        href=more.pop("href", f"/massnahmen/{row.id}"),
        role=role_label(role),
        detail=more.pop("detail", responsible(row)),
        entity=("measure", row.id),
        public=bool(row.public),
        person_id=row.responsible_person_id,
        **more,
    )


def _deadlines(scope: Scope, rows: list[Any], name: str) -> dict[int, Any]:
    found: dict[int, Any] = {}
    for d in repository.open_deadlines_of(scope.connection, [r.id for r in rows]):
        if d.name == name:
            found.setdefault(d.entity_id, d.due_at)
    return found


# --- AG-Leitung ----------------------------------------------------------------------------


def _waiting_in(scope: Scope, state: str, action: str, role: str) -> list[Task]:
    """Every measure in ``state``, due by its open deadline of the same name (the state's
    own: the AG review's six weeks, the budget's three months)."""
    rows = repository.measures_in(scope.connection, scope.body_id, [state], scope.limit)
    due = _deadlines(scope, rows, state)
    return [
        _measure_task(
            scope,
            r,
            state,
            action,
            role,
            due_at=due.get(r.id),
            overdue=scope.due(due.get(r.id))[1],
        )
        for r in rows
    ]


def ag_review(scope: Scope) -> list[Task]:
    """Measures in the AG's review: to pass to the FVA, return, defer or withdraw."""
    return _waiting_in(scope, AG_REVIEW, "In der AG prüfen und dem FVA vorlegen", "ag_leitung")


def ready_to_close(scope: Scope) -> list[Task]:
    """Measures in implementation at 100 %: the AG lead records the closing note."""
    rows = repository.measures_in(scope.connection, scope.body_id, [IMPLEMENTATION], scope.limit)
    return [
        _measure_task(
            scope, r, "abschluss", "Maßnahme abschließen (Fortschritt 100 %)", "ag_leitung"
        )
        for r in rows
        if (r.fields or {}).get("fortschritt") == 100
    ]


def overdue_deadlines(scope: Scope) -> list[Task]:
    """Every overdue deadline of a measure: the AG lead is the first to be told."""
    rows = repository.overdue_measure_deadlines(
        scope.connection, scope.body_id, scope.now, scope.limit
    )
    return [
        _measure_task(
            scope,
            r,
            r.deadline_name if r.deadline_name == AG_REVIEW else f"frist-{r.deadline_name}",
            f"Frist überschritten: {r.deadline_label}",
            "ag_leitung",
            due_at=r.due_at,
            overdue=True,
        )
        for r in rows
    ]


# --- AG-Mitglied ---------------------------------------------------------------------------


def own_drafts(scope: Scope) -> list[Task]:
    """Drafts the member (or the person they stand in for) is responsible for."""
    rows = repository.measures_in(
        scope.connection, scope.body_id, [DRAFT], scope.limit, persons_of=scope.persons
    )
    return [
        _measure_task(
            scope,
            r,
            DRAFT,
            "Entwurf vervollständigen und zur Prüfung in der AG einreichen",
            "ag_mitglied",
            detail=None,
            on_behalf_of=scope.on_behalf_of(r.responsible_person_id),
        )
        for r in rows
    ]


def progress_due(scope: Scope) -> list[Task]:
    """Own measures in implementation whose Sachstand is due: asked by the half-year round
    and not reported since it opened, or last reported six months ago (or 30 days short)."""
    rows = repository.measures_in(
        scope.connection,
        scope.body_id,
        [IMPLEMENTATION],
        scope.limit,
        persons_of=scope.persons,
    )
    last = repository.last_progress_reports(scope.connection, [r.id for r in rows])
    round_ = repository.latest_round(scope.connection, scope.body_id)
    found = []
    for r in rows:
        reported = last.get(r.id)
        if round_ is not None and (reported is None or reported < round_.opened_at):
            when = local_day_at(round_.update_due_on, END_OF_DAY)
        elif reported is not None:
            when = REPORT_EVERY.add_to(reported)
        else:
            continue
        if when - SOON > scope.now:
            continue
        due_at, overdue = scope.due(when)
        found.append(
            _measure_task(
                scope,
                r,
                "sachstand",
                "Sachstand melden (Fortschritt)",
                "ag_mitglied",
                detail=None,
                due_at=due_at,
                overdue=overdue,
                on_behalf_of=scope.on_behalf_of(r.responsible_person_id),
            )
        )
    return found


# --- Kämmerei ------------------------------------------------------------------------------


def budget_planning(scope: Scope) -> list[Task]:
    """Measures the council decided, waiting to be planned in the budget."""
    return _waiting_in(
        scope, BUDGET, "Im Haushalt einplanen (Haushaltsjahr und Beträge)", "kaemmerei"
    )


# --- Verwaltungsleitung --------------------------------------------------------------------

# Decided and not ended: the states in which a measure has a traffic light.
LIT_STATES = ("haushaltsplanung", "umsetzung", "zurueckgestellt")
WEIGHING_STATES = (DRAFT, AG_REVIEW)


def weighings_due(scope: Scope) -> list[Task]:
    """ "Ablehnend" statements the Verwaltungsleitung has not weighed yet."""
    rows = repository.unweighed_rejections(
        scope.connection, scope.body_id, WEIGHING_STATES, scope.limit
    )
    return [
        _measure_task(
            scope,
            r,
            f"abwaegung-{r.statement_id}",
            "Abwägung nach ablehnender Stellungnahme erfassen",
            "verwaltungsleitung",
            href=f"/massnahmen/{r.id}#stellungnahmen-titel",
        )
        for r in rows
    ]


def red_or_overdue(scope: Scope) -> list[Task]:
    """Measures whose traffic light is red (the Sachstandsbericht's rules) or with an
    overdue deadline or milestone; one task each, naming the first reason."""
    rows = repository.measures_in(scope.connection, scope.body_id, LIT_STATES, scope.limit)
    overdue_rows = repository.overdue_measure_deadlines(
        scope.connection, scope.body_id, scope.now, scope.limit
    )
    by_id = {r.id: r for r in rows}
    for r in overdue_rows:
        by_id.setdefault(r.id, r)
    rows = list(by_id.values())
    late: dict[int, list[Overdue]] = {}
    for d in overdue_rows:
        late.setdefault(d.id, []).append(Overdue("Frist", d.deadline_label, _day(d.due_at)))
    for m in repository.overdue_milestones(scope.connection, [r.id for r in rows], scope.today):
        late.setdefault(m.measure_id, []).append(Overdue("Meilenstein", m.title, m.due_on))
    found = []
    for r in rows:
        fields = r.fields or {}
        status = MeasureStatus(
            state=r.state,
            progress=fields.get("fortschritt"),
            target=_date(fields.get("zieldatum")),
            state_label=scope.state_label(r.state),
            overdue=tuple(late.get(r.id, ())),
        )
        verdict = assess(status, scope.today, scope.rules)
        if verdict.light is Light.RED:
            action, reason = "Ampel rot: nachsteuern", verdict.reasons[0]
        elif late.get(r.id):
            first = min(late[r.id], key=lambda o: o.due)
            action = "Überfällig: nachfassen"
            reason = f"{first.kind} „{first.label}“ war fällig am {first.due:%d.%m.%Y}."
        else:
            continue
        oldest = min((o.due for o in late.get(r.id, ())), default=None)
        due_at, overdue = scope.due_by_day(oldest)
        found.append(
            _measure_task(
                scope,
                r,
                "ampel",
                action,
                "verwaltungsleitung",
                detail=" ".join(filter(None, [reason, responsible(r)])),
                due_at=due_at,
                overdue=overdue,
            )
        )
    return found


def _day(moment: Any) -> date:
    return to_local(moment).date()


def _date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None
