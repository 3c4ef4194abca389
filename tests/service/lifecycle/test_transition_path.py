"""The one transition path, on SQLite and on PostgreSQL.

A measure lives its whole life through ``Lifecycle.fire``; every step leaves a history entry
and an audit event, starts and closes its deadlines; bad input changes nothing; a vote on a
paper moves every measure it carries, or none; items keep their definition version.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from service.actor import SYSTEM, Actor
from service.audit.models import AuditEvent
from service.audit.verify import verify_chain
from service.config import PROJECT_ROOT
from service.deadlines.models import Deadline
from service.definitions.service import store_files
from service.errors import CarriedItemsBlocked
from service.lifecycle.models import HistoryEntry
from service.measures.service import fire, get_measure
from service.papers.models import Vote
from service.papers.service import get_paper
from service.papers.votes import VoteRequest, record_vote
from service.runtime import Runtime
from tests import factories as make
from tests.conftest import START, FakeClock
from workflow.errors import (
    DefinitionError,
    Forbidden,
    GuardFailed,
    InvalidData,
    MissingData,
    NotAllowed,
    StaleVersion,
    WorkflowError,
)

BERLIN = ZoneInfo("Europe/Berlin")
audit_events = AuditEvent.__table__  # type: ignore[attr-defined]
deadlines = Deadline.__table__  # type: ignore[attr-defined]
history = HistoryEntry.__table__  # type: ignore[attr-defined]
votes = Vote.__table__  # type: ignore[attr-defined]
VOTED = {"fva_empfehlen", "fva_nicht_empfehlen", "beschliessen", "ablehnen"}


def berlin(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN).astimezone(UTC)


@dataclass(frozen=True)
class Snapshot:
    """Everything a transition may touch, for "nothing changed" assertions."""

    items: tuple[tuple[str, int, str, int, str], ...]
    history: tuple[tuple[Any, ...], ...]
    deadlines: tuple[tuple[Any, ...], ...]
    audit_events: int
    votes: int


def snapshot(connection: Connection) -> Snapshot:
    from service.lifecycle.repository import measures, papers

    items = tuple(
        (kind, row.id, row.state, row.version, json.dumps(row.fields, sort_keys=True))
        for kind, table in (("measure", measures), ("paper", papers))
        for row in connection.execute(select(table).order_by(table.c.id))
    )
    return Snapshot(
        items=items,
        history=tuple(tuple(r) for r in connection.execute(select(history).order_by(history.c.id))),
        deadlines=tuple(
            tuple(r) for r in connection.execute(select(deadlines).order_by(deadlines.c.id))
        ),
        audit_events=connection.execute(
            select(func.count()).select_from(audit_events)
        ).scalar_one(),
        votes=connection.execute(select(func.count()).select_from(votes)).scalar_one(),
    )


def read_snapshot(runtime: Runtime) -> Snapshot:
    with runtime.read() as connection:
        return snapshot(connection)


def deadlines_of(runtime: Runtime, entity_type: str, entity_id: int) -> list[Any]:
    with runtime.read() as c:
        return list(
            c.execute(
                select(deadlines)
                .where(deadlines.c.entity_type == entity_type, deadlines.c.entity_id == entity_id)
                .order_by(deadlines.c.id)
            )
        )


def audit_rows(runtime: Runtime, **where: Any) -> list[Any]:
    with runtime.read() as c:
        query = select(audit_events).order_by(audit_events.c.seq)
        for column, value in where.items():
            query = query.where(audit_events.c[column] == value)
        return list(c.execute(query))


def step(
    runtime: Runtime,
    actor: Actor,
    measure_id: int,
    event: str,
    version: int | None = None,
    **data: Any,
) -> int:
    comment = data.pop("comment", None)
    with runtime.write() as c:
        if event in VOTED:
            # As the cascade of a recorded vote fires it: by hand it is refused.
            done = runtime.lifecycle.fire(
                c,
                "measure",
                measure_id,
                event,
                actor=actor,
                now=runtime.now(),
                expected_version=version,
                data=data,
                comment=comment,
                by_vote=True,
            )
        else:
            done = fire(
                runtime, c, actor, measure_id, event, version=version, data=data, comment=comment
            )
    return done.version


@dataclass(frozen=True)
class Team:
    leitung: Actor
    mitglied: Actor
    sitzungsdienst: Actor
    kaemmerei: Actor
    datenschutz: Actor
    verwaltungsleitung: Actor


@pytest.fixture
def team(runtime: Runtime) -> Team:
    with runtime.write() as c:
        return Team(
            *(
                make.user(runtime, role, connection=c)
                for role in (
                    "ag_leitung",
                    "ag_mitglied",
                    "sitzungsdienst",
                    "kaemmerei",
                    "datenschutz",
                    "verwaltungsleitung",
                )
            )
        )


# --- a whole life ---------------------------------------------------------------------------


def test_a_measure_lives_its_whole_life(runtime: Runtime, clock: FakeClock, team: Team) -> None:
    measure_id = make.measure(runtime, title="Digitaler Posteingang")
    life: list[tuple[Actor, str, dict[str, Any], str | None]] = [
        (team.mitglied, "einreichen", {}, "ag_pruefung"),
        (team.leitung, "an_fva_uebergeben", {}, "fva_beratung"),
        (team.sitzungsdienst, "fva_empfehlen", {"abstimmungsergebnis": "angenommen"}, None),
        (
            team.sitzungsdienst,
            "beschliessen",
            {"abstimmungsergebnis": "angenommen", "beschlussnummer": "VII/123/24"},
            "haushaltsplanung",
        ),
        (
            team.kaemmerei,
            "finanzieren",
            {"haushaltsjahr": 2025, "betrag_einmalig": "12000.00", "betrag_laufend": 1500},
            "umsetzung",
        ),
        (team.mitglied, "fortschritt_melden", {"fortschritt": 40}, "umsetzung"),
        (team.leitung, "fortschritt_melden", {"fortschritt": 100}, "umsetzung"),
        (team.leitung, "abschliessen", {"abschlussvermerk": "Im Echtbetrieb."}, "abgeschlossen"),
    ]
    version = 1
    moments = []
    for actor, event, data, target in life:
        clock.advance(timedelta(days=3, minutes=17))
        moments.append(clock.now)
        version = step(runtime, actor, measure_id, event, version, **data)
        with runtime.read() as c:
            row = get_measure(c, measure_id)
        assert row.version == version
        if target is not None:
            assert row.state == target

    with runtime.read() as c:
        row = get_measure(c, measure_id)
        entries = list(
            c.execute(
                select(history)
                .where(history.c.entity_type == "measure", history.c.entity_id == measure_id)
                .order_by(history.c.id)
            )
        )
        assert verify_chain(c, runtime.chain_key).intact
    assert (row.state, row.version) == ("abgeschlossen", 1 + len(life))
    assert row.fields["fortschritt"] == 100
    assert row.fields["betrag_einmalig"] == "12000.00"
    assert row.fields["beschlussnummer"] == "VII/123/24"

    assert [e.event for e in entries] == [event for _, event, _, _ in life]
    assert [e.actor_user_id for e in entries] == [a.user_id for a, _, _, _ in life]
    assert [e.at for e in entries] == moments
    assert [e.actor_role for e in entries] == [
        "ag_mitglied",
        "ag_leitung",
        "sitzungsdienst",
        "sitzungsdienst",
        "kaemmerei",
        "ag_mitglied",
        "ag_leitung",
        "ag_leitung",
    ]
    assert entries[0].from_state == "entwurf" and entries[-1].to_state == "abgeschlossen"
    assert all(a.to_state == b.from_state for a, b in itertools.pairwise(entries))

    events = audit_rows(runtime, entity_type="measure", entity_id=measure_id)
    transitions = [e for e in events if e.action == "measure.transition"]
    assert [e.actor_id for e in transitions] == [a.user_id for a, _, _, _ in life]
    assert [e.ts for e in transitions] == moments
    payloads = [json.loads(e.payload) for e in transitions]
    assert [p["context"]["event"] for p in payloads] == [event for _, event, _, _ in life]
    assert payloads[0]["changes"]["state"] == ["entwurf", "ag_pruefung"]
    assert payloads[-1]["changes"]["version"] == [len(life), len(life) + 1]


def test_each_step_is_one_audit_event_chained_to_the_last(runtime: Runtime, team: Team) -> None:
    measure_id = make.measure(runtime)
    before = audit_rows(runtime)
    step(runtime, team.mitglied, measure_id, "einreichen", comment="Bitte prüfen")
    after = audit_rows(runtime)
    assert len(after) == len(before) + 1
    new = after[-1]
    assert new.seq == before[-1].seq + 1 and new.prev_hash == before[-1].hash
    assert (new.action, new.entity_type, new.entity_id) == (
        "measure.transition",
        "measure",
        measure_id,
    )
    assert (new.actor_id, new.actor_role) == (team.mitglied.user_id, "ag_mitglied")
    # The comment sits beside the event; the hashed text holds only its salted digest.
    assert "Bitte prüfen" not in new.payload
    assert json.loads(new.payload)["comment"].startswith("sha256:")


# --- deadlines --------------------------------------------------------------------------------


def test_submitting_starts_the_six_week_review_and_leaving_the_state_closes_it(
    runtime: Runtime, clock: FakeClock, team: Team
) -> None:
    measure_id = make.measure(runtime)
    step(runtime, team.mitglied, measure_id, "einreichen")
    (frist,) = deadlines_of(runtime, "measure", measure_id)
    assert frist.name == "ag_pruefung" and frist.open
    assert frist.due_at == START + timedelta(weeks=6) == berlin(2024, 2, 19, 9)
    assert frist.created_at == START and frist.closed_at is None

    clock.advance(timedelta(days=10))
    step(runtime, team.leitung, measure_id, "an_fva_uebergeben")
    (frist,) = deadlines_of(runtime, "measure", measure_id)
    assert not frist.open and frist.closed_at == clock.now


def test_postponing_moves_the_summons_deadline(
    runtime: Runtime, clock: FakeClock, team: Team
) -> None:
    measure_id = make.measure(runtime)
    step(runtime, team.mitglied, measure_id, "einreichen")
    step(runtime, team.leitung, measure_id, "an_fva_uebergeben")
    step(runtime, team.sitzungsdienst, measure_id, "vertagen", sitzung_am="06.03.2024")
    clock.advance(timedelta(days=1))
    step(runtime, team.sitzungsdienst, measure_id, "vertagen", sitzung_am="2024-03-20")
    review, first, second = deadlines_of(runtime, "measure", measure_id)
    assert review.name == "ag_pruefung" and not review.open
    # Ladungsfrist: seven days before the meeting, at local midnight.
    assert (first.name, first.due_at, first.open) == ("ladungsfrist", berlin(2024, 2, 28), False)
    assert first.closed_at == clock.now
    assert (second.name, second.due_at, second.open) == ("ladungsfrist", berlin(2024, 3, 13), True)


# --- bad input changes nothing --------------------------------------------------------------


@dataclass(frozen=True)
class BadInput:
    who: str
    event: str
    data: dict[str, Any]
    error: type[WorkflowError]
    version: int | None = None
    comment: str | None = None


BAD_INPUT = {
    "illegal event": BadInput("leitung", "abschliessen", {"abschlussvermerk": "x"}, NotAllowed),
    "unknown event": BadInput("leitung", "zaubern", {}, NotAllowed),
    "wrong role": BadInput("mitglied", "an_fva_uebergeben", {}, Forbidden),
    "failing guard": BadInput("leitung", "an_fva_uebergeben", {}, GuardFailed),
    "missing data": BadInput("leitung", "zurueckstellen", {}, MissingData, comment="mangels Zeit"),
    "missing comment": BadInput("leitung", "zurueckziehen", {}, MissingData),
    "invalid data": BadInput(
        "leitung", "zurueckstellen", {"wiedervorlage_am": "bald"}, InvalidData, comment="x"
    ),
    "stale version": BadInput("leitung", "zurueckziehen", {}, StaleVersion, 1, "veraltet"),
}


@pytest.mark.parametrize("case", BAD_INPUT.values(), ids=list(BAD_INPUT))
def test_bad_input_raises_its_typed_error_and_changes_nothing(
    runtime: Runtime, team: Team, case: BadInput
) -> None:
    # Personal data without a DSB statement: an_fva_uebergeben's guard must refuse.
    measure_id = make.measure(runtime, fields={"personenbezogen": True})
    version = step(runtime, team.mitglied, measure_id, "einreichen")
    assert version == 2
    before = read_snapshot(runtime)

    with runtime.write() as c:
        with pytest.raises(case.error) as raised:
            fire(
                runtime,
                c,
                getattr(team, case.who),
                measure_id,
                case.event,
                version=case.version,
                data=case.data,
                comment=case.comment,
            )
        # Nothing was written even inside the caller's transaction, which here commits.
        assert snapshot(c) == before

    assert read_snapshot(runtime) == before
    assert raised.value.detail  # a German sentence for the user
    error = raised.value
    if isinstance(error, GuardFailed):
        assert [f.guard for f in error.failures] == ["dsb_stellungnahme_bei_personenbezug"]
    if isinstance(error, MissingData) and case.event == "zurueckstellen":
        assert [m.field for m in error.missing] == ["wiedervorlage_am"]
    with runtime.read() as c:
        row = get_measure(c, measure_id)
        assert verify_chain(c, runtime.chain_key).intact
    assert (row.state, row.version) == ("ag_pruefung", 2)


@pytest.mark.parametrize(
    "comment", ["Stand\x07", "x" * 10_001], ids=["control character", "too long"]
)
def test_a_step_of_a_measure_and_of_a_paper_refuse_the_same_typed_text_alike(
    runtime: Runtime, team: Team, comment: str
) -> None:
    """Regression: the step services checked typed text each in their own way (a measure's
    comment had no limit outside the API, a paper's did), the system path not at all; now
    the one transition path checks it, the same for both kinds."""
    measure_id, paper_id = make.measure(runtime), make.paper(runtime)
    before = read_snapshot(runtime)
    refusals = []
    for kind, item, event, data in (
        ("measure", measure_id, "einreichen", {}),
        ("paper", paper_id, "in_vorberatung_geben", {"sitzung_am": "2024-02-21"}),
    ):
        with pytest.raises(InvalidData) as raised, runtime.write() as c:
            runtime.lifecycle.fire(
                c, kind, item, event, actor=team.leitung, now=runtime.now(), data=data,
                comment=comment,
            )  # fmt: skip
        refusals.append([(p.field, p.label, p.message) for p in raised.value.problems])
    assert refusals[0] == refusals[1] and refusals[0][0][:2] == ("kommentar", "Kommentar")
    assert read_snapshot(runtime) == before


def test_the_conditional_update_has_the_last_word(
    runtime: Runtime, team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A writer that read an old version (a race the early check cannot see) updates zero
    rows: it gets StaleVersion, and nothing of its step is kept. The step's other writes go
    out with the update (on PostgreSQL in one round trip), so the transaction holds them
    until it rolls back, and none is committed."""
    from service.lifecycle import repository

    measure_id = make.measure(runtime)
    step(runtime, team.mitglied, measure_id, "einreichen")
    before = read_snapshot(runtime)
    real_load = repository.load_item

    def load_as_read_before(*args: Any) -> Any:
        row = real_load(*args)._asdict()
        return SimpleNamespace(**{**row, "version": row["version"] - 1, "state": "entwurf"})

    monkeypatch.setattr(repository, "load_item", load_as_read_before)
    with pytest.raises(StaleVersion) as raised, runtime.write() as c:
        fire(runtime, c, team.mitglied, measure_id, "einreichen")
    assert raised.value.expected == 1
    assert read_snapshot(runtime) == before


def test_a_write_that_fails_among_the_steps_writes_leaves_nothing_and_a_usable_connection(
    runtime: Runtime, team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The update, deadlines and history of a step go to PostgreSQL together; one that
    fails there fails the step when they are answered. Nothing is kept, and the pooled
    connection is left as it was for the next step (no pipeline, no broken transaction)."""
    from service.driver import DriverStatement
    from service.lifecycle import repository

    measure_id = make.measure(runtime)
    before = read_snapshot(runtime)
    working = repository._INSERT_HISTORY
    monkeypatch.setattr(
        repository,
        "_INSERT_HISTORY",
        DriverStatement(working.sqlite.replace("history_entries", "no_such_table")),
    )
    runtime.engine.dispose()  # one pooled connection from here: every step below reuses it
    with pytest.raises(Exception, match="no_such_table"), runtime.write() as c:
        fire(runtime, c, team.mitglied, measure_id, "einreichen")
    assert read_snapshot(runtime) == before

    monkeypatch.setattr(repository, "_INSERT_HISTORY", working)
    step(runtime, team.mitglied, measure_id, "einreichen")
    with runtime.read() as c:
        assert get_measure(c, measure_id).state == "ag_pruefung"


def test_the_dsb_statement_opens_the_guard(runtime: Runtime, team: Team) -> None:
    measure_id = make.measure(runtime, fields={"personenbezogen": True})
    step(runtime, team.mitglied, measure_id, "einreichen")
    make.statement(runtime, measure_id, "datenschutz", author=team.datenschutz)
    step(runtime, team.leitung, measure_id, "an_fva_uebergeben", 2)
    with runtime.read() as c:
        assert get_measure(c, measure_id).state == "fva_beratung"


def test_incomplete_cost_benefit_analysis_blocks_the_committee(
    runtime: Runtime, team: Team
) -> None:
    measure_id = make.measure(runtime, ready=False, fields={"kosten_einmalig": "5000"})
    step(runtime, team.mitglied, measure_id, "einreichen")
    with pytest.raises(GuardFailed) as raised, runtime.write() as c:
        fire(runtime, c, team.leitung, measure_id, "an_fva_uebergeben")
    assert [f.guard for f in raised.value.failures] == ["aufwand_nutzen_analyse_vollstaendig"]
    assert "laufende Kosten" in raised.value.detail


# --- a vote on a paper moves every carried measure ---------------------------------------------


@dataclass(frozen=True)
class Vorlage:
    paper_id: int
    measure_ids: tuple[int, ...]


def paper_with_measures(
    runtime: Runtime, team: Team, *, dsb_for_all: bool = True, count: int = 3
) -> Vorlage:
    with runtime.write() as c:
        fva = make.committee(runtime, c, slug="fva", name="Finanz- und Verwaltungsausschuss")
        rat = make.committee(runtime, c, slug="stadtrat", members=12, kind="rat", name="Stadtrat")
        ids = [
            make.measure(runtime, c, title=f"Maßnahme {n}", fields={"personenbezogen": n == 0})
            for n in range(count)
        ]
        personal = [ids[0]]
        if not dsb_for_all:
            # A second personal-data measure whose DSB statement is still missing.
            ids.append(make.measure(runtime, c, title="Ohne DSB", fields={"personenbezogen": True}))
        paper_id = make.paper(
            runtime,
            c,
            reference="VII/0680/24",
            measure_ids=ids,
            consultations=[(fva, "vorberatung"), (rat, "entscheidung")],
        )
        for measure_id in personal:
            make.statement(runtime, measure_id, "datenschutz", c, author=team.datenschutz)
    for measure_id in ids:
        step(runtime, team.mitglied, measure_id, "einreichen")
    return Vorlage(paper_id, tuple(ids))


def to_committee(runtime: Runtime, team: Team, paper_id: int) -> None:
    with runtime.write() as c:
        runtime.lifecycle.fire(
            c,
            "paper",
            paper_id,
            "in_vorberatung_geben",
            actor=team.leitung,
            now=runtime.now(),
            data={"sitzung_am": "2024-02-21"},
        )


def states(runtime: Runtime, ids: tuple[int, ...]) -> list[str]:
    with runtime.read() as c:
        return [get_measure(c, m).state for m in ids]


def test_a_paper_vote_advances_every_carried_measure_in_one_transaction(
    runtime: Runtime, clock: FakeClock, team: Team
) -> None:
    vorlage = paper_with_measures(runtime, team)
    clock.now = berlin(2024, 2, 1, 10)
    to_committee(runtime, team, vorlage.paper_id)
    assert states(runtime, vorlage.measure_ids) == ["fva_beratung"] * 3

    clock.now = berlin(2024, 2, 21, 19)
    with runtime.write() as c:
        fva = record_vote(
            runtime,
            c,
            team.sitzungsdienst,
            vorlage.paper_id,
            VoteRequest("fva", date(2024, 2, 21), present=9, yes=9, no=0, abstain=0),
            request_id="req-fva",
        )
    assert fva.result.outcome == "angenommen"
    assert fva.transition.result.event == "empfehlen"
    assert [t.entity_id for t in fva.transition.carried] == list(vorlage.measure_ids)
    assert states(runtime, vorlage.measure_ids) == ["stadtrat_beschluss"] * 3

    clock.now = berlin(2024, 2, 28, 18)
    with runtime.write() as c:
        rat = record_vote(
            runtime,
            c,
            team.sitzungsdienst,
            vorlage.paper_id,
            VoteRequest("stadtrat", date(2024, 2, 28), unanimous=True, resolution_number="B-7/24"),
            request_id="req-rat",
        )
    assert rat.result.outcome == "angenommen"
    assert states(runtime, vorlage.measure_ids) == ["haushaltsplanung"] * 3
    with runtime.read() as c:
        paper = get_paper(c, vorlage.paper_id)
        assert paper.state == "beschlossen"
        assert verify_chain(c, runtime.chain_key).intact
        for measure_id in vorlage.measure_ids:
            row = get_measure(c, measure_id)
            assert row.fields["beschlussnummer"] == "B-7/24"
            assert row.fields["abstimmungsergebnis"] == "angenommen"

    # One request, one moment, one unbroken run of audit events: paper, then its measures.
    for request_id, moment in (("req-fva", berlin(2024, 2, 21, 19)), ("req-rat", clock.now)):
        run = audit_rows(runtime, request_id=request_id)
        transitions = [e for e in run if e.action.endswith(".transition")]
        assert [(e.entity_type, e.entity_id) for e in transitions] == [
            ("paper", vorlage.paper_id),
            *(("measure", m) for m in vorlage.measure_ids),
        ]
        seqs = [e.seq for e in transitions]
        assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))
        assert {e.ts for e in transitions} == {moment}
    for measure_id in vorlage.measure_ids:
        with runtime.read() as c:
            steps = [
                (e.event, e.actor_user_id, e.at)
                for e in c.execute(
                    select(history).where(
                        history.c.entity_type == "measure", history.c.entity_id == measure_id
                    )
                )
            ]
        # A decision is dated on its session: without a meeting on record, noon of its day.
        assert steps == [
            ("einreichen", team.mitglied.user_id, START),
            ("an_fva_uebergeben", team.leitung.user_id, berlin(2024, 2, 1, 10)),
            ("fva_empfehlen", team.sitzungsdienst.user_id, berlin(2024, 2, 21, 12)),
            ("beschliessen", team.sitzungsdienst.user_id, berlin(2024, 2, 28, 12)),
        ]


def test_a_measure_without_its_dsb_statement_blocks_the_paper_and_nothing_changes(
    runtime: Runtime, team: Team
) -> None:
    vorlage = paper_with_measures(runtime, team, dsb_for_all=False)
    blocker = vorlage.measure_ids[-1]
    before = read_snapshot(runtime)

    with pytest.raises(CarriedItemsBlocked) as raised:
        to_committee(runtime, team, vorlage.paper_id)

    assert [(b.entity_type, b.entity_id) for b in raised.value.blocked] == [("measure", blocker)]
    assert "Datenschutzbeauftragten" in raised.value.blocked[0].reason
    # Named by Kennung and title, the step by its label (issue 15: not "Maßnahme 4").
    with runtime.read() as c:
        code = get_measure(c, blocker).code
    assert f"Maßnahme {code} „" in raised.value.detail and f"Maßnahme {blocker} " not in (
        raised.value.detail
    )
    assert raised.value.detail.startswith("„In die Vorberatung geben“ wurde nicht ausgeführt")
    assert read_snapshot(runtime) == before
    assert states(runtime, vorlage.measure_ids) == ["ag_pruefung"] * 4
    with runtime.read() as c:
        assert get_paper(c, vorlage.paper_id).state == "entwurf"
        assert verify_chain(c, runtime.chain_key).intact


def test_a_vote_that_one_measure_cannot_follow_records_nothing(
    runtime: Runtime, team: Team
) -> None:
    vorlage = paper_with_measures(runtime, team)
    to_committee(runtime, team, vorlage.paper_id)
    sent_back = vorlage.measure_ids[1]
    step(runtime, team.sitzungsdienst, sent_back, "zurueckverweisen", comment="Kosten prüfen")
    before = read_snapshot(runtime)

    with pytest.raises(CarriedItemsBlocked) as raised, runtime.write() as c:
        record_vote(
            runtime,
            c,
            team.sitzungsdienst,
            vorlage.paper_id,
            VoteRequest("fva", START.date(), present=9, yes=9, no=0, abstain=0),
        )
    assert [b.entity_id for b in raised.value.blocked] == [sent_back]
    assert read_snapshot(runtime) == before  # not even the vote itself
    assert states(runtime, vorlage.measure_ids) == ["fva_beratung", "ag_pruefung", "fva_beratung"]


# --- definitions --------------------------------------------------------------------------------


def massnahme_text(**replace: str) -> str:
    text = (PROJECT_ROOT / "definitions" / "massnahme.yaml").read_text(encoding="utf-8")
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new)
    return text


def test_a_stored_version_never_changes(runtime: Runtime, tmp_path: Path) -> None:
    changed = tmp_path / "massnahme.yaml"
    changed.write_text(massnahme_text(**{"after: P6W}": "after: P4W}"}), encoding="utf-8")
    before = read_snapshot(runtime)
    with pytest.raises(DefinitionError) as raised, runtime.write() as c:
        store_files(c, runtime.chain_key, [changed], SYSTEM, runtime.now())
    assert "Version 3 ist bereits mit anderem Inhalt" in raised.value.detail
    assert raised.value.problems[0].file == str(changed)
    assert read_snapshot(runtime) == before

    # The unchanged file is recognised and not stored again.
    with runtime.write() as c:
        again = store_files(
            c, runtime.chain_key, [PROJECT_ROOT / "definitions"], SYSTEM, runtime.now()
        )
    assert {(name, version, new) for name, version, new in again} == {
        ("massnahme", 3, False),
        ("vorlage", 2, False),
    }


def test_each_item_keeps_the_definition_version_it_started_with(
    runtime: Runtime, team: Team, tmp_path: Path
) -> None:
    old = make.measure(runtime)
    v2 = tmp_path / "massnahme.yaml"
    v2.write_text(
        massnahme_text(**{"version: 3": "version: 4", "after: P6W}": "after: P4W}"}),
        encoding="utf-8",
    )
    with runtime.write() as c:
        assert store_files(c, runtime.chain_key, [v2], SYSTEM, runtime.now()) == [
            ("massnahme", 4, True)
        ]
    runtime.reload_registry()
    new = make.measure(runtime)
    step(runtime, team.mitglied, old, "einreichen")
    step(runtime, team.mitglied, new, "einreichen")

    with runtime.read() as c:
        assert get_measure(c, old).definition_version == 3
        assert get_measure(c, new).definition_version == 4
    (old_frist,) = deadlines_of(runtime, "measure", old)
    (new_frist,) = deadlines_of(runtime, "measure", new)
    assert old_frist.due_at == START + timedelta(weeks=6)
    assert new_frist.due_at == START + timedelta(weeks=4)
    load_events = audit_rows(runtime, action="definition.load")
    assert [json.loads(e.payload)["context"]["version"] for e in load_events] == [3, 2, 4]
