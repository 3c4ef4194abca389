"""Task sources beside the measure's way: statements, sessions, duties, the council.

Statement requests are opened by ``service.statements.requests`` when a measure enters the
AG review; the obligations are the duties of a resolution (``service.obligations``), each
for a role. Sessions are the Sitzungsdienst's: the coming ones with their agenda, and after
a session its attendance and the votes of its agenda.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from service import access
from service.deadlines.service import SOON as CONTROL_AHEAD
from service.statements.requests import KIND_LABELS
from service.tasks import repository
from service.tasks.items import Scope, Task, measure_subject, responsible, role_label
from service.visits import repository as visits
from workflow.calendar import to_local

# Coming sessions show four weeks ahead (the Ladungsfrist is a week); sessions and votes
# still to record, for a quarter after the session.
AHEAD = timedelta(days=28)
BEHIND = timedelta(days=92)
SOON = timedelta(days=30)
AGENDA_SHOWN = 5
# The Beschlusskontrolle a council member reads (issue 15, point 8); her last visit is
# recorded by ``deadlines.service.read_deadlines``.
RESOLUTION_CONTROL = "/fristen"


def statement_requests(scope: Scope) -> list[Task]:
    """Open requests for a statement of the caller's own kinds (a statement is given in its
    author's role, so a deputy's own roles decide, never the absent person's)."""
    kinds = [k for k in access.STATEMENT_KINDS if k in scope.actor.roles]
    rows = repository.open_requests(scope.connection, scope.body_id, kinds, scope.limit)
    found = []
    for r in rows:
        due_at, overdue = scope.due(r.due_at)
        found.append(
            Task(
                key=f"stellungnahme-{r.kind}:measure:{r.id}",
                action=f"Stellungnahme {KIND_LABELS[r.kind]} abgeben",
                subject=measure_subject(r),
                href=f"/massnahmen/{r.id}#stellungnahmen-titel",
                role=role_label(r.kind),
                due_at=due_at,
                overdue=overdue,
                detail=responsible(r),
                entity=("measure", r.id),
                public=bool(r.public),
                person_id=r.responsible_person_id,
            )
        )
    return found


# --- Sitzungsdienst ------------------------------------------------------------------------


def _session(row: Any) -> str:
    return f"{row.committee_name}, {to_local(row.starts_at):%d.%m.%Y, %H:%M} Uhr"


def _session_task(
    row: Any,
    kind: str,
    action: str,
    anchor: str,
    *,
    overdue: bool,
    public: bool,
    detail: str | None = None,
) -> Task:
    """The Sitzungsdienst's task about one session, due at its start; ``anchor`` is the
    part of the session's page it leads to (empty: its top)."""
    return Task(
        key=f"{kind}:meeting:{row.id}",
        action=action,
        subject=_session(row),
        href=f"/sitzungen/{row.id}{anchor}",
        role=role_label("sitzungsdienst"),
        due_at=row.starts_at,
        overdue=overdue,
        detail=detail,
        entity=("meeting", row.id),
        public=public,
    )


def coming_sessions(scope: Scope) -> list[Task]:
    """Sessions of the next four weeks, with the first items of their agenda."""
    rows = repository.meetings_between(
        scope.connection, scope.body_id, scope.now, scope.now + AHEAD, scope.limit
    )
    agenda: dict[int, list[Any]] = {}
    for item in repository.agenda_of(scope.connection, [r.id for r in rows]):
        agenda.setdefault(item.meeting_id, []).append(item)
    found = []
    for r in rows:
        items = agenda.get(r.id, [])
        if items:
            shown = "; ".join(f"{i.number} {i.title}" for i in items[:AGENDA_SHOWN])
            more = f" und {len(items) - AGENDA_SHOWN} weitere" if len(items) > AGENDA_SHOWN else ""
            detail = f"Tagesordnung ({len(items)}): {shown}{more}"
        else:
            detail = "Noch keine Tagesordnung"
        public = access.committee_is_public(r.committee_kind) and all(i.public for i in items)
        found.append(
            _session_task(
                r,
                "sitzung",
                "Sitzung vorbereiten (Tagesordnung, Ladung)",
                "",
                overdue=False,
                detail=detail,
                public=public,
            )
        )
    return found


def attendance_to_record(scope: Scope) -> list[Task]:
    """Sessions of the last quarter that have begun without a recorded attendance."""
    rows = repository.meetings_between(
        scope.connection, scope.body_id, scope.now - BEHIND, scope.now, scope.limit
    )
    missing = repository.without_attendance(scope.connection, [r.id for r in rows])
    return [
        _session_task(
            r,
            "anwesenheit",
            "Anwesenheit erfassen",
            "#anwesenheit",
            overdue=True,
            public=access.committee_is_public(r.committee_kind),
        )
        for r in rows
        if r.id in missing
    ]


def votes_to_record(scope: Scope) -> list[Task]:
    """Steps of a Beratungsfolge whose session has begun and whose vote is not recorded."""
    rows = repository.votes_to_record(
        scope.connection, scope.body_id, scope.now - BEHIND, scope.now, scope.limit
    )
    return [
        Task(
            key=f"abstimmung:consultation:{r.consultation_id}",
            action="Abstimmung erfassen",
            subject=f"{r.reference} {r.paper_title}",
            href=f"/sitzungen/{r.id}#tagesordnung",
            role=role_label("sitzungsdienst"),
            due_at=r.starts_at,
            overdue=True,
            detail=_session(r),
            entity=("paper", r.paper_id),
            public=bool(r.paper_public),
        )
        for r in rows
    ]


# --- duties of a resolution, for whichever role carries them --------------------------------


def obligations(scope: Scope) -> list[Task]:
    """Open duties of the caller's roles, overdue or due within 30 days."""
    until = (scope.now + SOON).date()
    rows = repository.open_obligations(
        scope.connection, scope.body_id, scope.actor.roles, until, scope.limit
    )
    found = []
    for r in rows:
        due_at, overdue = scope.due_by_day(r.due_on)
        found.append(
            Task(
                key=f"pflicht:obligation:{r.id}",
                action="Pflicht aus dem Beschluss erfüllen",
                subject=r.title,
                href=f"/pflichten#pflicht-{r.id}",
                role=role_label(r.responsible_role),
                due_at=due_at,
                overdue=overdue,
                detail=f"Beschluss zur Vorlage {r.reference}",
                entity=("paper", r.paper_id),
                public=bool(r.paper_public),
            )
        )
    return found


# --- Ratsmitglied ----------------------------------------------------------------------------


def resolution_control(scope: Scope) -> list[Task]:
    """What the Beschlusskontrolle shows a council member that it did not show at her last
    visit: deadlines new in it (made since, or come within its 30 days since) and those
    overdue since; none when nothing is new, so the task leaves once she has looked."""
    user_id = scope.actor.user_id
    seen = (
        None
        if user_id is None
        else visits.last_seen(scope.connection, user_id, visits.RESOLUTION_CONTROL)
    )
    rows = repository.control_deadlines(scope.connection, scope.body_id, scope.now + CONTROL_AHEAD)
    new = {
        r.id
        for r in rows
        if seen is None or r.created_at > seen or r.due_at >= seen + CONTROL_AHEAD
    }
    overdue = {
        r.id for r in rows if r.id not in new and seen is not None and seen <= r.due_at < scope.now
    }
    if not new and not overdue:
        return []
    counts = []
    if new:
        counts.append(f"{len(new)} neue Frist{'en' if len(new) != 1 else ''}")
    if overdue:
        counts.append(f"{len(overdue)} seitdem überfällig")
    return [
        Task(
            key="beschlusskontrolle",
            action="Beschlusskontrolle ansehen",
            subject=", ".join(counts),
            href=RESOLUTION_CONTROL,
            role=role_label("ratsmitglied"),
            overdue=bool(overdue),
            detail=f"Seit Ihrem letzten Besuch am {to_local(seen):%d.%m.%Y, %H:%M} Uhr"
            if seen is not None
            else "Noch nicht angesehen",
        )
    ]
