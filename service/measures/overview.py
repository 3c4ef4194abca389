"""The Übersicht: counts per state, the board, the table page, and the choices of forms.

Kept to what a page needs and cheap at 100,000 measures: the default table page and the
board walk indexes (``id``; ``state`` then ``id``), counts are one ``GROUP BY`` over the
state index, and flags (overdue, statement missing) are computed for the shown rows only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection

from service import access
from service.actor import Actor
from service.measures import repository
from service.measures.reading import log_list_read, names_of
from service.measures.repository import STATEMENT_FOR_FLAG, MeasureFilter
from service.people.service import display_name
from service.runtime import Runtime
from workflow.spec import WorkflowSpec

STATEMENT_LABELS = {
    "datenschutz": "Datenschutzbeauftragte/r",
    "informationssicherheit": "Informationssicherheitsbeauftragte/r",
    "personalrat": "Personalrat",
}
OUTCOME_LABELS = {
    "zustimmend": "zustimmend",
    "mit_auflagen": "mit Auflagen",
    "ablehnend": "ablehnend",
}
# The guards that ask for a statement (``workflow.guards``): up to the step that has one of
# them, a missing statement still matters.
_STATEMENT_GUARDS = {
    "dsb_stellungnahme_bei_personenbezug",
    "isb_stellungnahme_bei_sicherheitsrelevanz",
    "personalrat_angehoert_bei_personalwirkung",
}
BOARD_CARDS = 5
PAGE_SIZE = 25
SORTS = tuple(repository.OVERVIEW_SORTS)


@dataclass(frozen=True)
class OverviewFilters:
    programme_id: int | None = None
    responsible_person_id: int | None = None
    overdue: bool = False
    needs_statement: bool = False
    state: str | None = None

    @property
    def active(self) -> bool:
        return any(
            (
                self.programme_id,
                self.responsible_person_id,
                self.overdue,
                self.needs_statement,
                self.state,
            )
        )


@dataclass(frozen=True)
class Row:
    id: int
    code: str
    title: str
    state: str
    programme_id: int
    responsible_person_id: int | None
    responsible: str | None
    updated_at: datetime
    progress: int | None
    public: bool
    overdue: bool = False
    missing_statements: tuple[str, ...] = ()


@dataclass
class Overview:
    counts: dict[str, int]
    board: dict[str, list[Row]]
    rows: list[Row]
    total: int
    page: int
    pages: int
    programmes: list[tuple[int, str]] = field(default_factory=list)
    people: list[tuple[int, str]] = field(default_factory=list)

    def counts_in_order(self, spec: WorkflowSpec) -> list[tuple[str, str, int]]:
        return [(name, s.label, self.counts.get(name, 0)) for name, s in spec.states.items()]


def statement_states(spec: WorkflowSpec) -> set[str]:
    """States in which a missing statement still matters: up to the step that needs it."""
    found = {spec.initial}
    for t in spec.transitions:
        if _STATEMENT_GUARDS & set(t.guards):
            found.update(t.sources)
    return found


def read_overview(
    runtime: Runtime,
    actor: Actor,
    filters: OverviewFilters,
    *,
    sort: str = "nr",
    descending: bool = False,
    page: int = 1,
) -> Overview:
    """The Übersicht for staff, with the choices of its filters; logged when it shows a
    non-public measure."""
    spec = runtime.registry.latest("massnahme").spec
    now = runtime.now()
    f = MeasureFilter(
        public_only=access.public_only(actor),
        body_id=runtime.body_id,
        programme_id=filters.programme_id,
        responsible_person_id=filters.responsible_person_id,
        overdue=filters.overdue or None,
        needs_statement=filters.needs_statement or None,
        statement_states=tuple(sorted(statement_states(spec))),
    )
    with runtime.read() as connection:
        counts = repository.state_counts(connection, f, now)
        shown_states = [state for state in spec.states if counts.get(state)]
        board_raw = repository.board(connection, f, now, shown_states, BOARD_CARDS)
        total = counts.get(filters.state, 0) if filters.state else sum(counts.values())
        pages = max(1, -(-total // PAGE_SIZE))
        page = min(max(page, 1), pages)
        page_raw = repository.offset_page(
            connection,
            replace(f, state=filters.state),
            now,
            sort=sort,
            descending=descending,
            offset=(page - 1) * PAGE_SIZE,
            limit=PAGE_SIZE,
        )
        *board_rows, rows = _rows(connection, actor, [*board_raw, page_raw], spec, now)
        programmes, people = filter_choices(connection, runtime.body_id)
    log_list_read(runtime, actor, [r for shown in (*board_rows, rows) for r in shown])
    board = dict(zip(shown_states, board_rows, strict=True))
    return Overview(counts, board, rows, total, page, pages, programmes, people)


def _rows(
    connection: Connection,
    actor: Actor,
    raws: list[list[Any]],
    spec: WorkflowSpec,
    now: datetime,
) -> list[list[Row]]:
    """Rows with their flags; the flags of every shown row come from two queries."""
    shown = [r for raw in raws for r in raw]
    ids = sorted({r.id for r in shown})
    overdue = repository.overdue_ids(connection, ids, now)
    given = repository.statement_kinds(connection, ids)
    names = names_of(connection, actor, {r.responsible_person_id for r in shown})
    before_guard = statement_states(spec)

    def row(r: Any) -> Row:
        fields: Mapping[str, Any] = r.fields or {}
        missing: tuple[str, ...] = ()
        if r.state in before_guard:
            missing = tuple(
                STATEMENT_LABELS[kind]
                for flag, kind in STATEMENT_FOR_FLAG.items()
                if fields.get(flag) and kind not in given.get(r.id, set())
            )
        return Row(
            id=r.id,
            code=r.code,
            title=r.title,
            state=r.state,
            programme_id=r.programme_id,
            responsible_person_id=r.responsible_person_id,
            responsible=names.get(r.responsible_person_id),
            updated_at=r.updated_at,
            progress=fields.get("fortschritt"),
            public=r.public,
            overdue=r.id in overdue,
            missing_statements=missing,
        )

    return [[row(r) for r in raw] for raw in raws]


# --- the choices of forms and filters ---------------------------------------------------------


def filter_choices(
    connection: Connection, body_id: int
) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The body's programmes, and the persons responsible for at least one of its measures."""
    people = [(p.id, display_name(p)) for p in repository.responsible_persons(connection, body_id)]
    return programme_choices(connection, body_id), people


def programme_choices(connection: Connection, body_id: int) -> list[tuple[int, str]]:
    return [(r.id, r.title) for r in repository.programme_titles(connection, body_id)]


def responsible_choices(connection: Connection, body_id: int) -> list[tuple[int, str]]:
    """Staff of the body who can be made responsible for a measure, with their function."""
    return [
        (p.id, f"{display_name(p)} ({p.function})" if p.function else display_name(p))
        for p in repository.staff_persons(connection, body_id)
    ]
