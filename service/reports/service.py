"""The Sachstandsbericht: loads the data as of the Stichtag once and builds the report.

``read_sachstand`` is the use case every door calls (API, web page and PDF, command line):
it checks that the reader may read reports, loads, builds, and logs the read of the
internal variant, which names non-public measures and the persons responsible. The public
variant holds only what anyone may see and is not logged.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy.engine import Connection

from service.access import holds
from service.actor import SYSTEM, Actor
from service.audit.service import log_read
from service.errors import AccessDenied
from service.reports import repository
from service.reports.builder import ReportData, build_report
from service.reports.config import get_report_settings
from service.reports.period import InvalidPeriod, Period, parse_period
from service.reports.repository import issued as issued_repository
from service.reports.schemas import Audience, SachstandReport
from service.runtime import Runtime
from workflow.calendar import local_day_at, to_local
from workflow.traffic_light import TrafficLightRules

READ_ENTITY = "status_report"


def read_sachstand(
    runtime: Runtime,
    actor: Actor,
    period: str,
    audience: Audience = "internal",
    rules: TrafficLightRules | None = None,
    programme_id: int | None = None,
) -> SachstandReport:
    """The report for ``period`` as a reader receives it; staff only (and the console).
    ``rules`` default to the configured traffic-light rules.

    Only the loading holds a transaction: rendering a PDF afterwards can take a while. The
    internal variant's read is committed to the audit trail before it is returned, naming
    the persons it shows (``status_report.read``); when that fails, nothing is returned.
    """
    if actor != SYSTEM and not holds(actor, "report.read"):
        raise AccessDenied(
            "Berichte dürfen nur Beschäftigte der Verwaltung und Ratsmitglieder lesen."
        )
    with runtime.read() as connection:
        report, data = compose(runtime, connection, period, audience, rules, programme_id)
    if audience == "internal":
        log_read(
            runtime,
            actor,
            READ_ENTITY,
            None,
            persons=list(data.persons),
            purpose=f"Sachstandsbericht {report.period_label}, interne Fassung",
        )
    return report


def stichtag(period: Period, today: date) -> date:
    """The day a report shows: the period's last day, or today while the period runs."""
    if period.start > today:
        raise InvalidPeriod(
            f"Der Berichtszeitraum {period.key} hat noch nicht begonnen "
            f"(Beginn {period.start:%d.%m.%Y})."
        )
    return min(period.end, today)


def end_of(day: date) -> datetime:
    """The first moment after ``day`` in Aschersleben: what happened before it counts."""
    return local_day_at(day + timedelta(days=1), time(0, 0))


def compose(
    runtime: Runtime,
    connection: Connection,
    period: str,
    audience: Audience,
    rules: TrafficLightRules | None,
    programme_id: int | None = None,
    *,
    names: bool = True,
) -> tuple[SachstandReport, ReportData]:
    """The report for ``period`` (e.g. ``2024-H1``) as of its Stichtag, and the rows it was
    built from. Built later from the same history, it is the same report: nothing in it
    depends on the moment it is built, only on the Stichtag."""
    parsed = parse_period(period)
    as_of = stichtag(parsed, to_local(runtime.now()).date())
    rules = rules or body_rules(runtime)
    data = load(runtime, connection, audience == "public", end_of(as_of), programme_id, names=names)
    report = build_report(
        data,
        period=parsed,
        as_of=as_of,
        audience=audience,
        rules=rules,
        spec_of=lambda name, version: runtime.registry.engine(name, version).spec,
    )
    return report, data


def load(
    runtime: Runtime,
    connection: Connection,
    public_only: bool,
    until: datetime,
    programme_id: int | None = None,
    *,
    names: bool = True,
) -> ReportData:
    body = runtime.body
    reported = (body.id, until, public_only, programme_id)
    rows = repository.reported_measures(connection, *reported)
    history: dict[int, list[Any]] = defaultdict(list)
    for entry in repository.history_of_reported(connection, *reported):
        history[entry.entity_id].append(entry)
    edits: dict[int, list[Any]] = defaultdict(list)
    for edit in repository.edits_of_reported(connection, *reported):
        edits[edit.measure_id].append(edit)
    budgets = {b.measure_id: b for b in repository.budgets_of_reported(connection, *reported)}
    references: dict[int, list[str]] = defaultdict(list)
    for ref in repository.paper_references_of_reported(connection, *reported):
        references[ref.measure_id].append(ref.reference)
    deadlines: dict[int, list[Any]] = defaultdict(list)
    for deadline in repository.open_deadlines_of_reported(connection, *reported):
        deadlines[deadline.entity_id].append(deadline)
    milestones: dict[int, list[Any]] = defaultdict(list)
    for milestone in repository.milestones_of_reported(connection, *reported):
        milestones[milestone.measure_id].append(milestone)
    programmes = repository.programmes_with_papers(connection, body.id, until, programme_id)
    persons = (
        {}
        if public_only
        else repository.persons_by_id(
            connection, {r.responsible_person_id for r in rows if r.responsible_person_id}
        )
    )
    return ReportData(
        programmes=programmes,
        measures=rows,
        history=history,
        edits=edits,
        budgets=budgets,
        persons=persons,
        paper_references=references,
        body=body.name,
        deadlines=deadlines,
        milestones=milestones,
        names=names,
    )


def body_rules(runtime: Runtime) -> TrafficLightRules:
    """The deployment's traffic-light rules, with the thresholds the body sets for itself."""
    thresholds = runtime.body.settings.given(
        "red_states", "lag_points", "near_days", "near_min_progress"
    )
    return get_report_settings().model_copy(update=thresholds).rules()


def taken_note(connection: Connection, period: str, body_id: int) -> date | None:
    """The session day on which the FVA took note of a report issued for ``period``
    (``2024-H1``) in the body; None while it has not. The half-yearly duty to inform the
    FVA is met on that day, not when the report is issued."""
    noted: date | None = issued_repository.noted_in(connection, body_id, period)
    return noted
