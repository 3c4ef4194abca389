"""The deadline sweep: finds reminders that are due and writes them to the outbox.

Two indexed reads bound the work by what is due: deadlines not yet seen by the sweep (new
since the last run) and deadlines whose next reminder moment has come. The outbox rows
and the deadline's next moment are written in one transaction, so a crash either leaves
both or neither, and the outbox's UNIQUE reminder key makes a repeated sweep harmless.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection

from service.access import ROLE_LABELS
from service.bodies.service import all_profiles
from service.deadlines import service as deadlines
from service.runtime import Runtime
from service.scheduler import recipients
from service.scheduler import service as scheduler
from service.scheduler.notify import notify
from service.scheduler.readers import Page
from service.scheduler.reminders import RESPONSIBLE, Stage, due_now, next_moment, schedule
from service.scheduler.service import RemindedItem
from workflow.calendar import to_local

BATCH = 500
ESCALATION_LABELS = {
    "ag_leitung": "Leitung der AG",
    "verwaltungsleitung": "Verwaltungsleitung (Dezernent)",
    "sitzungsdienst": "Sitzungsdienst",
}


def sweep(runtime: Runtime, now: datetime) -> int:
    """Plans new deadlines and writes every due reminder, of every body; returns how many
    rows are new. Each reminder is written in the view of its item's body: it goes to that
    body's people, from that body's outbox."""
    written = 0
    while True:
        with runtime.write() as connection:
            views = {p.id: runtime.for_body(p.slug) for p in all_profiles(connection)}
            fresh = deadlines.unplanned(connection, BATCH)
            for row in fresh:
                _plan(runtime, connection, row)
            due = deadlines.reminder_due(connection, now, BATCH)
            for row in due:
                written += _remind(runtime, connection, row, now, views)
        if len(fresh) < BATCH and len(due) < BATCH:
            return written


def _plan(runtime: Runtime, connection: Connection, row: Any) -> None:
    settings = runtime.settings.schedule
    timed = schedule(settings, row.name, row.due_at)
    first = timed[0][1] if timed and row.open else None
    deadlines.plan_reminders(connection, row.id, first)


def _remind(
    runtime: Runtime,
    connection: Connection,
    row: Any,
    now: datetime,
    views: dict[int, Runtime],
) -> int:
    if not row.open:
        deadlines.plan_reminders(connection, row.id, None)
        return 0
    timed = schedule(runtime.settings.schedule, row.name, row.due_at)
    written = 0
    item = scheduler.reminded_item(connection, row.entity_type, row.entity_id)
    if item is not None:
        view = views.get(item.body_id, runtime)
        for stage in due_now(timed, row.next_reminder_at, now, row.due_at):
            written += _send_stage(view, connection, row, item, stage, now)
    deadlines.plan_reminders(connection, row.id, next_moment(timed, now))
    return written


def _audience(
    runtime: Runtime,
    connection: Connection,
    row: Any,
    item: RemindedItem,
    who: str,
    now: datetime,
) -> list[recipients.Recipient]:
    settings = runtime.settings.schedule
    if who == RESPONSIBLE:
        if item.responsible is not None:
            return recipients.resolve(connection, item.responsible, now)
        role = item.role or (
            settings.paper_reminder_role
            if row.entity_type == "paper"
            else settings.escalation_roles[0]
        )
        return recipients.describe(
            connection, recipients.role_holders(connection, role, item.body_id)
        )
    return recipients.describe(connection, recipients.role_holders(connection, who, item.body_id))


def _send_stage(
    runtime: Runtime,
    connection: Connection,
    row: Any,
    item: RemindedItem,
    stage: Stage,
    now: datetime,
) -> int:
    people: dict[int, recipients.Recipient] = {}
    for who in stage.audience:
        for r in _audience(runtime, connection, row, item, who, now):
            people.setdefault(r.person_id, r)
    due_day = row.due_at
    # The days between today and the due date, as they are when the mail goes out: a
    # deadline started late (a decision replayed long after its session) or a scheduler
    # that was down may send a stage days after its moment.
    days = abs((to_local(row.due_at).date() - to_local(now).date()).days)
    if stage.kind == "frist_erinnerung":
        subject = f"Erinnerung: {row.label} – {item.subject} bis {_day(due_day)}"
    elif stage.kind == "wiedervorlage":
        subject = f"Wiedervorlage fällig: {item.title}"
    else:
        subject = f"Frist überschritten: {row.label} – {item.subject}"
    responsible = "nicht benannt"
    if item.responsible is not None:
        named = recipients.describe(connection, [item.responsible])
        responsible = named[0].name if named else responsible
    elif item.role is not None:
        responsible = ROLE_LABELS.get(item.role, item.role)
    elif row.entity_type == "paper":
        responsible = ESCALATION_LABELS.get(runtime.settings.schedule.paper_reminder_role, "")
    entity_type, entity_id = item.link or (row.entity_type, row.entity_id)
    context = {
        "frist": row.label,
        "gegenstand": item.gegenstand,
        "faellig": row.due_at,
        "tage": days,
        "zustaendig": responsible,
        "stufe": ESCALATION_LABELS.get(stage.audience[0], stage.audience[0]),
        "link": Page(entity_type, entity_id, item.public),
    }
    return notify(
        runtime,
        connection,
        people.values(),
        key=f"{row.entity_type}:{row.entity_id}/frist:{row.id}/{stage.name}",
        kind=stage.kind,
        subject=subject,
        context=context,
        now=now,
        entity=(row.entity_type, row.entity_id),
        contacts=recipients.Contacts(runtime, connection, entity_type),
    )


def _day(moment: datetime) -> str:
    return f"{to_local(moment):%d.%m.%Y}"
