"""``by_vote: true`` declares the steps only a recorded vote decides; the loader checks it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.definitions.test_check import (
    MASSNAHME,
    VORLAGE,
    check,
    line_of,
    problems,
    replace_once,
    write,
)
from workflow.engine import Engine, Subject
from workflow.errors import DecidedByVote, Forbidden
from workflow.loader import parse_text

NOW = datetime(2026, 9, 16, 15, 0, tzinfo=UTC)


def test_the_shipped_definitions_declare_the_committee_decisions_as_votes() -> None:
    declared = {
        spec.name: sorted(t.event for t in spec.transitions if t.by_vote)
        for spec in (parse_text(MASSNAHME, "massnahme.yaml"), parse_text(VORLAGE, "vorlage.yaml"))
    }

    assert declared == {
        "massnahme": ["ablehnen", "beschliessen", "fva_empfehlen", "fva_nicht_empfehlen"],
        "vorlage": ["ablehnen", "beschliessen", "empfehlen", "nicht_empfehlen"],
    }


def test_a_vote_that_asks_for_no_result_is_named_with_its_line(tmp_path: Path) -> None:
    broken = replace_once(
        VORLAGE,
        "    target: beschlossen\n    roles: [sitzungsdienst]\n    by_vote: true\n"
        "    guards: [abstimmung_angenommen]\n    requires: [abstimmungsergebnis]\n",
        "    target: beschlossen\n    roles: [sitzungsdienst]\n    by_vote: true\n",
    )
    path = write(tmp_path, "vorlage.yaml", broken)

    code, _, err = check(path)

    assert code == 1
    [(file, line, reason)] = problems(err)
    assert (file, line) == (str(path), line_of(broken, "by_vote: true", occurrence=3))
    assert "„beschliessen“" in reason and "requires" in reason


def test_the_engine_neither_offers_nor_fires_a_vote_by_hand() -> None:
    engine = Engine(parse_text(VORLAGE, "vorlage.yaml"))
    subject = Subject("entscheidung")
    decision = {"abstimmungsergebnis": "angenommen"}

    offered = [a.event for a in engine.allowed_events(subject, {"sitzungsdienst"}, NOW)]
    assert offered == ["vertagen", "zurueckverweisen"]
    with pytest.raises(DecidedByVote) as refused:
        engine.fire(subject, "beschliessen", {"sitzungsdienst"}, decision, NOW)
    assert [o.event for o in refused.value.allowed] == offered
    assert subject.state == "entscheidung"
    # The role comes first: who may never fire it is told so, not sent to a vote.
    with pytest.raises(Forbidden):
        engine.fire(subject, "beschliessen", {"ag_leitung"}, decision, NOW)

    assert engine.decision_event(subject, decision, NOW) == "beschliessen"
    engine.fire(subject, "beschliessen", {"sitzungsdienst"}, decision, NOW, by_vote=True)
    assert subject.state == "beschlossen"
