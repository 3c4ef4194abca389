"""The half-yearly Sachstand round: open the past half-year, ask, remind before the FVA.

By default on 1 January and 1 July the round for the half-year just ended is opened; every
person responsible for a measure in planning or implementation is asked for an update by a
due date. Before the next FVA meeting, those who have not reported progress since the round
opened are reminded once more.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from service.records import hold_chain
from service.runtime import Runtime
from service.scheduler import recipients
from service.scheduler import service as scheduler
from service.scheduler.notify import notify
from service.scheduler.readers import Page
from workflow.calendar import next_working_day, to_local


def past_half_year(now: datetime) -> str:
    """The half-year that ended last before ``now`` (local time): 2024-H1 in July 2024."""
    local = to_local(now)
    return f"{local.year}-H1" if local.month >= 7 else f"{local.year - 1}-H2"


def half_year_label(period: str) -> str:
    year, half = period.split("-")
    return f"{'1.' if half == 'H1' else '2.'} Halbjahr {year}"


def open_round(runtime: Runtime, now: datetime) -> int:
    """Opens the past half-year's round and asks for updates; returns the e-mails written."""
    settings = runtime.settings.schedule
    period = past_half_year(now)
    day = to_local(now).date() + timedelta(days=settings.half_year_update_days)
    due_on = next_working_day(day, runtime.body.land)
    with runtime.write() as connection:
        # The chain lock before the first change: see service.records.
        hold_chain(connection, runtime.chain_key)
        round_ = scheduler.open_status_round(
            runtime, connection, period, due_on, settings.half_year_fva_committee, now
        )
        written = 0
        lead = recipients.Contacts(runtime, connection, "measure")
        for m in scheduler.measures_in(connection, runtime.body_id, settings.half_year_states):
            if m.responsible_person_id is None:
                continue
            written += notify(
                runtime,
                connection,
                recipients.resolve(connection, m.responsible_person_id, now),
                key=f"sachstand:{period}/measure:{m.id}/abfrage",
                kind="sachstand_abfrage",
                subject=f"Sachstand {half_year_label(period)}: {m.code} {m.title}",
                context={
                    "zeitraum": half_year_label(period),
                    "gegenstand": f"der Maßnahme {m.code} „{m.title}“",
                    "zustand": _state_label(runtime, m.state),
                    "bis": round_.update_due_on,
                    "link": Page("measure", m.id, m.public),
                },
                now=now,
                entity=("measure", m.id),
                contacts=lead,
            )
    return written


def remind_before_fva(runtime: Runtime, now: datetime) -> int:
    """Daily: in the days before the round's FVA meeting, reminds those still silent."""
    settings = runtime.settings.schedule
    written = 0
    with runtime.write() as connection:
        hold_chain(connection, runtime.chain_key)
        fva_slug = settings.half_year_fva_committee
        lead = recipients.Contacts(runtime, connection, "measure")
        for round_, meeting in scheduler.rounds_before_fva(connection, fva_slug, runtime.body_id):
            if meeting is None or meeting.starts_at <= now:
                continue
            today = to_local(now).date()
            meeting_day = to_local(meeting.starts_at).date()
            if today < meeting_day - timedelta(days=settings.half_year_fva_reminder_days):
                continue
            for m in scheduler.measures_in(connection, runtime.body_id, settings.half_year_states):
                reported = scheduler.last_progress_report(connection, m.id)
                if m.responsible_person_id is None or (
                    reported is not None and reported >= round_.opened_at
                ):
                    continue
                written += notify(
                    runtime,
                    connection,
                    recipients.resolve(connection, m.responsible_person_id, now),
                    key=f"sachstand:{round_.period}/measure:{m.id}/fva-erinnerung",
                    kind="sachstand_erinnerung",
                    subject=f"Erinnerung Sachstand {half_year_label(round_.period)}: {m.code}",
                    context={
                        "zeitraum": half_year_label(round_.period),
                        "gegenstand": f"der Maßnahme {m.code} „{m.title}“",
                        "sitzung": meeting.starts_at,
                        "bis": min(round_.update_due_on, meeting_day - timedelta(days=1)),
                        "link": Page("measure", m.id, m.public),
                    },
                    now=now,
                    entity=("measure", m.id),
                    contacts=lead,
                )
            scheduler.mark_fva_reminded(connection, runtime.body_id, round_.period, now)
    return written


def _state_label(runtime: Runtime, state: str) -> str:
    states = runtime.registry.latest("massnahme").spec.states
    return states[state].label if state in states else state
