"""Reading measures: one with everything its detail shows, its history, lists, the export.

Each ``read_*`` function is the one read of its use case for the API, the web pages and the
command line. It reads in a transaction of its own, hides what the caller may not see (a
non-public measure looks like a missing one; staff names are for staff), and when it
returns non-public content to someone signed in it commits one access event
(``measure.read``) before it returns: a read that cannot be logged fails with 503.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy.engine import Connection

from service import access
from service.actor import Actor
from service.audit.service import log_read
from service.auth.service import person_names, usernames
from service.baseline import service as baseline
from service.baseline.service import BaselineView
from service.budget import repository as budget_repository
from service.errors import NotFound
from service.keyset import After
from service.lifecycle import repository as lifecycle_repository
from service.measures import repository, rules
from service.measures.repository import MeasureFilter
from service.milestones import repository as milestones_repository
from service.papers import shown
from service.people.service import display_name
from service.runtime import Runtime
from service.statements import repository as statements_repository
from service.statements.tasks import StatementsView, statement_tasks
from workflow.engine import AvailableEvent
from workflow.spec import WorkflowSpec

T = TypeVar("T")
# Lists without the overdue filter never look at the clock.
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def get_measure(connection: Connection, measure_id: int, body_id: int | None = None) -> Any:
    """The row, for any caller: use cases check access on it, reads use ``visible_measure``.
    A measure of another body than ``body_id`` is not found, like a missing one; without
    ``body_id`` (the system's own work, tests) any body's measure is found."""
    row = repository.measure(connection, measure_id, body_id)
    if row is None:
        raise NotFound("Maßnahme", measure_id)
    return row


def visible_measure(
    runtime: Runtime, connection: Connection, actor: Actor | None, measure_id: int
) -> Any:
    """The measure of the runtime's body if ``actor`` may see it; else ``NotFound``."""
    row = get_measure(connection, measure_id, runtime.body_id_in(connection))
    access.require_visible(actor, row, "Maßnahme", measure_id)
    return row


def names_of(
    connection: Connection, actor: Actor | None, ids: Iterable[int | None]
) -> dict[int, str]:
    """Display names of persons, for callers who may see staff names; else none."""
    if not access.may_see_names(actor):
        return {}
    return {p.id: display_name(p) for p in repository.persons_by_id(connection, set(ids))}


def log_measure_read(
    runtime: Runtime, actor: Actor | None, row: Any, persons: Iterable[int | None] = ()
) -> None:
    """One access event for a read of a non-public measure (or of its parts)."""
    if not row.public:
        log_read(runtime, actor, "measure", row.id, persons=[row.responsible_person_id, *persons])


def log_list_read(runtime: Runtime, actor: Actor | None, rows: Iterable[Any]) -> None:
    """One access event for a list that shows non-public measures, naming their persons.

    ``rows`` carry ``public`` and ``responsible_person_id`` of the measures shown.
    """
    internal = [r for r in rows if not r.public]
    if internal:
        persons = sorted({r.responsible_person_id for r in internal} - {None})
        log_read(runtime, actor, "measure", None, persons=persons)


def read_part(
    runtime: Runtime,
    actor: Actor | None,
    measure_id: int,
    load: Callable[[Connection, Any], tuple[T, Iterable[int | None]]],
) -> T:
    """A part of one measure (its statements, milestones, budget lines...), read and logged
    like the measure: ``load`` returns the part and the persons whose data it shows."""
    with runtime.read() as connection:
        row = visible_measure(runtime, connection, actor, measure_id)
        part, persons = load(connection, row)
    log_measure_read(runtime, actor, row, persons)
    return part


# --- one measure --------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeasureView:
    """One measure as its detail shows it to this caller: the API's and the web page's."""

    measure: Any
    spec: WorkflowSpec
    allowed: list[AvailableEvent]
    programme: Any
    responsible: str | None
    statements: list[Any]
    authors: dict[int, str]
    budget_lines: list[Any]
    milestones: list[Any]
    deadlines: list[Any]
    history: list[Any]
    history_users: dict[int | None, str]
    papers: list[Any] = field(default_factory=list)
    # Statement requests, Abwägungen and Auflagen (``service.statements.tasks``).
    statement_tasks: StatementsView | None = None
    # What the council decided and the Abweichungen from it (None: not decided yet).
    baseline: BaselineView | None = None
    # The measure's fields without what a vote hidden from the caller wrote into them.
    fields: dict[str, Any] = field(default_factory=dict)

    @property
    def open_deadlines(self) -> list[Any]:
        return sorted((d for d in self.deadlines if d.open), key=lambda d: (d.due_at, d.id))


def written_measure(
    runtime: Runtime, connection: Connection, actor: Actor, measure_id: int
) -> MeasureView:
    """The measure as the caller just wrote it, in the write's own transaction.

    Not logged as a read: the write is in the audit trail, and a read logged from a second
    transaction would wait for the chain lock this one holds.
    """
    return _view(runtime, connection, actor, measure_id)


def read_measure(runtime: Runtime, actor: Actor | None, measure_id: int) -> MeasureView:
    with runtime.read() as connection:
        view = _view(runtime, connection, actor, measure_id)
    # The detail names whoever weighed a statement or fulfilled an Auflage too.
    named = view.statement_tasks.people if view.statement_tasks else {}
    log_measure_read(runtime, actor, view.measure, sorted({*view.authors, *named}))
    return view


def _view(
    runtime: Runtime, connection: Connection, actor: Actor | None, measure_id: int
) -> MeasureView:
    row = visible_measure(runtime, connection, actor, measure_id)
    statements = statements_repository.statements_of(connection, measure_id)
    names = names_of(
        connection, actor, {row.responsible_person_id, *(s.author_person_id for s in statements)}
    )
    papers = repository.papers_of(connection, measure_id)
    hidden = _hidden_votes(connection, actor, papers)
    history = _history(runtime, connection, actor, row, hidden)
    return MeasureView(
        measure=row,
        spec=runtime.registry.engine(row.definition_name, row.definition_version).spec,
        allowed=runtime.lifecycle.allowed_events(
            connection, "measure", row, actor=actor, now=runtime.now()
        ),
        programme=repository.programme_of(connection, row.programme_id),
        responsible=names.get(row.responsible_person_id),
        statements=statements,
        authors={
            s.author_person_id: names[s.author_person_id]
            for s in statements
            if s.author_person_id in names
        },
        budget_lines=budget_repository.lines_of_measure(connection, measure_id),
        milestones=milestones_repository.milestones_of(connection, measure_id),
        deadlines=repository.deadlines_of(connection, measure_id),
        history=history,
        history_users=_users(connection, actor, row, history, named=True),
        papers=[p for p in papers if access.may_see_paper(actor, p)],
        statement_tasks=statement_tasks(
            connection, measure_id, lambda ids: names_of(connection, actor, ids)
        ),
        baseline=_baseline(connection, measure_id, hidden),
        fields=shown.shown_fields(row.fields, bool(hidden)),
    )


def _hidden_votes(
    connection: Connection, actor: Actor | None, papers: list[Any]
) -> shown.HiddenVotes:
    """The votes on the papers carrying the measure that the caller may not see. A council
    member reads a non-public vote on the paper, not on the measure: the measure's pages
    are the administration's and the public's."""
    return shown.hidden_votes(connection, actor, [p.id for p in papers])


def _history(
    runtime: Runtime,
    connection: Connection,
    actor: Actor | None,
    row: Any,
    hidden: shown.HiddenVotes,
) -> list[Any]:
    entries = lifecycle_repository.history_of(connection, "measure", row.id)
    return list(shown.shown_steps(entries, actor, hidden, shown.vote_events(runtime, row)))


def _baseline(
    connection: Connection, measure_id: int, hidden: shown.HiddenVotes
) -> BaselineView | None:
    """The decision the measure is bound by, without a Beschlussnummer the caller may not
    see (the session's day is public with its meeting)."""
    view = baseline.deviation(connection, measure_id)
    if view is not None and hidden.of_paper(view.paper_id):
        return replace(view, resolution_number=None)
    return view


def _users(
    connection: Connection,
    actor: Actor | None,
    row: Any,
    entries: list[Any],
    *,
    named: bool = False,
) -> dict[int | None, str]:
    """Who took the steps of the measure ``row``, for staff: the login (API and command
    line, ``actor``) or, for the page a person reads, ``named``, the person's name."""
    if not access.may_see_names(actor):
        return {}
    users = {e.actor_user_id for e in entries}
    if named:
        return person_names(connection, users, row.body_id)
    return usernames(connection, users, row.body_id)


@dataclass(frozen=True)
class HistoryView:
    entries: list[Any]
    users: dict[int | None, str]
    spec: WorkflowSpec  # the measure's definition: the labels of its states


def read_history(
    runtime: Runtime, actor: Actor | None, measure_id: int, *, named: bool = False
) -> HistoryView:
    """The steps of a measure; who took them is for staff only: their logins, or with
    ``named`` (for a person reading it) their names."""

    def load(connection: Connection, row: Any) -> tuple[HistoryView, list[int]]:
        hidden = _hidden_votes(connection, actor, repository.papers_of(connection, measure_id))
        entries = _history(runtime, connection, actor, row, hidden)
        spec = runtime.registry.engine(row.definition_name, row.definition_version).spec
        users = _users(connection, actor, row, entries, named=named)
        return HistoryView(entries, users, spec), []

    return read_part(runtime, actor, measure_id, load)


# --- lists ----------------------------------------------------------------------------------


def read_page(
    runtime: Runtime,
    actor: Actor | None,
    f: MeasureFilter,
    *,
    sort: str,
    after: After | None,
    limit: int,
) -> list[Any]:
    """A page of the list (keyset paging: page 20 costs what page 1 costs), with one row
    more than shown when another page follows (``keyset.next_cursor``)."""
    f = replace(f, public_only=access.public_only(actor))
    with runtime.read() as connection:
        f = replace(f, body_id=runtime.body_id_in(connection))
        rows = repository.page(
            connection, f, sort=sort, after=after, limit=limit + 1, now=runtime.now()
        )
    log_list_read(runtime, actor, rows[:limit])
    return rows


def page_measures(
    connection: Connection,
    *,
    body_id: int,
    public_only: bool,
    state: str | None,
    programme_id: int | None,
    responsible_person_id: int | None,
    after_id: int | None,
    limit: int,
) -> list[Any]:
    """Keyset paging by id for another domain's page, which checks and logs the caller."""
    f = MeasureFilter(
        public_only=public_only,
        body_id=body_id,
        state=state,
        programme_id=programme_id,
        responsible_person_id=responsible_person_id,
    )
    after = After(after_id, after_id) if after_id is not None else None
    return repository.page(connection, f, sort="id", after=after, limit=limit, now=_EPOCH)


def measure_id_with_code(connection: Connection, body_id: int, code: str) -> int | None:
    """The body's measure with this Kennung, in any case (a Kennung names one measure in
    the whole body: ``rules.code_holder``)."""
    holder = rules.code_holder(connection, body_id, code.strip(), None)
    return holder.id if holder is not None else None


def list_measures(connection: Connection, body_id: int | None = None) -> list[Any]:
    """Every measure of the body (without one: of every body), unchecked and in id order
    (for the system's own work and tests)."""
    return repository.all_measures(connection, body_id)


@dataclass(frozen=True)
class Export:
    """Every row of a list, as ``(row, responsible person's name)``; names for staff only."""

    rows: Iterator[tuple[Any, str | None]]
    with_names: bool


def export_measures(
    runtime: Runtime, actor: Actor | None, f: MeasureFilter, sort: str, chunk: int = 500
) -> Export:
    """The whole list for a file. Logged before the first row is sent when it holds a
    non-public measure, since the file is already on its way when the rows are read."""
    f = replace(f, public_only=access.public_only(actor), body_id=runtime.body_id)
    if not f.public_only and actor is not None:
        with runtime.read() as connection:
            internal = repository.internal_responsibles(connection, f, runtime.now())
        if internal:
            log_read(runtime, actor, "measure", None, persons=internal)
    with_names = access.may_see_names(actor)
    return Export(_export_rows(runtime, actor, f, sort, chunk), with_names)


def _export_rows(
    runtime: Runtime, actor: Actor | None, f: MeasureFilter, sort: str, chunk: int
) -> Iterator[tuple[Any, str | None]]:
    # Each page in a short read transaction of its own: a long export then holds no
    # transaction open (and no snapshot on PostgreSQL), and keyset paging keeps its memory
    # flat at 100,000 measures.
    after: After | None = None
    now = runtime.now()
    while True:
        with runtime.read() as connection:
            rows = repository.export_page(
                connection, f, sort=sort, after=after, limit=chunk, now=now
            )
            names = names_of(connection, actor, {r.responsible_person_id for r in rows})
        yield from ((r, names.get(r.responsible_person_id)) for r in rows)
        if len(rows) < chunk:
            return
        last = rows[-1]
        after = After(repository.sort_value(last, sort), last.id)
