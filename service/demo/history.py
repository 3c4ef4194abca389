"""The demo city's history since 2023: measures, the Vorlage through FVA and Stadtrat,
budgets and progress, replayed through the same services every door uses."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy.engine import Connection

from service.actor import Actor
from service.attachments import service as attachments
from service.auth.service import actor_for
from service.budget import service as budget
from service.committees import meetings
from service.demo import data
from service.demo.city import City
from service.demo.clock import SteppedClock, at
from service.demo.working_paper import FILENAME, working_paper_pdf
from service.measures import service as measures
from service.milestones import service as milestones
from service.obligations import service as obligations
from service.papers import carrying, consultations, votes
from service.papers import service as papers
from service.programmes import service as programmes
from service.runtime import Runtime
from service.statements import service as statements


def replay_history(rt: Runtime, clock: SteppedClock, c: Connection, city: City) -> None:
    def user(name: str) -> Actor:
        return actor_for(c, name, body=rt.chain_key)

    lead, member, dsb = user("ag.leitung"), user("ag.mitglied"), user("datenschutz")
    session, treasury = user("sitzungsdienst"), user("kaemmerei")
    by_kind = {
        "datenschutz": dsb,
        "informationssicherheit": user("informationssicherheit"),
        "personalrat": user("personalrat"),
    }

    clock.set(at("2023-09-04"))
    programme = programmes.insert_programme(
        rt,
        c,
        lead,
        body_id=city.body_id,
        title=data.PAPER["title"],
        description="Arbeitspapier der AG „Digitalisierung der Verwaltung“ mit den Maßnahmen "
        "für die Kernverwaltung. Für Eigenbetriebe, AKA und Stadtwerke folgt ein gesondertes "
        "Papier.",
        owner_person_id=city.person["amt21"],
        review_cycle="P6M",
    )
    ids: dict[str, int] = {}
    for i, m in enumerate(data.MEASURES):
        clock.set(at("2023-10-02").replace(minute=i))
        ids[m.code] = measures.insert_measure(
            rt,
            c,
            lead,
            programme_id=programme,
            code=m.code,
            title=m.title,
            description=m.description,
            responsible_person_id=city.person[m.responsible],
            public=m.public,
            fields=m.fields,
        )
        clock.set(at("2023-11-06").replace(minute=i))
        measures.fire(rt, c, lead, ids[m.code], "einreichen")
    for i, m in enumerate(data.MEASURES):
        for j, (kind, outcome) in enumerate(m.statements):
            clock.set(at("2024-01-15").replace(minute=i * 3 + j))
            statements.insert_statement(
                rt,
                c,
                by_kind[kind],
                measure_id=ids[m.code],
                kind=kind,
                outcome=outcome,
                given_on=date(2024, 1, 15),
                text=_STATEMENT_TEXT[outcome],
                conditions=_CONDITIONS.get(outcome, ()),
            )

    clock.set(at("2024-01-29"))
    paper = papers.new_paper(rt, c, session, **data.PAPER)
    carrying.attach_measures(rt, c, session, paper, list(ids.values()))
    attachments.attach(
        rt, c, session, "paper", paper, filename=FILENAME, content=working_paper_pdf()
    )
    steps = (
        ("fva", "2024-02-21", 17, "vorberatung"),
        ("stadtrat", "2024-02-28", 18, "entscheidung"),
    )
    for position, (slug, day, hour, role) in enumerate(steps, start=1):
        meeting_id = meetings.new_meeting(
            rt,
            c,
            session,
            committee_id=city.committee[slug],
            starts_at=at(day, hour),
            location="Rathaus, Ratssaal",
        )
        consultations.plan_consultation(
            rt,
            c,
            session,
            paper,
            position=position,
            committee_id=city.committee[slug],
            meeting_id=meeting_id,
            role=role,
            planned_on=date.fromisoformat(day),
        )
    clock.set(at("2024-02-01"))
    papers.fire(rt, c, lead, paper, "in_vorberatung_geben", data={"sitzung_am": "2024-02-21"})
    clock.set(at("2024-02-21", 18))
    fva_present = tuple(city.person[k] for k in data.FVA_MEMBERS[:9])
    votes.record_vote(
        rt,
        c,
        session,
        paper,
        votes.VoteRequest(
            committee_slug="fva",
            held_on=date(2024, 2, 21),
            yes=9,
            no=0,
            abstain=0,
            present_person_ids=fva_present,
            resolution_number="FVA/0123/24",
        ),
    )
    clock.set(at("2024-02-28", 19))
    votes.record_vote(
        rt,
        c,
        session,
        paper,
        votes.VoteRequest(
            committee_slug="stadtrat",
            held_on=date(2024, 2, 28),
            unanimous=True,
            resolution_number="SR/0456/24",
            comment="Einstimmig bestätigt.",
            decision_text=data.RESOLUTION,
        ),
    )
    duties = {}
    for i, duty in enumerate(data.OBLIGATIONS):
        clock.set(at("2024-02-29").replace(minute=i))
        duties[duty.key] = obligations.insert_obligation(
            rt,
            c,
            session,
            paper_id=paper,
            title=duty.title,
            description=duty.description,
            responsible_role=duty.role,
            due_on=date.fromisoformat(duty.due_on),
            every_months=duty.every_months,
            fulfilled_by=duty.fulfilled_by,
        )

    for i, m in enumerate(data.MEASURES):
        when = "2024-04-15" if m.budget_year == 2024 else "2024-10-14"
        clock.set(at(when).replace(minute=i))
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
        # The step planned the Haushaltsansatz; the Kämmerei approves and books on it.
        budget.update_line(
            rt,
            c,
            treasury,
            budget.line_of_year(c, ids[m.code], m.budget_year).id,
            {
                "approved": once + yearly,
                "spent": (once + yearly) * Decimal(m.progress or 0) / 100,
            },
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
            clock.set(at(_REPORT_DAYS[m.budget_year][step]))
            actor = member if m.responsible == "digi" else lead
            measures.fire(
                rt, c, actor, ids[m.code], "fortschritt_melden", data={"fortschritt": progress}
            )
        if m.finished:
            clock.set(at("2024-12-16"))
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
    clock.set(at("2024-10-14", 12))
    obligations.fulfil_obligation(
        rt,
        c,
        treasury,
        duties["haushalt"],
        reference="Haushaltsansätze 2025 für M-01, M-02, M-04, M-05, M-06 und M-08 angemeldet",
    )
    clock.set(at("2025-09-01"))
    measures.fire(
        rt,
        c,
        treasury,
        ids["M-07"],
        "erneut_planen",
        comment="Wiedervorlage: für den Haushalt 2026 angemeldet.",
    )
    obligations.fulfil_obligation(
        rt,
        c,
        treasury,
        duties["haushalt"],
        reference="Haushaltsplanung 2026: M-07 erneut angemeldet",
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
        responsible_person_id=city.person[draft.responsible],
        fields=draft.fields,
    )


_STATEMENT_TEXT = {
    "zustimmend": "Keine Bedenken.",
    "mit_auflagen": "Zustimmung unter Auflagen: Verarbeitungsverzeichnis und Löschkonzept "
    "vorlegen.",
}
_CONDITIONS = {
    "mit_auflagen": ("Verarbeitungsverzeichnis vorlegen", "Löschkonzept vorlegen"),
}
_REPORT_DAYS = {
    2024: ("2024-06-03", "2024-09-02", "2024-11-04"),
    2025: ("2025-03-03", "2025-09-01", "2026-06-01"),
}


def _progress_steps(final: int | None) -> list[int]:
    if not final:
        return []
    return sorted({max(10, final // 3), max(10, (2 * final) // 3), final})
