"""The seed, replayed through the services, then read back through the command line.

Arbeitspapier zur weiteren Digitalisierung der Verwaltung (VII/0680/24), Stadt
Aschersleben: the AG reviews the measures and obtains the DSB statement for those touching
personal data; the paper goes into the Vorberatung, the Finanz- und Verwaltungsausschuss
recommends it on 21.02.2024 (9/0/0), the Stadtrat adopts it unanimously on 28.02.2024;
every measure it carries is then in ``haushaltsplanung``.

Built from the factories and the demo's measure data (not from ``load_demo``), each step
at the moment it happened. The focus here is the history: every step with its actor, role,
time, comment and data, as stored and as ``ratsflow measure history`` prints it; and the
audit chain that ``ratsflow audit verify`` checks. (Carrying a vote to the measures in one
transaction, and blocking, are tested in ``tests/service/lifecycle``.)
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time

import pytest
from typer.testing import CliRunner

from service.actor import Actor
from service.audit.verify import verify_chain
from service.auth.service import person_names
from service.cli import app
from service.config import get_settings
from service.demo import data
from service.lifecycle.repository import history_of
from service.measures.service import fire, get_measure
from service.papers.service import get_paper
from service.papers.service import history as paper_history
from service.papers.votes import VoteRequest, record_vote
from service.runtime import Runtime
from service.statements.repository import statements_of
from tests import factories as make
from tests.conftest import CHAIN_KEY, FakeClock
from workflow.calendar import local_day_at

ROLES = {
    "ag.leitung": "ag_leitung",
    "ag.mitglied": "ag_mitglied",
    "datenschutz": "datenschutz",
    "informationssicherheit": "informationssicherheit",
    "personalrat": "personalrat",
    "sitzungsdienst": "sitzungsdienst",
}


def at(day: str, hour: int = 10) -> datetime:
    """A moment in Aschersleben's local time, as the UTC instant it is stored as."""
    return local_day_at(date.fromisoformat(day), time(hour, 0))


@pytest.fixture
def cli_env(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("RATSFLOW_DATABASE_URL", database_url)
    monkeypatch.setenv("RATSFLOW_CHAIN_KEY", CHAIN_KEY)
    get_settings.cache_clear()
    try:
        yield
    finally:
        get_settings.cache_clear()


def replay_seed(runtime: Runtime, clock: FakeClock) -> tuple[dict[str, Actor], dict[str, int], int]:
    clock.now = at("2023-10-02")
    with runtime.write() as c:
        users = {
            name: make.user(runtime, role, connection=c, username=name)
            for name, role in ROLES.items()
        }
        programme = make.programme(runtime, c)
        ids = {
            m.code: make.measure(
                runtime,
                c,
                programme_id=programme,
                code=m.code,
                title=m.title,
                fields=m.fields,
                ready=False,
                public=m.public,
            )
            for m in data.MEASURES
        }

    # The AG takes the measures up, and the officers give their statements.
    clock.now = at("2023-11-06")
    with runtime.write() as c:
        for measure_id in ids.values():
            fire(runtime, c, users["ag.mitglied"], measure_id, "einreichen")
    clock.now = at("2024-01-15")
    with runtime.write() as c:
        for m in data.MEASURES:
            for kind, outcome in m.statements:
                make.statement(runtime, ids[m.code], kind, c, author=users[kind], outcome=outcome)

    # The paper carries every measure through its Beratungsfolge.
    clock.now = at("2024-01-29")
    with runtime.write() as c:
        fva = make.committee(
            runtime,
            c,
            members=11,
            on=date(2022, 9, 1),
            slug="fva",
            name="Finanz- und Verwaltungsausschuss",
            short_name="FVA",
        )
        rat = make.committee(
            runtime,
            c,
            members=37,
            on=date(2022, 9, 1),
            slug="stadtrat",
            name="Stadtrat",
            short_name="SR",
            kind="rat",
        )
        paper_id = make.paper(
            runtime,
            c,
            reference=data.PAPER["reference"],
            title=data.PAPER["title"],
            measure_ids=list(ids.values()),
            consultations=[(fva, "vorberatung"), (rat, "entscheidung")],
        )
    clock.now = at("2024-02-01")
    with runtime.write() as c:
        runtime.lifecycle.fire(
            c,
            "paper",
            paper_id,
            "in_vorberatung_geben",
            actor=users["ag.leitung"],
            now=runtime.now(),
            data={"sitzung_am": "2024-02-21"},
        )
    clock.now = at("2024-02-21", 18)
    with runtime.write() as c:
        fva_vote = VoteRequest(
            "fva",
            date(2024, 2, 21),
            present=9,
            yes=9,
            no=0,
            abstain=0,
            resolution_number="FVA/0123/24",
        )
        recorded = record_vote(runtime, c, users["sitzungsdienst"], paper_id, fva_vote)
    assert recorded.result.outcome == "angenommen"
    clock.now = at("2024-02-28", 19)
    with runtime.write() as c:
        rat_vote = VoteRequest(
            "stadtrat",
            date(2024, 2, 28),
            unanimous=True,
            resolution_number="SR/0456/24",
            comment="Einstimmig bestätigt.",
        )
        recorded = record_vote(runtime, c, users["sitzungsdienst"], paper_id, rat_vote)
    assert recorded.result.outcome == "angenommen"
    return users, ids, paper_id


def test_the_seed_leaves_a_complete_history_and_an_intact_chain(
    runtime: Runtime, clock: FakeClock, cli_env: None
) -> None:
    users, ids, paper_id = replay_seed(runtime, clock)
    lead, member, session = users["ag.leitung"], users["ag.mitglied"], users["sitzungsdienst"]

    with runtime.read() as c:
        assert get_paper(c, paper_id).state == "beschlossen"
        assert [(h.event, h.actor_user_id, h.at) for h in paper_history(c, paper_id)] == [
            ("in_vorberatung_geben", lead.user_id, at("2024-02-01")),
            # Decisions are dated on their session (noon, no meeting linked), not on entry.
            ("empfehlen", session.user_id, at("2024-02-21", 12)),
            ("beschliessen", session.user_id, at("2024-02-28", 12)),
        ]
        for m in data.MEASURES:
            measure_id = ids[m.code]
            assert get_measure(c, measure_id).state == "haushaltsplanung", m.code
            kinds = {s.kind for s in statements_of(c, measure_id)}
            assert ("datenschutz" in kinds) == m.fields["personenbezogen"], m.code
            steps = [
                (h.event, h.from_state, h.to_state, h.actor_user_id, h.actor_role, h.at,
                 h.comment, dict(h.data or {}))
                for h in history_of(c, "measure", measure_id)
            ]  # fmt: skip
            assert steps == [
                ("einreichen", "entwurf", "ag_pruefung", member.user_id, "ag_mitglied",
                 at("2023-11-06"), None, {}),
                ("an_fva_uebergeben", "ag_pruefung", "fva_beratung", lead.user_id, "ag_leitung",
                 at("2024-02-01"), None, {}),
                ("fva_empfehlen", "fva_beratung", "stadtrat_beschluss", session.user_id,
                 "sitzungsdienst", at("2024-02-21", 12), None,
                 {"abstimmungsergebnis": "angenommen", "beschlussnummer": "FVA/0123/24"}),
                ("beschliessen", "stadtrat_beschluss", "haushaltsplanung", session.user_id,
                 "sitzungsdienst", at("2024-02-28", 12), "Einstimmig bestätigt.",
                 {"abstimmungsergebnis": "angenommen", "beschlussnummer": "SR/0456/24"}),
            ], m.code  # fmt: skip
        assert verify_chain(c, runtime.chain_key).intact

    # The same history as the command line prints it: local time, states, step, who (the
    # person's name) and role, in German labels.
    with runtime.read() as c:
        named = person_names(c, {u.user_id for u in users.values()}, runtime.body_id)
    lead, member, office = (
        named[users[u].user_id] for u in ("ag.leitung", "ag.mitglied", "sitzungsdienst")
    )
    runner = CliRunner()
    for code in ("M-01", "M-06", "M-08"):
        result = runner.invoke(app, ["measure", "history", str(ids[code])])
        assert result.exit_code == 0, result.output
        assert result.stdout.splitlines() == [
            "06.11.2023 10:00  Entwurf → Prüfung in der AG  Zur Prüfung in der AG einreichen  "
            f"[{member}, AG-Mitglied]",
            "01.02.2024 10:00  Prüfung in der AG → Vorberatung im Finanz- und "
            "Verwaltungsausschuss  Dem Finanz- und Verwaltungsausschuss zur Vorberatung "
            f"vorlegen  [{lead}, AG-Leitung]",
            "21.02.2024 12:00  Vorberatung im Finanz- und Verwaltungsausschuss → "
            "Beschlussfassung im Stadtrat  Vorberatung – Empfehlung zur Annahme  "
            f"[{office}, Sitzungsdienst]",
            "28.02.2024 12:00  Beschlussfassung im Stadtrat → Haushaltsplanung  Beschluss des "
            f"Stadtrats  [{office}, Sitzungsdienst]",
            "    „Einstimmig bestätigt.“",
        ]
    verified = runner.invoke(app, ["audit", "verify"])
    assert verified.exit_code == 0, verified.output
    assert f"Kette „{CHAIN_KEY}“ intakt" in verified.stdout
