"""A committee's decision happens only through a recorded vote (``by_vote`` in the YAML).

Issue "One gate": through ``POST /api/v1/papers/{id}/transitions`` the Sitzungsdienst took a
paper to ``beschlossen`` with nothing but ``{"abstimmungsergebnis": "angenommen"}``: no
vote, no quorum, the Beratungsfolge still open. Every door now gets 409 naming what is
possible instead, and no door offers such an event as a step.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from service.actor import SYSTEM
from service.cli import app
from service.config import PROJECT_ROOT, get_settings
from service.definitions.service import store_files
from service.papers import service as papers
from service.papers import votes
from service.runtime import Runtime
from tests import factories as make
from tests.conftest import CHAIN_KEY
from tests.service.council_support import API, actor, assert_problem, committee_id, login
from tests.service.papers.support import (
    VOTE_ONLY_MEASURE,
    VOTE_ONLY_PAPER,
    events_of,
    paper_in_fva,
    trace,
    version_of,
    vote_in_fva,
)
from workflow.errors import NotAllowed

DECISION = {"abstimmungsergebnis": "angenommen", "beschlussnummer": "SR/0999/26"}


def test_the_api_does_not_decide_a_paper_without_a_vote_quorum_or_beratungsfolge(
    client: TestClient, demo: Runtime
) -> None:
    office = login(client, "sitzungsdienst")
    paper = paper_in_fva(client, demo)
    url = f"{API}/papers/{paper.id}"

    before = trace(demo, paper.id, [paper.measure_id])
    step = {"event": "empfehlen", "data": DECISION, "version": version_of(demo, "paper", paper.id)}
    refused = client.post(f"{url}/transitions", json=step, headers=office)
    problem = assert_problem(refused, 409, "ungueltiger-uebergang")
    assert "Abstimmung" in problem["detail"]
    assert events_of(problem) == ["vertagen", "zurueckverweisen"]
    assert trace(demo, paper.id, [paper.measure_id]) == before

    vote_in_fva(client, demo, paper)
    before = trace(demo, paper.id, [paper.measure_id])
    for event in ("beschliessen", "ablehnen"):
        data = {
            **DECISION,
            "abstimmungsergebnis": "abgelehnt" if event == "ablehnen" else "angenommen",
        }
        step = {"event": event, "data": data, "version": version_of(demo, "paper", paper.id)}
        refused = client.post(f"{url}/transitions", json=step, headers=office)
        assert events_of(assert_problem(refused, 409, "ungueltiger-uebergang")) == [
            "vertagen",
            "zurueckverweisen",
        ]
    assert trace(demo, paper.id, [paper.measure_id]) == before
    shown = client.get(url, headers=office).json()
    assert shown["state"] == "entscheidung"
    assert not {t["event"] for t in shown["allowed_transitions"]} & set(VOTE_ONLY_PAPER)


def test_the_api_does_not_decide_a_carried_measure_without_a_vote(
    client: TestClient, demo: Runtime
) -> None:
    office = login(client, "sitzungsdienst")
    paper = paper_in_fva(client, demo)
    url = f"{API}/measures/{paper.measure_id}"
    before = trace(demo, paper.id, [paper.measure_id])

    version = version_of(demo, "measure", paper.measure_id)
    step = {"event": "fva_empfehlen", "data": DECISION, "version": version}
    refused = client.post(f"{url}/transitions", json=step, headers=office)

    problem = assert_problem(refused, 409, "ungueltiger-uebergang")
    assert "fva_empfehlen" not in events_of(problem)
    assert trace(demo, paper.id, [paper.measure_id]) == before
    shown = client.get(url, headers=office).json()
    assert shown["state"] == "fva_beratung"
    assert not {t["event"] for t in shown["allowed_transitions"]} & set(VOTE_ONLY_MEASURE)


def test_the_cli_does_not_decide_a_measure_without_a_vote(
    client: TestClient, demo: Runtime, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    paper = paper_in_fva(client, demo)
    vote_in_fva(client, demo, paper)
    before = trace(demo, paper.id, [paper.measure_id])
    monkeypatch.setenv("RATSFLOW_DATABASE_URL", database_url)
    monkeypatch.setenv("RATSFLOW_CHAIN_KEY", CHAIN_KEY)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(
            app,
            ["measure", "fire", str(paper.measure_id), "beschliessen", "--as", "sitzungsdienst"]
            + [f"--data={k}={v}" for k, v in DECISION.items()],
        )
    finally:
        get_settings.cache_clear()

    assert result.exit_code == 1, result.output
    assert "folgt nur aus einer erfassten Abstimmung" in result.output
    assert "Traceback" not in result.output
    assert trace(demo, paper.id, [paper.measure_id]) == before


def _version_1(tmp_path: Path) -> Path:
    """``vorlage.yaml`` as it was before ``by_vote`` existed."""
    text = (PROJECT_ROOT / "definitions" / "vorlage.yaml").read_text(encoding="utf-8")
    old = text.replace("version: 2\n", "version: 1\n").replace("    by_vote: true\n", "")
    path = tmp_path / "vorlage.yaml"
    path.write_text(old, encoding="utf-8")
    return path


def test_a_paper_on_the_version_before_by_vote_is_decided_only_by_vote_too(
    demo: Runtime, tmp_path: Path
) -> None:
    with demo.write() as c:
        store_files(c, demo.chain_key, [_version_1(tmp_path)], SYSTEM, demo.now())
    demo.reload_registry()
    office, lead = actor(demo, "sitzungsdienst"), actor(demo, "ag.leitung")
    steps = [
        (committee_id(demo, "fva"), "vorberatung"),
        (committee_id(demo, "stadtrat"), "entscheidung"),
    ]
    paper_id = make.paper(demo, consultations=steps, definition_version=1)
    with demo.write() as c:
        papers.fire(
            demo, c, lead, paper_id, "in_vorberatung_geben", data={"sitzung_am": "2026-08-26"}
        )

    with pytest.raises(NotAllowed) as refused, demo.write() as c:
        papers.fire(demo, c, office, paper_id, "empfehlen", data=DECISION)
    assert "folgt nur aus einer erfassten Abstimmung" in refused.value.detail
    assert [o.event for o in refused.value.allowed] == ["vertagen", "zurueckverweisen"]
    with demo.read() as c:
        row = papers.get_paper(c, paper_id)
        assert (row.state, row.definition_version) == ("vorberatung", 1)
        assert not {a.event for a in papers.allowed_events(demo, c, office, row)} & set(
            VOTE_ONLY_PAPER
        )

    with demo.write() as c:
        recorded = votes.record_vote(
            demo,
            c,
            office,
            paper_id,
            votes.VoteRequest(committee_slug="fva", held_on=date(2026, 8, 26), unanimous=True),
        )
    assert recorded.transition.result.event == "empfehlen"
