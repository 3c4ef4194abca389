"""The queries behind the Sachstandsbericht: a handful of set-wise reads, none per measure.

A report is rebuilt as of its Stichtag, so every read is bounded by ``until`` (the first
moment after the Stichtag): what was created or happened later does not exist for it.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import Table, and_, case, func, select
from sqlalchemy.engine import Connection

from service.budget.models import BudgetLine, BudgetLineChange
from service.deadlines.models import Deadline
from service.lifecycle.models import HistoryEntry
from service.measures.models import Measure, MeasureChange
from service.milestones.models import Milestone, MilestoneChange
from service.papers.models import Paper, PaperMeasure
from service.people.models import Person
from service.programmes.models import Programme

history = HistoryEntry.__table__  # type: ignore[attr-defined]
budget_lines = BudgetLine.__table__  # type: ignore[attr-defined]
line_changes = BudgetLineChange.__table__  # type: ignore[attr-defined]
measures = Measure.__table__  # type: ignore[attr-defined]
measure_changes = MeasureChange.__table__  # type: ignore[attr-defined]
programmes = Programme.__table__  # type: ignore[attr-defined]
papers = Paper.__table__  # type: ignore[attr-defined]
paper_measures = PaperMeasure.__table__  # type: ignore[attr-defined]
persons = Person.__table__  # type: ignore[attr-defined]
deadlines = Deadline.__table__  # type: ignore[attr-defined]
milestones = Milestone.__table__  # type: ignore[attr-defined]
milestone_changes = MilestoneChange.__table__  # type: ignore[attr-defined]


def _newest_first(changes: Table, key: Any) -> Any:
    """Numbers each thing's states in a history table (``*_changes``) from the newest on,
    as ``newest``: 1 is the state it had at the end of the rows the query keeps."""
    return (
        func.row_number()
        .over(partition_by=key, order_by=(changes.c.changed_at.desc(), changes.c.id.desc()))
        .label("newest")
    )


def _reported(
    body_id: int, until: datetime, public_only: bool, programme_id: int | None = None
) -> Any:
    """The ids of the body's measures that existed before ``until`` (the builder decides
    from their history which of them the report shows)."""
    query = select(measures.c.id).where(
        measures.c.body_id == body_id, measures.c.created_at < until
    )
    if public_only:
        query = query.where(measures.c.public.is_(True))
    if programme_id is not None:
        query = query.where(measures.c.programme_id == programme_id)
    return query


def reported_measures(
    connection: Connection,
    body_id: int,
    until: datetime,
    public_only: bool,
    programme_id: int | None = None,
) -> list[Any]:
    """The reported measures, named as they were before ``until``: Kennung, title and
    responsible person from each one's last state then (``measure_changes``), so a measure
    renamed or handed over later keeps its old name in a past report. The state and the
    fields come as they are today; the builder takes them back to then from the steps and
    the edits (``history_of_reported``, ``edits_of_reported``)."""
    ids = _reported(body_id, until, public_only, programme_id)
    states = (
        select(
            measure_changes.c.measure_id,
            measure_changes.c.code,
            measure_changes.c.title,
            measure_changes.c.responsible_person_id,
            _newest_first(measure_changes, measure_changes.c.measure_id),
        )
        .where(measure_changes.c.measure_id.in_(ids), measure_changes.c.changed_at < until)
        .subquery()
    )
    known = states.c.measure_id.is_not(None)
    # Every measure has a state from its creation on (migration 0028 gave the older ones
    # theirs); one without would be named as it is today rather than left out.
    code = case((known, states.c.code), else_=measures.c.code).label("code")
    responsible = case(
        (known, states.c.responsible_person_id), else_=measures.c.responsible_person_id
    ).label("responsible_person_id")
    return list(
        connection.execute(
            select(
                measures.c.id,
                measures.c.programme_id,
                code,
                case((known, states.c.title), else_=measures.c.title).label("title"),
                measures.c.state,
                measures.c.public,
                responsible,
                measures.c.definition_name,
                measures.c.definition_version,
                measures.c.fields,
            )
            .select_from(
                measures.outerjoin(
                    states, and_(states.c.measure_id == measures.c.id, states.c.newest == 1)
                )
            )
            .where(measures.c.id.in_(ids))
            .order_by(measures.c.programme_id, code, measures.c.id)
        )
    )


def history_of_reported(
    connection: Connection,
    body_id: int,
    until: datetime,
    public_only: bool,
    programme_id: int | None = None,
) -> list[Any]:
    """Every step of the reported measures, by date: also the later ones, which tell the
    builder which values were not yet recorded on the Stichtag."""
    ids = _reported(body_id, until, public_only, programme_id)
    return list(
        connection.execute(
            select(
                history.c.entity_id,
                history.c.at,
                history.c.event,
                history.c.label,
                history.c.from_state,
                history.c.to_state,
                history.c.comment,
                history.c.data,
            )
            .where(history.c.entity_type == "measure", history.c.entity_id.in_(ids))
            .order_by(history.c.entity_id, history.c.at, history.c.id)
        )
    )


def edits_of_reported(
    connection: Connection,
    body_id: int,
    until: datetime,
    public_only: bool,
    programme_id: int | None = None,
) -> list[Any]:
    """The fields each edit of the reported measures' Angaben set before ``until``, with its
    moment, by date: the measure's creation first. The builder replays them with the steps
    (``history_of_reported``), so a field edited later leaves a past report as it was."""
    ids = _reported(body_id, until, public_only, programme_id)
    return list(
        connection.execute(
            select(
                measure_changes.c.measure_id, measure_changes.c.changed_at, measure_changes.c.fields
            )
            .where(measure_changes.c.measure_id.in_(ids), measure_changes.c.changed_at < until)
            .order_by(
                measure_changes.c.measure_id, measure_changes.c.changed_at, measure_changes.c.id
            )
        )
    )


def budgets_of_reported(
    connection: Connection,
    body_id: int,
    until: datetime,
    public_only: bool,
    programme_id: int | None = None,
) -> list[Any]:
    """The sums of the measures' Haushaltsansätze as they stood before ``until``: each
    line's last state then (``budget_line_changes``), so an amount booked or changed later
    leaves a past report as it was, and a line added later does not count for it."""
    ids = _reported(body_id, until, public_only, programme_id)
    states = (
        select(
            budget_lines.c.measure_id,
            line_changes.c.one_off_planned,
            line_changes.c.recurring_planned,
            line_changes.c.approved,
            line_changes.c.spent,
            _newest_first(line_changes, line_changes.c.budget_line_id),
        )
        .join(budget_lines, budget_lines.c.id == line_changes.c.budget_line_id)
        .where(budget_lines.c.measure_id.in_(ids), line_changes.c.changed_at < until)
        .subquery()
    )
    return list(
        connection.execute(
            select(
                states.c.measure_id,
                func.sum(states.c.one_off_planned).label("one_off"),
                func.sum(states.c.recurring_planned).label("recurring"),
                func.sum(states.c.approved).label("approved"),
                func.sum(states.c.spent).label("spent"),
            )
            .where(states.c.newest == 1)
            .group_by(states.c.measure_id)
        )
    )


def programmes_with_papers(
    connection: Connection, body_id: int, until: datetime, programme_id: int | None = None
) -> list[Any]:
    query = select(
        programmes.c.id,
        programmes.c.title,
        programmes.c.body_id,
        papers.c.reference.label("paper_reference"),
    ).select_from(programmes.outerjoin(papers, papers.c.id == programmes.c.paper_id))
    query = query.where(programmes.c.body_id == body_id, programmes.c.created_at < until)
    if programme_id is not None:
        query = query.where(programmes.c.id == programme_id)
    return list(connection.execute(query.order_by(programmes.c.id)))


def open_deadlines_of_reported(
    connection: Connection,
    body_id: int,
    until: datetime,
    public_only: bool,
    programme_id: int | None = None,
) -> list[Any]:
    """The measures' deadlines that were started before ``until`` and still open then."""
    ids = _reported(body_id, until, public_only, programme_id)
    return list(
        connection.execute(
            select(deadlines.c.entity_id, deadlines.c.label, deadlines.c.due_at)
            .where(
                deadlines.c.entity_type == "measure",
                deadlines.c.entity_id.in_(ids),
                deadlines.c.created_at < until,
                (deadlines.c.closed_at.is_(None)) | (deadlines.c.closed_at >= until),
            )
            .order_by(deadlines.c.entity_id, deadlines.c.due_at, deadlines.c.id)
        )
    )


def milestones_of_reported(
    connection: Connection,
    body_id: int,
    until: datetime,
    public_only: bool,
    programme_id: int | None = None,
) -> list[Any]:
    """The measures' milestones as they stood before ``until``: each one's last state then
    (``milestone_changes``), so a due or done date changed later leaves a past report as it
    was, and a milestone added later does not exist for it."""
    ids = _reported(body_id, until, public_only, programme_id)
    states = (
        select(
            milestone_changes.c.milestone_id,
            milestone_changes.c.title,
            milestone_changes.c.due_on,
            milestone_changes.c.done_on,
            _newest_first(milestone_changes, milestone_changes.c.milestone_id),
        )
        .join(milestones, milestones.c.id == milestone_changes.c.milestone_id)
        .where(milestones.c.measure_id.in_(ids), milestone_changes.c.changed_at < until)
        .subquery()
    )
    return list(
        connection.execute(
            select(milestones.c.measure_id, states.c.title, states.c.due_on, states.c.done_on)
            .join(states, states.c.milestone_id == milestones.c.id)
            .where(states.c.newest == 1, states.c.due_on.is_not(None))
            .order_by(milestones.c.measure_id, states.c.due_on, milestones.c.id)
        )
    )


def persons_by_id(connection: Connection, ids: Collection[int]) -> dict[int, Any]:
    if not ids:
        return {}
    rows = connection.execute(
        select(
            persons.c.id,
            persons.c.title,
            persons.c.given_name,
            persons.c.family_name,
            persons.c.function,
            persons.c.erased_at,
        ).where(persons.c.id.in_(sorted(ids)))
    )
    return {r.id: r for r in rows}


def paper_references_of_reported(
    connection: Connection,
    body_id: int,
    until: datetime,
    public_only: bool,
    programme_id: int | None = None,
) -> list[Any]:
    """(measure id, paper reference) for the papers that carry the reported measures."""
    query = (
        select(paper_measures.c.measure_id, papers.c.reference)
        .select_from(paper_measures.join(papers, papers.c.id == paper_measures.c.paper_id))
        .where(
            paper_measures.c.measure_id.in_(_reported(body_id, until, public_only, programme_id)),
            papers.c.created_at < until,
        )
        .order_by(papers.c.reference)
    )
    if public_only:
        query = query.where(papers.c.public.is_(True))
    return list(connection.execute(query))
