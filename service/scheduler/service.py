"""What the scheduler's jobs read and write: a job decides *when*, this module *what*.

The jobs (``deadline_sweep``, ``half_year``, ``reviews``, ``periods``) and the scheduler's
commands take a transaction from the runtime and call the functions here (and those of
``service.deadlines.service``); none of them touches a repository.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.engine import Connection

from service.actor import SYSTEM
from service.audit.service import record
from service.runtime import Runtime
from service.scheduler import repository

# --- job periods ---------------------------------------------------------------------------


def last_period(connection: Connection, job_id: str) -> datetime | None:
    """The latest period the periodic job completed, or None before its first run."""
    return repository.last_period(connection, job_id)


def record_period(connection: Connection, job_id: str, period: datetime, now: datetime) -> None:
    repository.record_period(connection, job_id, period, now)


HEARTBEAT = "scheduler"  # the job_runs row the elected scheduler writes at every tick


def record_run(runtime: Runtime, job_id: str, *, succeeded: bool) -> None:
    """When a job ended, well or badly (``HEARTBEAT``: the scheduler is alive and leads)."""
    with runtime.write() as connection:
        repository.record_run(connection, job_id, runtime.now(), succeeded=succeeded)


def job_runs(connection: Connection) -> list[Any]:
    """Every job's last success and failure (``job_id``, ``succeeded_at``, ``failed_at``)."""
    return repository.job_run_rows(connection)


# --- items the reminders name --------------------------------------------------------------


@dataclass(frozen=True)
class RemindedItem:
    """A measure, paper, statement request or obligation as a reminder names it."""

    title: str
    subject: str
    gegenstand: str
    responsible: int | None
    # The item's body: its reminders go to that body's people, from that body's outbox.
    body_id: int
    # Who acts on it when no person is responsible: a statement request goes to the
    # requested role, an obligation to the role that fulfils it.
    role: str | None = None
    # The page the mail links to, when it is not the item's own (a request: its measure).
    link: tuple[str, int] | None = None
    # Whether that page is public: who has no login may open its public page.
    public: bool = False


def reminded_item(connection: Connection, entity_type: str, entity_id: int) -> RemindedItem | None:
    """The item a deadline belongs to; None if it is gone."""
    if entity_type == "statement_request":
        r = repository.statement_request(connection, entity_id)
        if r is None:
            return None
        return RemindedItem(
            f"{r.code} {r.title}",
            r.code,
            f"die Maßnahme {r.code} „{r.title}“",
            None,
            r.body_id,
            role=r.kind,
            link=("measure", r.measure_id),
            public=bool(r.public),
        )
    if entity_type == "obligation":
        o = repository.obligation(connection, entity_id)
        if o is None:
            return None
        return RemindedItem(
            f"{o.title} ({o.reference})",
            f"Pflicht aus {o.reference}",
            f"die Pflicht aus dem Beschluss {o.reference}: {o.title}",
            None,
            o.body_id,
            role=o.responsible_role,
            link=("paper", o.paper_id),
            public=bool(o.public),
        )
    if entity_type == "measure":
        m = repository.measure(connection, entity_id)
        if m is None:
            return None
        return RemindedItem(
            f"{m.code} {m.title}",
            m.code,
            f"die Maßnahme {m.code} „{m.title}“",
            m.responsible_person_id,
            m.body_id,
            public=bool(m.public),
        )
    p = repository.paper(connection, entity_id)
    if p is None:
        return None
    return RemindedItem(
        f"{p.reference} {p.title}",
        f"Vorlage {p.reference}",
        f"die Vorlage {p.reference} „{p.title}“",
        None,
        p.body_id,
        public=bool(p.public),
    )


def measure(connection: Connection, measure_id: int) -> Any:
    return repository.measure(connection, measure_id)


def measures_in(connection: Connection, body_id: int, states: Sequence[str]) -> list[Any]:
    """The body's measures in any of ``states``, by code."""
    return repository.measures_in(connection, body_id, states)


def missing_statements(
    connection: Connection, body_id: int, states: Sequence[str], flags: Mapping[str, str]
) -> dict[str, list[Any]]:
    """Per statement kind, the body's measures in ``states`` whose flag (``flags[kind]``)
    calls for that statement while none of that kind was given yet."""
    pending = repository.measures_in(connection, body_id, states)
    given = repository.statement_kinds(connection, [m.id for m in pending])
    return {
        kind: [m for m in pending if (m.fields or {}).get(flag) and kind not in given[m.id]]
        for kind, flag in flags.items()
    }


def last_progress_report(connection: Connection, measure_id: int) -> datetime | None:
    return repository.last_progress_report(connection, measure_id)


def programmes_with_counts(
    connection: Connection, body_id: int, final: Sequence[str]
) -> list[tuple[Any, int, int]]:
    """Every programme of the body with its numbers of open and of completed measures."""
    return [
        (p, *repository.programme_counts(connection, p.id, final))
        for p in repository.programmes_all(connection, body_id)
    ]


# --- committees ----------------------------------------------------------------------------


def committee(connection: Connection, slug: str, body_id: int) -> Any:
    """The body's committee with this slug (configured per job), or None."""
    return repository.committee_by_slug(connection, slug, body_id)


def committee_members(connection: Connection, committee_id: int, on: date) -> list[int]:
    return repository.committee_members(connection, committee_id, on)


def everyone_ever_in(connection: Connection, committee_id: int) -> list[int]:
    """Everyone who belongs, belonged or will belong to the committee, whenever."""
    return repository.committee_people(connection, committee_id)


# --- the half-year round -------------------------------------------------------------------


def open_status_round(
    runtime: Runtime,
    connection: Connection,
    period: str,
    due_on: date,
    fva_slug: str,
    now: datetime,
) -> Any:
    """Opens the round of ``period`` once (audited), with the FVA's next meeting; returns it.

    Opening it again (a repeated or caught-up run) changes nothing and writes no event.
    """
    fva = repository.committee_by_slug(connection, fva_slug, runtime.body_id)
    meeting = repository.next_meeting(connection, fva.id, now) if fva else None
    values = {
        "body_id": runtime.body_id,
        "period": period,
        "opened_at": now,
        "update_due_on": due_on,
        "fva_meeting_id": meeting.id if meeting else None,
    }
    if repository.open_round(connection, values):
        record(
            connection,
            runtime.chain_key,
            actor=SYSTEM,
            now=now,
            action="status_round.open",
            entity_type="status_round",
            entity_id=None,
            changes={
                k: (None, str(v)) for k, v in values.items() if v is not None and k != "body_id"
            },
        )
    return repository.get_round(connection, runtime.body_id, period)


def rounds_before_fva(connection: Connection, fva_slug: str, body_id: int) -> list[tuple[Any, Any]]:
    """Rounds whose FVA reminder is still to send, each with its FVA meeting (or None).

    A round opened before the FVA had its next meeting planned takes the first meeting
    after its opening as soon as there is one.
    """
    fva = repository.committee_by_slug(connection, fva_slug, body_id)
    found = []
    for round_ in repository.unreminded_rounds(connection, body_id):
        meeting = None
        if round_.fva_meeting_id is not None:
            meeting = repository.meeting(connection, round_.fva_meeting_id)
        elif fva is not None:
            meeting = repository.next_meeting(connection, fva.id, round_.opened_at)
            if meeting is not None:
                repository.update_round(
                    connection, body_id, round_.period, fva_meeting_id=meeting.id
                )
        found.append((round_, meeting))
    return found


def mark_fva_reminded(connection: Connection, body_id: int, period: str, now: datetime) -> None:
    repository.update_round(connection, body_id, period, fva_reminded_at=now)
