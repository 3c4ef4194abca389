"""The queries behind the Sachstandsbericht: a handful of set-wise reads, none per measure.

A report is rebuilt as of its Stichtag, so every read is bounded by ``until`` (the first
moment after the Stichtag): what was created or happened later does not exist for it.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from service.budget.models import BudgetLine
from service.deadlines.models import Deadline
from service.lifecycle.models import HistoryEntry
from service.measures.models import Measure
from service.milestones.models import Milestone, MilestoneChange
from service.papers.models import Paper, PaperMeasure
from service.people.models import Person
from service.programmes.models import Programme

history = HistoryEntry.__table__  # type: ignore[attr-defined]
budget_lines = BudgetLine.__table__  # type: ignore[attr-defined]
measures = Measure.__table__  # type: ignore[attr-defined]
programmes = Programme.__table__  # type: ignore[attr-defined]
papers = Paper.__table__  # type: ignore[attr-defined]
paper_measures = PaperMeasure.__table__  # type: ignore[attr-defined]
persons = Person.__table__  # type: ignore[attr-defined]
deadlines = Deadline.__table__  # type: ignore[attr-defined]
milestones = Milestone.__table__  # type: ignore[attr-defined]
milestone_changes = MilestoneChange.__table__  # type: ignore[attr-defined]


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
    ids = _reported(body_id, until, public_only, programme_id)
    return list(
        connection.execute(
            select(
                measures.c.id,
                measures.c.programme_id,
                measures.c.code,
                measures.c.title,
                measures.c.state,
                measures.c.public,
                measures.c.responsible_person_id,
                measures.c.definition_name,
                measures.c.definition_version,
                measures.c.fields,
            )
            .where(measures.c.id.in_(ids))
            .order_by(measures.c.programme_id, measures.c.code, measures.c.id)
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


def budgets_of_reported(
    connection: Connection,
    body_id: int,
    until: datetime,
    public_only: bool,
    programme_id: int | None = None,
) -> list[Any]:
    """Today's sums of the Haushaltsansätze (they keep no history of their amounts)."""
    ids = _reported(body_id, until, public_only, programme_id)
    return list(
        connection.execute(
            select(
                budget_lines.c.measure_id,
                func.sum(budget_lines.c.one_off_planned).label("one_off"),
                func.sum(budget_lines.c.recurring_planned).label("recurring"),
                func.sum(budget_lines.c.approved).label("approved"),
                func.sum(budget_lines.c.spent).label("spent"),
            )
            .where(budget_lines.c.measure_id.in_(ids))
            .group_by(budget_lines.c.measure_id)
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
            func.row_number()
            .over(
                partition_by=milestone_changes.c.milestone_id,
                order_by=(milestone_changes.c.changed_at.desc(), milestone_changes.c.id.desc()),
            )
            .label("newest"),
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
