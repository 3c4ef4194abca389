"""What the demo city lacks for a task of each role, made through the services: each call
makes a fresh item, so a test (or a browser walk at each width) has a task of its own."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from service.auth.service import actor_for
from service.committees.meetings import add_agenda_item, new_meeting
from service.deadlines.repository import start
from service.measures.service import fire, get_measure
from service.papers import service as paper_service
from service.papers.consultations import insert_consultation
from service.papers.models import Paper
from service.runtime import Runtime
from tests import factories

FVA = 3  # the demo's Finanz- und Verwaltungsausschuss
papers = Paper.__table__  # type: ignore[attr-defined]


def _code(runtime: Runtime, measure_id: int) -> str:
    with runtime.read() as c:
        return str(get_measure(c, measure_id).code)


def person_of(runtime: Runtime, username: str) -> int:
    with runtime.read() as c:
        found = actor_for(c, username).person_id
    assert found is not None
    return found


def draft(runtime: Runtime, username: str = "ag.mitglied", **overrides: Any) -> str:
    """A complete draft the user's person is responsible for; its code."""
    measure_id = factories.measure(
        runtime, responsible_person_id=person_of(runtime, username), **overrides
    )
    return _code(runtime, measure_id)


def in_review(runtime: Runtime, **flags: bool) -> int:
    """A measure the AG lead submitted to the AG review, with these flags set."""
    measure_id = factories.measure(runtime, fields=flags, title="Digitale Bauakte")
    with runtime.write() as c:
        fire(runtime, c, actor_for(c, "ag.leitung"), measure_id, "einreichen")
    return measure_id


def review(runtime: Runtime) -> str:
    """A measure in AG review that needs no statement: the AG lead can pass it on."""
    return _code(runtime, in_review(runtime))


def statement_asked(runtime: Runtime, kind: str) -> str:
    """A measure in AG review that asks for a statement of ``kind`` (one kind only)."""
    flag = {
        "datenschutz": "personenbezogen",
        "informationssicherheit": "sicherheitsrelevant",
        "personalrat": "personalwirksam",
    }[kind]
    return _code(runtime, in_review(runtime, **{flag: True}))


def rejected(runtime: Runtime) -> str:
    """A measure in AG review with an "ablehnend" DSB statement not weighed yet."""
    measure_id = in_review(runtime, personenbezogen=True)
    factories.statement(runtime, measure_id, "datenschutz", outcome="ablehnend")
    return _code(runtime, measure_id)


def budget(runtime: Runtime) -> str:
    """A measure in Haushaltsplanung: deferred by the AG, planned again by the Kämmerei."""
    measure_id = in_review(runtime)
    later = (runtime.now() + timedelta(days=90)).date().isoformat()
    with runtime.write() as c:
        fire(
            runtime,
            c,
            actor_for(c, "ag.leitung"),
            measure_id,
            "zurueckstellen",
            data={"wiedervorlage_am": later},
            comment="Haushaltsmittel fehlen noch",
        )
        fire(runtime, c, actor_for(c, "kaemmerei"), measure_id, "erneut_planen")
    return _code(runtime, measure_id)


def past_session(runtime: Runtime, days_ago: int = 1) -> int:
    """A session of the FVA that took place ``days_ago`` days ago, attendance not recorded."""
    with runtime.write() as c:
        return new_meeting(
            runtime,
            c,
            actor_for(c, "sitzungsdienst"),
            committee_id=FVA,
            starts_at=runtime.now() - timedelta(days=days_ago),
        )


def coming_session(runtime: Runtime, days: int = 14) -> int:
    with runtime.write() as c:
        return new_meeting(
            runtime,
            c,
            actor_for(c, "sitzungsdienst"),
            committee_id=FVA,
            starts_at=runtime.now() + timedelta(days=days),
        )


def vote_due(runtime: Runtime, *, public: bool = True) -> tuple[int, str]:
    """A paper whose FVA step sits on yesterday's session without a result: the meeting and
    the paper's reference."""
    meeting_id = past_session(runtime)
    with runtime.write() as c:
        paper_id = factories.paper(runtime, c, public=public, body_id=runtime.body_id_in(c))
        insert_consultation(
            runtime,
            c,
            actor_for(c, "sitzungsdienst"),
            paper_id=paper_id,
            position=1,
            committee_id=FVA,
            role="vorberatung",
            meeting_id=meeting_id,
        )
        reference = c.execute(select(papers.c.reference).where(papers.c.id == paper_id)).scalar()
    return meeting_id, str(reference)


def agenda_vote_due(runtime: Runtime) -> tuple[int, int, str, str]:
    """A paper carrying a measure, in the FVA's Vorberatung: its step on yesterday's session
    and on that session's agenda as TOP 1, the vote not recorded yet. The meeting, the
    step (consultation), the paper's reference and the measure's code."""
    measure_id = in_review(runtime)
    meeting_id = past_session(runtime)
    yesterday = (runtime.now() - timedelta(days=1)).date()
    with runtime.write() as c:
        paper_id = factories.paper(
            runtime,
            c,
            measure_ids=[measure_id],
            title="Einführung der digitalen Bauakte",
            body_id=runtime.body_id_in(c),
        )
        office = actor_for(c, "sitzungsdienst")
        step = insert_consultation(
            runtime,
            c,
            office,
            paper_id=paper_id,
            position=1,
            committee_id=FVA,
            role="vorberatung",
            planned_on=yesterday,
        )
        paper_service.fire(
            runtime,
            c,
            actor_for(c, "ag.leitung"),
            paper_id,
            "in_vorberatung_geben",
            data={"sitzung_am": yesterday.isoformat()},
        )
        add_agenda_item(
            runtime, c, office, meeting_id, number="1", title=None, public=True, paper_id=paper_id
        )
        reference = c.execute(select(papers.c.reference).where(papers.c.id == paper_id)).scalar()
    return meeting_id, step, str(reference), _code(runtime, measure_id)


def paper_sent(runtime: Runtime, days: int = 14) -> str:
    """A public paper given to the FVA's Vorberatung for a session in ``days`` days: its
    Ladungsfrist, a week before, is new in the Beschlusskontrolle. Its reference."""
    session_day = (runtime.now() + timedelta(days=days)).date()
    with runtime.write() as c:
        paper_id = factories.paper(
            runtime, c, consultations=[(FVA, "vorberatung")], body_id=runtime.body_id_in(c)
        )
        paper_service.fire(
            runtime,
            c,
            actor_for(c, "ag.leitung"),
            paper_id,
            "in_vorberatung_geben",
            data={"sitzung_am": session_day.isoformat()},
        )
        reference = c.execute(select(papers.c.reference).where(papers.c.id == paper_id)).scalar()
    return str(reference)


def open_deadline(runtime: Runtime, due_in: timedelta, **measure: Any) -> int:
    """A new measure (``measure``: its columns) with an open deadline ``due_in`` from now."""
    measure_id = factories.measure(runtime, **measure)
    with runtime.write() as c:
        now = runtime.now()
        start(c, runtime.body_id, "measure", measure_id, "frist", "Frist", now + due_in, now)
    return measure_id
