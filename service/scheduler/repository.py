"""The queries the scheduler's jobs need; each is indexed on what is due, not on all rows."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, and_, func, or_, select, update
from sqlalchemy.engine import Connection

from service.auth.models import User
from service.committees.models import Committee, Meeting, Membership
from service.db import conflict_insert
from service.lifecycle.models import HistoryEntry
from service.measures.models import Measure
from service.obligations.models import Obligation
from service.papers.models import Paper
from service.people.models import Person
from service.programmes.models import Programme
from service.scheduler.models import JobPeriod, JobRun, StatusUpdateRound
from service.statements.models import Statement, StatementRequest

measures: Table = Measure.__table__  # type: ignore[attr-defined]
papers: Table = Paper.__table__  # type: ignore[attr-defined]
programmes: Table = Programme.__table__  # type: ignore[attr-defined]
statements: Table = Statement.__table__  # type: ignore[attr-defined]
statement_requests: Table = StatementRequest.__table__  # type: ignore[attr-defined]
obligations: Table = Obligation.__table__  # type: ignore[attr-defined]
committees: Table = Committee.__table__  # type: ignore[attr-defined]
memberships: Table = Membership.__table__  # type: ignore[attr-defined]
meetings: Table = Meeting.__table__  # type: ignore[attr-defined]
history: Table = HistoryEntry.__table__  # type: ignore[attr-defined]
job_periods: Table = JobPeriod.__table__  # type: ignore[attr-defined]
job_runs: Table = JobRun.__table__  # type: ignore[attr-defined]
rounds: Table = StatusUpdateRound.__table__  # type: ignore[attr-defined]
users: Table = User.__table__  # type: ignore[attr-defined]
persons: Table = Person.__table__  # type: ignore[attr-defined]


# --- items ---------------------------------------------------------------------------------


def measure(connection: Connection, measure_id: int) -> Any:
    return connection.execute(
        select(
            measures.c.id,
            measures.c.code,
            measures.c.title,
            measures.c.state,
            measures.c.responsible_person_id,
            measures.c.fields,
            measures.c.created_at,
            measures.c.body_id,
            measures.c.public,
        ).where(measures.c.id == measure_id)
    ).first()


def paper(connection: Connection, paper_id: int) -> Any:
    return connection.execute(
        select(
            papers.c.id, papers.c.reference, papers.c.title, papers.c.body_id, papers.c.public
        ).where(papers.c.id == paper_id)
    ).first()


def statement_request(connection: Connection, request_id: int) -> Any:
    """A statement request with its measure's code and title."""
    return connection.execute(
        select(
            statement_requests.c.id,
            statement_requests.c.kind,
            statement_requests.c.body_id,
            measures.c.id.label("measure_id"),
            measures.c.code,
            measures.c.title,
            measures.c.public,
        )
        .join(measures, measures.c.id == statement_requests.c.measure_id)
        .where(statement_requests.c.id == request_id)
    ).first()


def obligation(connection: Connection, obligation_id: int) -> Any:
    """An obligation with its paper's reference."""
    return connection.execute(
        select(
            obligations.c.id,
            obligations.c.title,
            obligations.c.responsible_role,
            obligations.c.body_id,
            papers.c.id.label("paper_id"),
            papers.c.reference,
            papers.c.public,
        )
        .join(papers, papers.c.id == obligations.c.paper_id)
        .where(obligations.c.id == obligation_id)
    ).first()


def measures_in(connection: Connection, body_id: int, states: Sequence[str]) -> list[Any]:
    return list(
        connection.execute(
            select(
                measures.c.id,
                measures.c.code,
                measures.c.title,
                measures.c.state,
                measures.c.responsible_person_id,
                measures.c.fields,
                measures.c.created_at,
                measures.c.public,
            )
            .where(measures.c.body_id == body_id, measures.c.state.in_(states))
            .order_by(measures.c.code, measures.c.id)
        )
    )


def statement_kinds(connection: Connection, measure_ids: Sequence[int]) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {i: set() for i in measure_ids}
    if not measure_ids:
        return found
    rows = connection.execute(
        select(statements.c.measure_id, statements.c.kind).where(
            statements.c.measure_id.in_(measure_ids)
        )
    )
    for r in rows:
        found[int(r.measure_id)].add(r.kind)
    return found


def last_progress_report(connection: Connection, measure_id: int) -> datetime | None:
    value = connection.execute(
        select(func.max(history.c.at)).where(
            history.c.entity_type == "measure",
            history.c.entity_id == measure_id,
            history.c.event == "fortschritt_melden",
        )
    ).scalar()
    return value


def programmes_all(connection: Connection, body_id: int) -> list[Any]:
    return list(
        connection.execute(
            select(programmes).where(programmes.c.body_id == body_id).order_by(programmes.c.id)
        )
    )


def programme_counts(
    connection: Connection, programme_id: int, final: Sequence[str]
) -> tuple[int, int]:
    rows = connection.execute(
        select(measures.c.state, func.count())
        .where(measures.c.programme_id == programme_id)
        .group_by(measures.c.state)
    )
    open_, done = 0, 0
    for state, n in rows:
        if state == "abgeschlossen":
            done += int(n)
        elif state not in final:
            open_ += int(n)
    return open_, done


# --- recipients ----------------------------------------------------------------------------


def role_holders(connection: Connection, role: str, body_id: int) -> list[int]:
    """Persons behind the body's active users holding ``role`` (roles are a short JSON list)."""
    rows = connection.execute(
        select(users.c.person_id, users.c.roles).where(
            and_(
                users.c.body_id == body_id,
                users.c.active.is_(True),
                users.c.person_id.is_not(None),
            )
        )
    )
    return sorted({int(r.person_id) for r in rows if role in (r.roles or [])})


def persons_not_erased(connection: Connection, person_ids: Sequence[int]) -> list[Any]:
    return list(
        connection.execute(
            select(persons).where(persons.c.id.in_(person_ids), persons.c.erased_at.is_(None))
        )
    )


# --- committees and meetings ---------------------------------------------------------------


def committee_by_slug(connection: Connection, slug: str, body_id: int) -> Any:
    return connection.execute(
        select(committees).where(committees.c.slug == slug, committees.c.body_id == body_id)
    ).first()


def committee_members(connection: Connection, committee_id: int, on: date) -> list[int]:
    rows = connection.execute(
        select(memberships.c.person_id)
        .where(
            memberships.c.committee_id == committee_id,
            or_(memberships.c.valid_from.is_(None), memberships.c.valid_from <= on),
            or_(memberships.c.valid_until.is_(None), memberships.c.valid_until >= on),
        )
        .order_by(memberships.c.person_id)
    )
    return sorted({int(r.person_id) for r in rows})


def committee_people(connection: Connection, committee_id: int) -> list[int]:
    rows = connection.execute(
        select(memberships.c.person_id).where(memberships.c.committee_id == committee_id)
    )
    return sorted({int(r.person_id) for r in rows})


def next_meeting(connection: Connection, committee_id: int, after: datetime) -> Any:
    return connection.execute(
        select(meetings)
        .where(and_(meetings.c.committee_id == committee_id, meetings.c.starts_at > after))
        .order_by(meetings.c.starts_at)
        .limit(1)
    ).first()


def meeting(connection: Connection, meeting_id: int) -> Any:
    return connection.execute(select(meetings).where(meetings.c.id == meeting_id)).first()


# --- periods and rounds --------------------------------------------------------------------


def last_period(connection: Connection, job_id: str) -> datetime | None:
    return connection.execute(
        select(job_periods.c.period).where(job_periods.c.job_id == job_id)
    ).scalar()


def record_period(connection: Connection, job_id: str, period: datetime, now: datetime) -> None:
    statement = conflict_insert(connection, job_periods).values(
        job_id=job_id, period=period, completed_at=now
    )
    statement = statement.on_conflict_do_update(
        index_elements=["job_id"], set_={"period": period, "completed_at": now}
    )
    connection.execute(statement)


def open_round(connection: Connection, values: dict[str, Any]) -> bool:
    statement = (
        conflict_insert(connection, rounds)
        .values(values)
        .on_conflict_do_nothing(index_elements=["body_id", "period"])
        .returning(rounds.c.period)
    )
    return connection.execute(statement).first() is not None


def get_round(connection: Connection, body_id: int, period: str) -> Any:
    return connection.execute(
        select(rounds).where(rounds.c.body_id == body_id, rounds.c.period == period)
    ).first()


def unreminded_rounds(connection: Connection, body_id: int) -> list[Any]:
    return list(
        connection.execute(
            select(rounds)
            .where(rounds.c.body_id == body_id, rounds.c.fva_reminded_at.is_(None))
            .order_by(rounds.c.period)
        )
    )


def update_round(connection: Connection, body_id: int, period: str, **values: Any) -> None:
    connection.execute(
        update(rounds)
        .where(rounds.c.body_id == body_id, rounds.c.period == period)
        .values(**values)
    )


# --- job runs (monitoring) -----------------------------------------------------------------


def record_run(connection: Connection, job_id: str, now: datetime, *, succeeded: bool) -> None:
    column = "succeeded_at" if succeeded else "failed_at"
    statement = conflict_insert(connection, job_runs).values(job_id=job_id, **{column: now})
    statement = statement.on_conflict_do_update(index_elements=["job_id"], set_={column: now})
    connection.execute(statement)


def job_run_rows(connection: Connection) -> list[Any]:
    return list(connection.execute(select(job_runs).order_by(job_runs.c.job_id)))
