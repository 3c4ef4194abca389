"""Queries for Meine Aufgaben: what waits, read across the rooms in one place.

Each query is bounded (``limit``) and starts from an index: measures by ``state``, open
deadlines by ``(open, due_at)``, statement requests by measure, meetings by ``starts_at``,
so that a task list costs the same in a city of hundreds of measures and in one of
thousands. Rows carry what the list shows and what its read log needs (``public``, the
responsible person).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, and_, exists, func, or_, select
from sqlalchemy.engine import Connection

from service.committees.models import AgendaItem, Attendance, Committee, Meeting
from service.deadlines.models import Deadline
from service.lifecycle.models import HistoryEntry
from service.measures.models import Measure
from service.milestones.models import Milestone
from service.obligations.models import Obligation
from service.papers.models import Consultation, Paper
from service.people.models import Person
from service.scheduler.models import StatusUpdateRound
from service.statements.models import Statement, StatementRequest, Weighing

measures: Table = Measure.__table__  # type: ignore[attr-defined]
persons: Table = Person.__table__  # type: ignore[attr-defined]
deadlines: Table = Deadline.__table__  # type: ignore[attr-defined]
history: Table = HistoryEntry.__table__  # type: ignore[attr-defined]
milestones: Table = Milestone.__table__  # type: ignore[attr-defined]
requests: Table = StatementRequest.__table__  # type: ignore[attr-defined]
statements: Table = Statement.__table__  # type: ignore[attr-defined]
weighings: Table = Weighing.__table__  # type: ignore[attr-defined]
meetings: Table = Meeting.__table__  # type: ignore[attr-defined]
committees: Table = Committee.__table__  # type: ignore[attr-defined]
agenda_items: Table = AgendaItem.__table__  # type: ignore[attr-defined]
attendance: Table = Attendance.__table__  # type: ignore[attr-defined]
consultations: Table = Consultation.__table__  # type: ignore[attr-defined]
papers: Table = Paper.__table__  # type: ignore[attr-defined]
obligations: Table = Obligation.__table__  # type: ignore[attr-defined]
rounds: Table = StatusUpdateRound.__table__  # type: ignore[attr-defined]

# A measure as a task names it: with its responsible person's name parts (``person_*``).
_MEASURE = (
    measures.c.id,
    measures.c.code,
    measures.c.title,
    measures.c.state,
    measures.c.public,
    measures.c.fields,
    measures.c.responsible_person_id,
    persons.c.title.label("person_title"),
    persons.c.given_name.label("person_given_name"),
    persons.c.family_name.label("person_family_name"),
)


def _measure_query() -> Any:
    return select(*_MEASURE).outerjoin(persons, persons.c.id == measures.c.responsible_person_id)


def measures_in(
    connection: Connection,
    body_id: int,
    states: Collection[str],
    limit: int,
    *,
    persons_of: Collection[int] | None = None,
) -> list[Any]:
    """The body's measures in ``states`` (of these responsible persons), by code."""
    query = _measure_query().where(measures.c.body_id == body_id, measures.c.state.in_(states))
    if persons_of is not None:
        query = query.where(measures.c.responsible_person_id.in_(persons_of))
    return list(connection.execute(query.order_by(measures.c.code, measures.c.id).limit(limit)))


def open_deadlines_of(connection: Connection, measure_ids: Sequence[int]) -> list[Any]:
    """Open deadlines of these measures, earliest first."""
    if not measure_ids:
        return []
    query = (
        select(deadlines.c.entity_id, deadlines.c.name, deadlines.c.label, deadlines.c.due_at)
        .where(
            deadlines.c.open.is_(True),
            deadlines.c.entity_type == "measure",
            deadlines.c.entity_id.in_(measure_ids),
        )
        .order_by(deadlines.c.due_at, deadlines.c.id)
    )
    return list(connection.execute(query))


def overdue_measure_deadlines(
    connection: Connection, body_id: int, now: datetime, limit: int
) -> list[Any]:
    """Open deadlines of the body's measures due before ``now``, with their measure."""
    query = (
        _measure_query()
        .add_columns(
            deadlines.c.name.label("deadline_name"),
            deadlines.c.label.label("deadline_label"),
            deadlines.c.due_at,
        )
        .join(deadlines, deadlines.c.entity_id == measures.c.id)
        .where(
            deadlines.c.open.is_(True),
            deadlines.c.due_at < now,
            deadlines.c.entity_type == "measure",
            deadlines.c.body_id == body_id,
            measures.c.body_id == body_id,
        )
        .order_by(deadlines.c.due_at, deadlines.c.id)
        .limit(limit)
    )
    return list(connection.execute(query))


def overdue_milestones(
    connection: Connection, measure_ids: Sequence[int], today: date
) -> list[Any]:
    if not measure_ids:
        return []
    query = (
        select(milestones.c.measure_id, milestones.c.title, milestones.c.due_on)
        .where(
            milestones.c.measure_id.in_(measure_ids),
            milestones.c.done_on.is_(None),
            milestones.c.due_on < today,
        )
        .order_by(milestones.c.due_on, milestones.c.id)
    )
    return list(connection.execute(query))


def last_progress_reports(connection: Connection, measure_ids: Sequence[int]) -> dict[int, Any]:
    """When each measure last reported progress (its history's ``fortschritt_melden``)."""
    if not measure_ids:
        return {}
    query = (
        select(history.c.entity_id, func.max(history.c.at))
        .where(
            history.c.entity_type == "measure",
            history.c.entity_id.in_(measure_ids),
            history.c.event == "fortschritt_melden",
        )
        .group_by(history.c.entity_id)
    )
    return {row[0]: row[1] for row in connection.execute(query)}


def latest_round(connection: Connection, body_id: int) -> Any:
    query = (
        select(rounds)
        .where(rounds.c.body_id == body_id)
        .order_by(rounds.c.opened_at.desc())
        .limit(1)
    )
    return connection.execute(query).first()


# --- statements ----------------------------------------------------------------------------


def open_requests(
    connection: Connection, body_id: int, kinds: Collection[str], limit: int
) -> list[Any]:
    """Open statement requests of these kinds, with their measure, earliest due first."""
    query = (
        _measure_query()
        .add_columns(requests.c.kind, requests.c.due_at)
        .join(requests, requests.c.measure_id == measures.c.id)
        .where(
            requests.c.body_id == body_id,
            requests.c.kind.in_(kinds),
            requests.c.closed_at.is_(None),
        )
        .order_by(requests.c.due_at, requests.c.id)
        .limit(limit)
    )
    return list(connection.execute(query))


def unweighed_rejections(
    connection: Connection, body_id: int, states: Collection[str], limit: int
) -> list[Any]:
    """ "Ablehnend" statements without an Abwägung on measures in ``states``."""
    weighed = exists().where(weighings.c.statement_id == statements.c.id)
    query = (
        _measure_query()
        .add_columns(
            statements.c.id.label("statement_id"),
            statements.c.kind,
            statements.c.given_on,
        )
        .join(statements, statements.c.measure_id == measures.c.id)
        .where(
            measures.c.body_id == body_id,
            measures.c.state.in_(states),
            statements.c.outcome == "ablehnend",
            ~weighed,
        )
        .order_by(statements.c.given_on, statements.c.id)
        .limit(limit)
    )
    return list(connection.execute(query))


# --- sessions ------------------------------------------------------------------------------

_MEETING = (
    meetings.c.id,
    meetings.c.starts_at,
    meetings.c.location,
    committees.c.name.label("committee_name"),
    committees.c.short_name.label("committee_short_name"),
    committees.c.kind.label("committee_kind"),
)


def meetings_between(
    connection: Connection, body_id: int, start: datetime, end: datetime, limit: int
) -> list[Any]:
    """The body's sessions starting in ``[start, end)``, not cancelled, earliest first."""
    query = (
        select(*_MEETING)
        .join(committees, committees.c.id == meetings.c.committee_id)
        .where(
            meetings.c.body_id == body_id,
            meetings.c.starts_at >= start,
            meetings.c.starts_at < end,
            meetings.c.cancelled_at.is_(None),
        )
        .order_by(meetings.c.starts_at, meetings.c.id)
        .limit(limit)
    )
    return list(connection.execute(query))


def without_attendance(connection: Connection, meeting_ids: Sequence[int]) -> set[int]:
    """Which of these sessions have no attendance recorded yet."""
    if not meeting_ids:
        return set()
    recorded = {
        row[0]
        for row in connection.execute(
            select(attendance.c.meeting_id)
            .where(attendance.c.meeting_id.in_(meeting_ids))
            .distinct()
        )
    }
    return set(meeting_ids) - recorded


def agenda_of(connection: Connection, meeting_ids: Sequence[int]) -> list[Any]:
    if not meeting_ids:
        return []
    query = (
        select(
            agenda_items.c.meeting_id,
            agenda_items.c.number,
            agenda_items.c.title,
            agenda_items.c.public,
        )
        .where(agenda_items.c.meeting_id.in_(meeting_ids))
        .order_by(agenda_items.c.meeting_id, agenda_items.c.position)
    )
    return list(connection.execute(query))


def votes_to_record(
    connection: Connection, body_id: int, since: datetime, now: datetime, limit: int
) -> list[Any]:
    """Steps of a Beratungsfolge whose session has begun (since ``since``) without a result."""
    query = (
        select(
            *_MEETING,
            consultations.c.id.label("consultation_id"),
            papers.c.id.label("paper_id"),
            papers.c.reference,
            papers.c.title.label("paper_title"),
            papers.c.public.label("paper_public"),
        )
        .select_from(consultations)
        .join(meetings, meetings.c.id == consultations.c.meeting_id)
        .join(committees, committees.c.id == meetings.c.committee_id)
        .join(papers, papers.c.id == consultations.c.paper_id)
        .where(
            meetings.c.body_id == body_id,
            meetings.c.starts_at >= since,
            meetings.c.starts_at < now,
            meetings.c.cancelled_at.is_(None),
            consultations.c.result.is_(None),
        )
        .order_by(meetings.c.starts_at, consultations.c.id)
        .limit(limit)
    )
    return list(connection.execute(query))


# --- obligations ---------------------------------------------------------------------------


def open_obligations(
    connection: Connection, body_id: int, roles: Collection[str], until: date, limit: int
) -> list[Any]:
    """Open duties of these roles due by ``until``, with their paper."""
    query = (
        select(
            obligations.c.id,
            obligations.c.title,
            obligations.c.responsible_role,
            obligations.c.due_on,
            papers.c.id.label("paper_id"),
            papers.c.reference,
            papers.c.public.label("paper_public"),
        )
        .join(papers, papers.c.id == obligations.c.paper_id)
        .where(
            obligations.c.body_id == body_id,
            obligations.c.open.is_(True),
            obligations.c.responsible_role.in_(roles),
            obligations.c.due_on <= until,
        )
        .order_by(obligations.c.due_on, obligations.c.id)
        .limit(limit)
    )
    return list(connection.execute(query))


# --- the Beschlusskontrolle of a council member --------------------------------------------


def control_deadlines(connection: Connection, body_id: int, until: datetime) -> list[Any]:
    """Open deadlines due before ``until`` as the Beschlusskontrolle lists them: every
    measure's, and those of public papers (a non-public paper's only for some readers)."""
    public_paper = exists(
        select(papers.c.id).where(papers.c.id == deadlines.c.entity_id, papers.c.public.is_(True))
    )
    return list(
        connection.execute(
            select(deadlines.c.id, deadlines.c.created_at, deadlines.c.due_at).where(
                deadlines.c.open.is_(True),
                deadlines.c.due_at < until,
                deadlines.c.body_id == body_id,
                or_(
                    deadlines.c.entity_type == "measure",
                    and_(deadlines.c.entity_type == "paper", public_paper),
                ),
            )
        )
    )
