"""Pflichten aus dem Beschluss: the duties a resolution imposes, tracked like deadlines.

VII/0680/24 obliges the administration to inform the FVA half-yearly, to plan the funds in
each budget, to write a separate paper for the Eigenbetriebe, the AKA and the Stadtwerke, and
to review the Arbeitspapier regularly. Each is an obligation of its paper with a due date
and a role that fulfils it (never a person: erasing a person never touches a duty of the
council). Its open deadline (``deadlines`` row ``obligation``, name ``pflicht``) drives the
reminders to that role and the escalation to the Verwaltungsleitung.

An obligation is met by recording its fulfilment with a reference (``fulfil_obligation``),
e.g. the Informationsvorlage the FVA took note of; a recurring one then rolls on to its next
due date, a one-off closes. The use case takes the reference as text, so that recording a
Kenntnisnahme can call it with the Vorlage's number.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy.engine import Connection

from service import access, texts
from service.access import ROLE_LABELS
from service.actor import Actor
from service.audit.service import log_read
from service.deadlines import repository as deadlines
from service.errors import Conflict, NotFound
from service.measures import rules
from service.measures import service as measures
from service.obligations import repository
from service.obligations.models import FULFILLED_BY, Fulfilment, Obligation
from service.obligations.views import Obligations, ObligationView
from service.papers import service as papers
from service.records import insert_audited, update_audited
from service.runtime import Runtime
from service.texts import TextRule
from workflow.calendar import Duration, is_working_day, local_day_at, next_working_day, to_local
from workflow.errors import FieldProblem

ENTITY = "obligation"
DEADLINE = "pflicht"
# A duty is due by the end of its day (Berlin time).
DUE_TIME = time(23, 59)
# Roles that can carry a duty: those that act in the process (not admin, revision, public).
DUTY_ROLES = ("ag_leitung", "kaemmerei", "sitzungsdienst", "verwaltungsleitung")
TEXTS = {
    "title": TextRule("Titel", 300, required="Bitte die Pflicht benennen."),
    "description": TextRule("Beschreibung", rules.LONG_TEXT_LENGTH, multiline=True),
}
FULFILMENT_TEXTS = {
    "reference": TextRule(
        "Nachweis",
        300,
        required="Bitte den Nachweis angeben, z. B. die Informationsvorlage und ihre "
        "Kenntnisnahme.",
    ),
    "note": TextRule("Vermerk", 2000, multiline=True),
}
obligation_table = Obligation.__table__  # type: ignore[attr-defined]
fulfilment_table = Fulfilment.__table__  # type: ignore[attr-defined]


# --- reading -------------------------------------------------------------------------------


def read_obligations(
    runtime: Runtime, actor: Actor | None, *, paper_id: int | None = None
) -> Obligations:
    """The body's obligations (of one paper: all, once the caller may see it) with their
    fulfilments: of the papers the caller may see (public ones for everyone, the others for
    staff and for council members of their committees); names for staff.
    Showing a non-public paper's duties is logged as a read of that paper."""
    with runtime.read() as connection:
        if paper_id is not None:
            papers.visible_paper(runtime, connection, actor, paper_id)
        found = _load(runtime, connection, actor, paper_id=paper_id)
    _log(runtime, actor, found)
    return found


def read_obligation(runtime: Runtime, actor: Actor | None, obligation_id: int) -> Obligations:
    """One obligation (as ``read_obligations``); one the caller may not see is not found."""
    with runtime.read() as connection:
        found = _load(runtime, connection, actor, obligation_id=obligation_id)
    _log(runtime, actor, found)
    return found


def written_obligation(
    runtime: Runtime, connection: Connection, actor: Actor, obligation_id: int
) -> Obligations:
    """The obligation as the caller just wrote it, in the write's transaction (not logged
    as a read: the write is in the audit trail)."""
    return _load(runtime, connection, actor, obligation_id=obligation_id)


def obligations_of_paper(
    runtime: Runtime, connection: Connection, actor: Actor | None, paper_id: int
) -> Obligations:
    """The duties of a paper the caller has read (and whose read logs what it shows)."""
    return _load(runtime, connection, actor, paper_id=paper_id)


def _load(
    runtime: Runtime,
    connection: Connection,
    actor: Actor | None,
    *,
    paper_id: int | None = None,
    obligation_id: int | None = None,
) -> Obligations:
    # A duty is seen with its paper: whoever may see the paper (a council member the
    # non-public ones of her committees) sees its duties, in every door alike.
    visible: dict[int, bool] = {}

    def may_see(row: Any) -> bool:
        if row.paper_id not in visible:
            visible[row.paper_id] = papers.may_see_row(
                runtime, connection, actor, row.paper_id, row.paper_public
            )
        return visible[row.paper_id]

    rows = [
        r
        for r in repository.obligations_of(
            connection, runtime.body_id_in(connection), paper_id, obligation_id
        )
        if paper_id is not None or access.may_read_internal(actor) or may_see(r)
    ]
    if obligation_id is not None and not rows:
        raise NotFound("Pflicht", obligation_id)
    done = repository.fulfilments_of(connection, [r.id for r in rows])
    names = measures.names_of(connection, actor, {f.recorded_by_person_id for f in done} - {None})
    today = to_local(runtime.now()).date()
    return Obligations(
        items=[
            ObligationView(
                row=r,
                fulfilments=[f for f in done if f.obligation_id == r.id],
                overdue=bool(r.open and r.due_on < today),
                days=(r.due_on - today).days,
            )
            for r in rows
        ],
        people=names,
    )


def _log(runtime: Runtime, actor: Actor | None, found: Obligations) -> None:
    for paper_id in sorted({o.row.paper_id for o in found.items if not o.row.paper_public}):
        log_read(runtime, actor, "paper", paper_id)


# --- writing -------------------------------------------------------------------------------


def new_obligation(
    runtime: Runtime,
    connection: Connection,
    actor: Actor,
    paper_id: int,
    *,
    title: str,
    description: str | None,
    responsible_role: str,
    due_on: date,
    every_months: int | None,
    fulfilled_by: str | None = None,
) -> int:
    """A duty of a decided paper, with its first due date and rhythm."""
    access.require(actor, "obligation.manage")
    papers.visible_paper(runtime, connection, actor, paper_id)
    problems = texts.problems(TEXTS, {"title": title, "description": description})
    if responsible_role not in DUTY_ROLES:
        problems.append(
            FieldProblem(
                "responsible_role",
                "Zuständig",
                "eine dieser Rollen: " + ", ".join(ROLE_LABELS[r] for r in DUTY_ROLES) + ".",
            )
        )
    if fulfilled_by not in (None, *FULFILLED_BY):
        problems.append(FieldProblem("fulfilled_by", "Erfüllt durch", "unbekannter Anlass."))
    if every_months is not None and not 1 <= every_months <= 60:
        problems.append(FieldProblem("every_months", "Rhythmus", "1 bis 60 Monate."))
    rules.raise_problems(problems)
    return insert_obligation(
        runtime,
        connection,
        actor,
        paper_id=paper_id,
        title=title.strip(),
        description=(description or "").strip() or None,
        responsible_role=responsible_role,
        due_on=due_on,
        every_months=every_months,
        fulfilled_by=fulfilled_by,
    )


def insert_obligation(
    runtime: Runtime,
    connection: Connection,
    actor: Actor,
    *,
    paper_id: int,
    title: str,
    description: str | None,
    responsible_role: str,
    due_on: date,
    every_months: int | None,
    fulfilled_by: str | None = None,
) -> int:
    """Inserts an obligation with its deadline, audited; checks nothing (demo, tests)."""
    now = runtime.now()
    body_id = runtime.body_id_in(connection)
    obligation_id = insert_audited(
        connection,
        runtime.chain_key,
        obligation_table,
        {
            "body_id": body_id,
            "paper_id": paper_id,
            "title": title,
            "description": description,
            "responsible_role": responsible_role,
            "due_on": due_on,
            "every_months": every_months,
            "fulfilled_by": fulfilled_by,
            "open": True,
            "created_at": now,
        },
        actor=actor,
        now=now,
        entity_type=ENTITY,
    )
    _start_deadline(connection, body_id, obligation_id, title, due_on, now)
    return obligation_id


def paper_of(runtime: Runtime, connection: Connection, actor: Actor, obligation_id: int) -> int:
    """The paper an obligation belongs to (for a page to return to); hidden like the paper."""
    return int(_visible(runtime, connection, actor, obligation_id).paper_id)


def _visible(runtime: Runtime, connection: Connection, actor: Actor, obligation_id: int) -> Any:
    """The body's obligation if the caller may see its paper; else not found, like a wrong id."""
    row = repository.obligation(connection, obligation_id, runtime.body_id_in(connection))
    if row is None:
        raise NotFound("Pflicht", obligation_id)
    papers.visible_paper(runtime, connection, actor, row.paper_id)
    return row


def fulfil_obligation(
    runtime: Runtime,
    connection: Connection,
    actor: Actor,
    obligation_id: int,
    *,
    reference: str,
    fulfilled_on: date | None = None,
    note: str | None = None,
) -> int:
    """Records that the duty due now was met, with the reference that proves it; a recurring
    duty rolls on to its next due date, a one-off closes. Returns the fulfilment's id."""
    access.require(actor, "obligation.fulfil")
    today = to_local(runtime.now()).date()
    fulfilled_on = fulfilled_on or today
    problems = texts.problems(FULFILMENT_TEXTS, {"reference": reference, "note": note})
    if fulfilled_on > today:
        problems.append(
            FieldProblem("fulfilled_on", "Erfüllt am", "darf nicht in der Zukunft liegen.")
        )
    rules.raise_problems(problems)
    row = _visible(runtime, connection, actor, obligation_id)
    if row.fulfilled_by:
        raise Conflict(
            "pflicht-von-selbst",
            "Pflicht wird nicht von Hand erfüllt",
            f"Die Pflicht „{row.title}“ erfüllt die {FULFILLED_BY[row.fulfilled_by]}; "
            "von Hand wird sie nicht vermerkt.",
        )
    return record_fulfilment(
        runtime,
        connection,
        actor,
        row,
        reference=reference.strip(),
        fulfilled_on=fulfilled_on,
        note=(note or "").strip() or None,
    )


def record_fulfilment(
    runtime: Runtime,
    connection: Connection,
    actor: Actor,
    row: Any,
    *,
    reference: str,
    fulfilled_on: date,
    note: str | None = None,
) -> int:
    """The fulfilment of an obligation read by the caller; checks only that it is open
    (for the demo and for a use case that met the duty itself, such as a Kenntnisnahme)."""
    if not row.open:
        raise Conflict(
            "pflicht-erledigt",
            "Pflicht bereits erfüllt",
            f"Die Pflicht „{row.title}“ ist erfüllt und abgeschlossen.",
        )
    now = runtime.now()
    fulfilment_id = insert_audited(
        connection,
        runtime.chain_key,
        fulfilment_table,
        {
            "body_id": row.body_id,
            "obligation_id": row.id,
            "due_on": row.due_on,
            "fulfilled_on": fulfilled_on,
            "reference": reference,
            "note": note,
            "recorded_by_user_id": actor.user_id,
            "recorded_by_person_id": actor.person_id,
            "recorded_at": now,
        },
        actor=actor,
        now=now,
        entity_type="obligation_fulfilment",
        persons=[actor.person_id],
    )
    deadlines.close_of(connection, ENTITY, row.id, now)
    if row.every_months is None:
        changes: dict[str, Any] = {"open": False}
    else:
        changes = {"due_on": next_due(row.due_on, row.every_months)}
    # The due date in the condition: of two fulfilments at once, only one rolls the duty on.
    if not update_audited(
        connection,
        runtime.chain_key,
        obligation_table,
        row.id,
        changes,
        actor=actor,
        now=now,
        entity_type=ENTITY,
        condition=(obligation_table.c.due_on == row.due_on) & obligation_table.c.open.is_(True),
        action="obligation.fulfil",
    ):
        raise Conflict(
            "pflicht-geaendert",
            "Pflicht inzwischen geändert",
            "Die Pflicht wurde inzwischen anderweitig als erfüllt vermerkt; bitte neu laden.",
        )
    if row.every_months is not None:
        _start_deadline(connection, row.body_id, row.id, row.title, changes["due_on"], now)
    return fulfilment_id


def next_due(due_on: date, months: int) -> date:
    """The same day ``months`` later (the month's last day where it is shorter)."""
    moment = Duration(months=months).add_to(local_day_at(due_on, time(12, 0)))
    return to_local(moment).date()


def _start_deadline(
    connection: Connection,
    body_id: int,
    obligation_id: int,
    title: str,
    due_on: date,
    now: datetime,
) -> None:
    # A duty due on a weekend or holiday can be met on the next working day.
    day = due_on if is_working_day(due_on) else next_working_day(due_on)
    deadlines.start(
        connection,
        body_id,
        ENTITY,
        obligation_id,
        DEADLINE,
        title[:300],
        local_day_at(day, DUE_TIME),
        now,
    )
