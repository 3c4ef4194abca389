"""Loads the demo city by replaying its history through the real services.

Every step runs at the date it happened (the clock is stepped), so histories, deadlines and
the audit trail look exactly as they would had ratsflow been in use since 2022.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.engine import Connection

from service.actor import SYSTEM, Actor
from service.attachments import service as attachments
from service.auth.service import actor_for, create_user
from service.auth.tokens import hash_password
from service.bodies.models import Body
from service.budget import service as budget
from service.committees import service as committees
from service.demo import data
from service.demo.working_paper import FILENAME, working_paper_pdf
from service.measures import service as measures
from service.milestones import service as milestones
from service.papers import service as papers
from service.people.service import create_person
from service.programmes import service as programmes
from service.runtime import Runtime
from service.statements import service as statements
from workflow.calendar import local_day_at

bodies = Body.__table__  # type: ignore[attr-defined]
# Printed by ``demo load``; a demo database is for trying ratsflow out, never for real data.
DEMO_PASSWORD = "ratsflow-demo"


@dataclass(frozen=True)
class DemoResult:
    loaded: bool
    message: str
    users: tuple[tuple[str, str, tuple[str, ...]], ...] = ()


def _at(day: str, hour: int = 10) -> datetime:
    return local_day_at(date.fromisoformat(day), time(hour, 0))


class _SteppedClock:
    def __init__(self, real: Runtime) -> None:
        self.real = real
        self.moment = real.now()

    def __call__(self) -> datetime:
        return self.moment

    def set(self, moment: datetime) -> None:
        self.moment = min(moment, self.real.now())


def load_demo(runtime: Runtime, first_start: bool = False, city_only: bool = False) -> DemoResult:
    """Idempotent: loads nothing when the paper exists; with ``first_start`` nothing when
    the database already holds a city (so a real city's data never gets demo rows).

    ``city_only`` loads the city without its history: persons, logins, committees and
    memberships, so that the paper can be replayed from the start (through the API, say)."""
    with runtime.read() as connection:
        has_body = connection.execute(select(bodies.c.id).limit(1)).first() is not None
        reference = str(data.PAPER["reference"])
        has_paper = papers.paper_by_reference(connection, reference) is not None
    if has_paper or ((first_start or city_only) and has_body):
        return DemoResult(False, "Demodaten sind bereits geladen.", _user_list())
    clock = _SteppedClock(runtime)
    replay = Runtime(runtime.settings, runtime.engine, clock)
    with replay.write() as connection:
        _load(replay, clock, connection, city_only)
    if city_only:
        return DemoResult(True, "Stadt Aschersleben ohne Vorgänge geladen.", _user_list())
    return DemoResult(True, "Demodaten der Stadt Aschersleben geladen.", _user_list())


def _user_list() -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    return tuple(
        (p.username, f"{p.given_name} {p.family_name} ({p.function})", p.roles)
        for p in data.STAFF
        if p.username
    )


def _load(rt: Runtime, clock: _SteppedClock, c: Connection, city_only: bool = False) -> None:
    clock.set(_at("2022-09-01", 9))
    body_id = c.execute(
        bodies.insert().returning(bodies.c.id),
        {"slug": rt.chain_key, "name": "Stadt Aschersleben"},
    ).scalar_one()
    person: dict[str, int] = {}
    password_hash = hash_password(DEMO_PASSWORD)
    for p in [*data.STAFF, *data.COUNCIL]:
        person[p.key] = create_person(
            rt,
            c,
            SYSTEM,
            body_id=body_id,
            given_name=p.given_name,
            family_name=p.family_name,
            function=p.function,
            is_staff=p.is_staff,
            title=p.title,
            email=f"{p.given_name[0].lower()}.{p.family_name.lower()}@aschersleben.example",
        )
    for p in data.STAFF:
        if p.username:
            create_user(
                rt,
                c,
                SYSTEM,
                username=p.username,
                roles=list(p.roles),
                person_id=person[p.key],
                password_hash=password_hash,
            )

    def committee(
        slug: str,
        name: str,
        short: str,
        kind: str,
        members: list[str],
        voting: bool = True,
        cycle: str | None = None,
    ) -> int:
        committee_id = committees.create_committee(
            rt,
            c,
            SYSTEM,
            body_id=body_id,
            slug=slug,
            name=name,
            short_name=short,
            kind=kind,
            vote_rules={},
            meeting_cycle=cycle,
        )
        for key in members:
            committees.add_membership(
                rt,
                c,
                SYSTEM,
                person_id=person[key],
                committee_id=committee_id,
                role="vorsitz" if key in ("amt21", "ob") else "mitglied",
                voting_right=voting,
                valid_from=date(2022, 9, 1),
            )
        return committee_id

    committee(
        "ag-digitalisierung",
        "AG „Digitalisierung der Verwaltung“",
        "AG Digi",
        "ag",
        data.AG_MEMBERS,
        cycle="P14D",
    )
    committee(
        "gemeinsame-ag-beratung",
        "Gemeinsame AG-Beratung",
        "Gem. AG",
        "gemeinsame_beratung",
        data.AG_MEMBERS + data.JOINT_EXTRA,
        voting=False,
        cycle="P3M",
    )
    fva = committee("fva", "Finanz- und Verwaltungsausschuss", "FVA", "ausschuss", data.FVA_MEMBERS)
    rat = committee("stadtrat", "Stadtrat", "SR", "rat", data.STADTRAT_MEMBERS)
    if city_only:
        return

    def user(name: str) -> Actor:
        return actor_for(c, name)

    lead, member, dsb = user("ag.leitung"), user("ag.mitglied"), user("datenschutz")
    session, treasury = user("sitzungsdienst"), user("kaemmerei")
    by_kind = {
        "datenschutz": dsb,
        "informationssicherheit": user("informationssicherheit"),
        "personalrat": user("personalrat"),
    }

    clock.set(_at("2023-09-04"))
    programme = programmes.insert_programme(
        rt,
        c,
        lead,
        body_id=body_id,
        title=data.PAPER["title"],
        description="Arbeitspapier der AG „Digitalisierung der Verwaltung“ mit den Maßnahmen "
        "für die Kernverwaltung. Für Eigenbetriebe, AKA und Stadtwerke folgt ein gesondertes "
        "Papier.",
        owner_person_id=person["amt21"],
        review_cycle="P6M",
    )
    ids: dict[str, int] = {}
    for i, m in enumerate(data.MEASURES):
        clock.set(_at("2023-10-02").replace(minute=i))
        ids[m.code] = measures.insert_measure(
            rt,
            c,
            lead,
            programme_id=programme,
            code=m.code,
            title=m.title,
            description=m.description,
            responsible_person_id=person[m.responsible],
            public=m.public,
            fields=m.fields,
        )
        clock.set(_at("2023-11-06").replace(minute=i))
        measures.fire(rt, c, lead, ids[m.code], "einreichen")
    for i, m in enumerate(data.MEASURES):
        for j, (kind, outcome) in enumerate(m.statements):
            clock.set(_at("2024-01-15").replace(minute=i * 3 + j))
            statements.insert_statement(
                rt,
                c,
                by_kind[kind],
                measure_id=ids[m.code],
                kind=kind,
                outcome=outcome,
                given_on=date(2024, 1, 15),
                text=_STATEMENT_TEXT[outcome],
            )

    clock.set(_at("2024-01-29"))
    paper = papers.create_paper(rt, c, session, body_id=body_id, **data.PAPER)
    papers.carry_measures(rt, c, session, paper, list(ids.values()))
    attachments.attach(
        rt, c, session, "paper", paper, filename=FILENAME, content=working_paper_pdf()
    )
    fva_meeting = committees.create_meeting(
        rt,
        c,
        session,
        committee_id=fva,
        starts_at=_at("2024-02-21", 17),
        location="Rathaus, Ratssaal",
    )
    rat_meeting = committees.create_meeting(
        rt,
        c,
        session,
        committee_id=rat,
        starts_at=_at("2024-02-28", 18),
        location="Rathaus, Ratssaal",
    )
    papers.add_consultation(
        rt,
        c,
        session,
        paper_id=paper,
        position=1,
        committee_id=fva,
        meeting_id=fva_meeting,
        role="vorberatung",
        planned_on=date(2024, 2, 21),
    )
    papers.add_consultation(
        rt,
        c,
        session,
        paper_id=paper,
        position=2,
        committee_id=rat,
        meeting_id=rat_meeting,
        role="entscheidung",
        planned_on=date(2024, 2, 28),
    )
    clock.set(_at("2024-02-01"))
    rt.lifecycle.fire(
        c,
        "paper",
        paper,
        "in_vorberatung_geben",
        actor=lead,
        now=rt.now(),
        data={"sitzung_am": "2024-02-21"},
    )
    clock.set(_at("2024-02-21", 18))
    fva_present = tuple(person[k] for k in data.FVA_MEMBERS[:9])
    papers.record_vote(
        rt,
        c,
        session,
        paper,
        papers.VoteRequest(
            committee_slug="fva",
            held_on=date(2024, 2, 21),
            yes=9,
            no=0,
            abstain=0,
            present_person_ids=fva_present,
            resolution_number="FVA/0123/24",
        ),
    )
    clock.set(_at("2024-02-28", 19))
    papers.record_vote(
        rt,
        c,
        session,
        paper,
        papers.VoteRequest(
            committee_slug="stadtrat",
            held_on=date(2024, 2, 28),
            unanimous=True,
            resolution_number="SR/0456/24",
            comment="Einstimmig bestätigt.",
        ),
    )

    for i, m in enumerate(data.MEASURES):
        when = "2024-04-15" if m.budget_year == 2024 else "2024-10-14"
        clock.set(_at(when).replace(minute=i))
        if m.budget_year >= 2026:
            measures.fire(
                rt,
                c,
                treasury,
                ids[m.code],
                "nicht_finanzieren",
                data={"wiedervorlage_am": "2025-09-01"},
                comment="Keine Mittel im Haushalt 2025; erneut für 2026 prüfen.",
            )
            continue
        once = Decimal(m.fields["kosten_einmalig"])
        yearly = Decimal(m.fields["kosten_laufend"])
        measures.fire(
            rt,
            c,
            treasury,
            ids[m.code],
            "finanzieren",
            data={
                "haushaltsjahr": m.budget_year,
                "betrag_einmalig": once,
                "betrag_laufend": yearly,
                "produktkonto": "11.1.04 / 783100",
                "zieldatum": f"{m.budget_year + 1}-12-31",
            },
        )
        budget.insert_line(
            rt,
            c,
            treasury,
            measure_id=ids[m.code],
            fiscal_year=m.budget_year,
            product_account="11.1.04 / 783100",
            one_off_planned=once,
            recurring_planned=yearly,
            approved=once + yearly,
            spent=(once + yearly) * Decimal(m.progress or 0) / 100,
        )
        for title, due, done in m.milestones:
            milestones.insert_milestone(
                rt,
                c,
                lead,
                measure_id=ids[m.code],
                title=title,
                due_on=date.fromisoformat(due),
                done_on=date.fromisoformat(done) if done else None,
            )
        for step, progress in enumerate(_progress_steps(m.progress)):
            clock.set(_at(_REPORT_DAYS[m.budget_year][step]))
            actor = member if m.responsible == "digi" else lead
            measures.fire(
                rt, c, actor, ids[m.code], "fortschritt_melden", data={"fortschritt": progress}
            )
        if m.finished:
            clock.set(_at("2024-12-16"))
            measures.fire(
                rt,
                c,
                lead,
                ids[m.code],
                "abschliessen",
                data={
                    "abschlussvermerk": "E-Rechnungen werden seit 01.12.2024 "
                    "vollständig elektronisch verarbeitet."
                },
            )
    clock.set(_at("2025-09-01"))
    measures.fire(
        rt,
        c,
        treasury,
        ids["M-07"],
        "erneut_planen",
        comment="Wiedervorlage: für den Haushalt 2026 angemeldet.",
    )
    clock.set(datetime.now(UTC))
    draft = data.DRAFT
    measures.insert_measure(
        rt,
        c,
        member,
        programme_id=programme,
        code=draft.code,
        title=draft.title,
        description=draft.description,
        responsible_person_id=person[draft.responsible],
        fields=draft.fields,
    )


_STATEMENT_TEXT = {
    "zustimmend": "Keine Bedenken.",
    "mit_auflagen": "Zustimmung unter Auflagen: Verarbeitungsverzeichnis und Löschkonzept "
    "vorlegen.",
}
_REPORT_DAYS = {
    2024: ("2024-06-03", "2024-09-02", "2024-11-04"),
    2025: ("2025-03-03", "2025-09-01", "2026-06-01"),
}


def _progress_steps(final: int | None) -> list[int]:
    if not final:
        return []
    return sorted({max(10, final // 3), max(10, (2 * final) // 3), final})
