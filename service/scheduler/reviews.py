"""Review cycles: the 14-day AG agenda, the quarterly joint session, the paper's review."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from service.deadlines import service as deadlines
from service.runtime import Runtime
from service.scheduler import cycles, recipients
from service.scheduler import service as scheduler
from service.scheduler.notify import notify
from service.scheduler.readers import Page
from workflow.calendar import Duration, to_local

# Which statement each flag on a measure calls for (see the guards of an_fva_uebergeben).
STATEMENT_FLAGS = {
    "datenschutz": "personenbezogen",
    "informationssicherheit": "sicherheitsrelevant",
    "personalrat": "personalwirksam",
}
BEFORE_FVA = ("entwurf", "ag_pruefung")


def _entry(m: Any, note: str | None = None) -> dict[str, Any]:
    return {
        "code": m.code,
        "titel": m.title,
        "hinweis": note,
        "link": Page("measure", m.id, m.public),
    }


def ag_agenda(runtime: Runtime, now: datetime) -> int:
    """In each AG week (the committee's ``meeting_cycle``, counted from the anchor), mails
    the members an agenda: measures in AG review, overdue deadlines, new drafts, deferred
    measures coming back."""
    settings = runtime.settings.schedule
    today = to_local(now).date()
    week = today - timedelta(days=today.weekday())
    with runtime.write() as connection:
        committee = scheduler.committee(connection, settings.ag_committee, runtime.body_id)
        if committee is None or not cycles.is_cycle_week(
            week, settings.ag_cycle_anchor, committee.meeting_cycle
        ):
            return 0
        cycle = timedelta(weeks=cycles.cycle_weeks(committee.meeting_cycle))
        review = [
            _entry(m) for m in scheduler.measures_in(connection, runtime.body_id, ["ag_pruefung"])
        ]
        since = now - cycle
        drafts = [
            _entry(m)
            for m in scheduler.measures_in(connection, runtime.body_id, ["entwurf"])
            if m.created_at >= since
        ]
        overdue = []
        for d in deadlines.open_overdue(connection, now):
            if d.entity_type != "measure" or d.name == "wiedervorlage":
                continue
            m = scheduler.measure(connection, d.entity_id)
            if m is None or m.body_id != runtime.body_id:
                continue
            overdue.append(_entry(m, f"{d.label}, fällig {to_local(d.due_at):%d.%m.%Y}"))
        horizon = now + cycle
        returning = []
        for d in deadlines.open_named_due_before(connection, "wiedervorlage", horizon):
            m = scheduler.measure(connection, d.entity_id)
            if m is None or m.body_id != runtime.body_id:
                continue
            returning.append(_entry(m, f"Wiedervorlage am {to_local(d.due_at):%d.%m.%Y}"))
        people = recipients.describe(
            connection, scheduler.committee_members(connection, committee.id, today)
        )
        return notify(
            runtime,
            connection,
            people,
            key=f"ag-tagesordnung:{week.isoformat()}",
            kind="ag_tagesordnung",
            contacts=recipients.Contacts(runtime, connection, "measure"),
            subject=f"Tagesordnung {committee.short_name}: Woche ab {week:%d.%m.%Y}",
            context={
                "gremium": committee.name,
                "woche": week,
                "pruefung": review,
                "ueberfaellig": overdue,
                "entwuerfe": drafts,
                "wiedervorlagen": returning,
            },
            now=now,
        )


def missing_statements(runtime: Runtime, connection: Any) -> dict[str, list[dict[str, Any]]]:
    """Measures before the FVA whose flags call for a statement that is not there yet."""
    missing = scheduler.missing_statements(connection, runtime.body_id, BEFORE_FVA, STATEMENT_FLAGS)
    return {kind: [_entry(m) for m in rows] for kind, rows in missing.items()}


def joint_session(runtime: Runtime, now: datetime) -> int:
    """At the start of each of its cycles (``meeting_cycle``, e.g. quarterly), reminds the
    joint session's members which statements are still missing."""
    settings = runtime.settings.schedule
    local = to_local(now)
    with runtime.write() as connection:
        committee = scheduler.committee(connection, settings.joint_committee, runtime.body_id)
        if committee is None or not cycles.is_cycle_month(local.month, committee.meeting_cycle):
            return 0
        period = cycles.period_label(local.month, local.year, committee.meeting_cycle)
        missing = missing_statements(runtime, connection)
        people = recipients.describe(
            connection, scheduler.committee_members(connection, committee.id, local.date())
        )
        return notify(
            runtime,
            connection,
            people,
            key=f"gemeinsame-beratung:{local.year}-M{local.month:02d}",
            kind="gemeinsame_beratung",
            contacts=recipients.Contacts(runtime, connection, "measure"),
            subject=f"Gemeinsame AG-Beratung {period}: offene Stellungnahmen",
            context={"quartal": period, **missing},
            now=now,
        )


def programme_review(runtime: Runtime, now: datetime) -> int:
    """Each programme's owner is reminded once per review cycle (e.g. P6M) since it began."""
    local = to_local(now)
    written = 0
    final = [
        name
        for name, state in runtime.registry.latest("massnahme").spec.states.items()
        if state.final
    ]
    with runtime.write() as connection:
        for p, open_, done in scheduler.programmes_with_counts(connection, runtime.body_id, final):
            months = max(Duration.parse(p.review_cycle or "P6M").months, 1)
            start = to_local(p.created_at)
            elapsed = (local.year - start.year) * 12 + local.month - start.month
            if local.day < start.day:
                elapsed -= 1
            cycle = elapsed // months
            if cycle < 1 or p.owner_person_id is None:
                continue
            written += notify(
                runtime,
                connection,
                recipients.resolve(connection, p.owner_person_id, now),
                key=f"programme:{p.id}/ueberpruefung:{cycle}",
                kind="arbeitspapier_ueberpruefung",
                subject=f"Überprüfung des Arbeitspapiers: {p.title}",
                context={
                    "titel": p.title,
                    "zyklus": _cycle_label(months),
                    "offen": open_,
                    "abgeschlossen": done,
                    "link": Page("programme", p.id),
                },
                now=now,
                entity=("programme", p.id),
                contacts=recipients.Contacts(runtime, connection, "programme"),
            )
    return written


def _cycle_label(months: int) -> str:
    return {1: "monatlich", 3: "vierteljährlich", 6: "halbjährlich", 12: "jährlich"}.get(
        months, f"alle {months} Monate"
    )
