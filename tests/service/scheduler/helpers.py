"""Small builders for scheduler tests: people with e-mail, roles, a measure under review."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from service.deadlines.models import Deadline
from service.measures.service import fire
from service.outbox.models import OutboxMessage
from service.outbox.service import Mail
from service.runtime import Runtime
from tests import factories

BERLIN = ZoneInfo("Europe/Berlin")
outbox = OutboxMessage.__table__  # type: ignore[attr-defined]


def local(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=BERLIN)  # type: ignore[arg-type,misc]


def staff(runtime: Runtime, role: str, name: str) -> int:
    """A person with an e-mail address and a login holding ``role``; returns the person id."""
    person_id = factories.person(
        runtime, given_name=name, family_name=role, email=f"{name.lower()}@aschersleben.example"
    )
    factories.user(runtime, role, person_id=person_id)
    return person_id


def city(runtime: Runtime) -> dict[str, int]:
    return {
        "responsible": staff(runtime, "ag_mitglied", "Julia"),
        "lead": staff(runtime, "ag_leitung", "Thomas"),
        "dezernent": staff(runtime, "verwaltungsleitung", "Frank"),
        "office": staff(runtime, "sitzungsdienst", "Claudia"),
    }


def submitted_measure(runtime: Runtime, responsible: int, at: datetime) -> int:
    """A measure submitted to AG review at ``at``: its Frist ag_pruefung starts (6 weeks)."""
    runtime.clock.now = at  # type: ignore[attr-defined]
    measure_id = factories.measure(runtime, responsible_person_id=responsible)
    lead = factories.user(runtime, "ag_leitung", with_person=False)
    with runtime.write() as c:
        fire(runtime, c, lead, measure_id, "einreichen")
    return measure_id


def rows(runtime: Runtime) -> list[Any]:
    with runtime.read() as c:
        return list(c.execute(select(outbox).order_by(outbox.c.id)))


def reminder_mail(
    key: str,
    *,
    to: str = "julia@aschersleben.example",
    subject: str = "Erinnerung: Prüfung in der AG abschließen – M-01 bis 19.02.2024",
) -> Mail:
    """A deadline reminder about M-01 as the sweep writes it, under ``key``."""
    return Mail(
        reminder_key=key,
        kind="frist_erinnerung",
        recipient_email=to,
        subject=subject,
        context={
            "anrede": "Guten Tag Julia Neumann,",
            "vertretung": None,
            "frist": "Prüfung in der AG abschließen",
            "gegenstand": "die Maßnahme M-01 „Einführung der E-Akte“",
            "faellig": datetime(2024, 2, 19, 8, 0, tzinfo=UTC),
            "tage": 7,
            "link": "https://ratsflow.aschersleben.example/massnahmen/1",
        },
    )


def overdue_reviews(
    connection: Connection, body_id: int, measure_ids: Sequence[int], now: datetime
) -> None:
    """An open AG-review deadline for each measure, due two days ago (a reminder is due)."""
    connection.execute(
        insert(Deadline.__table__),  # type: ignore[attr-defined]
        [
            {
                "body_id": body_id,
                "entity_type": "measure",
                "entity_id": measure_id,
                "name": "ag_pruefung",
                "label": "Prüfung in der AG abschließen",
                "due_at": now - timedelta(days=2),
                "open": True,
                "created_at": now - timedelta(days=44),
            }
            for measure_id in measure_ids
        ],
    )
