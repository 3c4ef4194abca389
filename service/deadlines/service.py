"""Fristen: what the reminder sweep plans, and the Beschlusskontrolle of open deadlines.

The sweep (``service.scheduler.deadline_sweep``) reads and plans deadlines here inside its
own transaction. ``read_deadlines`` is the overview the ``/fristen`` page shows: open
deadlines of measures and papers, grouped by responsible person and by Arbeitspapier. It
names non-public measures and papers and who is responsible for the measures, so when it
shows one, the read is logged (``deadline.read``) before it is returned.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any

from sqlalchemy.engine import Connection

from service.access import COUNCIL, holds, may_see_names
from service.actor import SYSTEM, Actor
from service.audit.service import log_read
from service.deadlines import repository
from service.errors import AccessDenied
from service.measures import service as measures
from service.papers import service as papers
from service.people.service import display_name
from service.runtime import Runtime
from service.visits import repository as visits
from workflow.calendar import to_local

SOON = timedelta(days=30)
LIMIT = 2000
NOBODY = "ohne verantwortliche Person"


# --- the reminder sweep --------------------------------------------------------------------


def unplanned(connection: Connection, limit: int) -> list[Any]:
    """Deadlines whose reminders the sweep has not planned yet (new since its last run)."""
    return repository.unplanned(connection, limit)


def reminder_due(connection: Connection, now: datetime, limit: int) -> list[Any]:
    """Deadlines whose next reminder moment has come."""
    return repository.reminder_due(connection, now, limit)


def plan_reminders(connection: Connection, deadline_id: int, next_at: datetime | None) -> None:
    """Records when the deadline's next reminder is due (None: no reminder is left)."""
    repository.plan(connection, deadline_id, next_at)


def open_overdue(connection: Connection, now: datetime) -> list[Any]:
    return repository.open_overdue(connection, now)


def open_named_due_before(connection: Connection, name: str, until: datetime) -> list[Any]:
    return repository.open_named_due_before(connection, name, until)


# --- the Beschlusskontrolle ----------------------------------------------------------------


@dataclass
class Due:
    row: Any
    overdue: bool
    days: int  # days until due (negative: overdue since)
    responsible: str | None = None


@dataclass
class Group:
    key: str
    title: str
    items: list[Due] = field(default_factory=list)

    @property
    def overdue(self) -> int:
        return sum(1 for d in self.items if d.overdue)


@dataclass
class Deadlines:
    measures: list[Due]
    papers: list[Due]
    by_person: list[Group]
    by_programme: list[Group]
    truncated: bool


@dataclass
class Filters:
    """The choices of the Beschlusskontrolle's filters. ``people`` is None for a reader who
    may not see staff names (``access.may_see_names``): the body's staff with their
    function would name her persons she is shown no deadline of, and unlogged."""

    people: list[tuple[int, str]] | None
    programmes: list[tuple[int, str]]


def filter_choices(runtime: Runtime, actor: Actor) -> Filters:
    """The persons and Arbeitspapiere the reader of ``read_deadlines`` may filter by."""
    _require_read(actor)
    with runtime.read() as connection:
        people = (
            measures.responsible_choices(connection, runtime.body_id)
            if may_see_names(actor)
            else None
        )
        return Filters(people, measures.programme_choices(connection, runtime.body_id))


def _require_read(actor: Actor) -> None:
    if actor != SYSTEM and not holds(actor, "deadline.read"):
        raise AccessDenied(
            "Die Beschlusskontrolle sehen nur Beschäftigte der Verwaltung und Ratsmitglieder."
        )


def read_deadlines(
    runtime: Runtime,
    actor: Actor,
    *,
    person_id: int | None,
    programme_id: int | None,
    overdue_only: bool,
    horizon: timedelta = SOON,
) -> Deadlines:
    """Open deadlines of the body overdue or due within ``horizon``, for staff and council
    members; papers' deadlines only when no person or programme is chosen, and only those
    of papers the reader may see (a council member: public ones and their committees')."""
    _require_read(actor)
    now = runtime.now()
    until = now if overdue_only else now + horizon
    with runtime.read() as connection:
        rows = repository.open_of_measures(
            connection,
            runtime.body_id,
            until,
            LIMIT + 1,
            person_id=person_id,
            programme_id=programme_id,
        )
        paper_rows = []
        if person_id is None and programme_id is None:
            paper_rows = [
                r
                for r in repository.open_of_papers(connection, runtime.body_id, until, LIMIT)
                if papers.may_see_row(runtime, connection, actor, r.paper_id, r.public)
            ]
    measure_due = [_due(r, now, _responsible(r)) for r in rows[:LIMIT]]
    hidden = [d.row for d in measure_due if not d.row.public]
    # Staff names are for staff (access.may_see_names): a council member who is shown who is
    # responsible for a public measure has read that too.
    named = [] if may_see_names(actor) else [d.row for d in measure_due if d.responsible]
    if hidden or named or any(not r.public for r in paper_rows):
        persons = dict.fromkeys(r.responsible_person_id for r in [*hidden, *named])
        log_read(runtime, actor, "deadline", None, persons=list(persons))
    if COUNCIL & actor.roles and actor.user_id is not None:
        # Her task on Meine Aufgaben counts what is new since this visit
        # (``tasks.council_sources.resolution_control``).
        with runtime.write() as connection:
            visits.record(connection, actor.user_id, visits.RESOLUTION_CONTROL, now)
    return Deadlines(
        measures=measure_due,
        papers=[_due(r, now) for r in paper_rows],
        by_person=_group(
            measure_due, lambda d: (str(d.row.responsible_person_id), d.responsible or NOBODY)
        ),
        by_programme=_group(
            measure_due, lambda d: (str(d.row.programme_id), d.row.programme_title)
        ),
        truncated=len(rows) > LIMIT,
    )


def _responsible(row: Any) -> str | None:
    if row.responsible_person_id is None:
        return None
    return display_name(
        SimpleNamespace(
            id=row.responsible_person_id,
            title=row.person_title,
            given_name=row.person_given_name,
            family_name=row.person_family_name,
        )
    )


def _due(row: Any, now: datetime, responsible: str | None = None) -> Due:
    days = (to_local(row.due_at).date() - to_local(now).date()).days
    return Due(row, row.due_at < now, days, responsible)


def _group(items: list[Due], key: Callable[[Due], tuple[str, str]]) -> list[Group]:
    groups: dict[str, Group] = {}
    for due in items:
        k, title = key(due)
        groups.setdefault(k, Group(k, title)).items.append(due)
    return sorted(groups.values(), key=lambda g: (-g.overdue, g.title))
