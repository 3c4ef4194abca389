"""Decisions carry their session's date and text (issue 14, point 1; the budget, point 6).

The Sitzungsdienst replays the seed's decisions long after they were taken: the FVA's
recommendation of 21.02.2024 and the Stadtrat's decision of 28.02.2024, typed in with the
clock at 01.09.2026. The history dates each on its session, keeps when it was typed in, and
the Haushaltsplanung deadline follows the budget calendar from the decision's day.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient

from service.budget import service as budget
from service.measures.service import fire as fire_measure
from service.runtime import Runtime
from tests.conftest import DEMO_NOW
from tests.service.browser import post_form, signed_in
from tests.service.council_support import API, actor, assert_problem, login
from tests.service.papers.support import PaperInCouncil, paper_in_fva, version_of
from workflow.calendar import to_local

FVA_DAY, COUNCIL_DAY = "2024-02-21", "2024-02-28"
DECISION_TEXT = (
    "Der Stadtrat beschließt das in der Anlage aufgeführte Arbeitspapier zur Digitalisierung "
    "in der Stadtverwaltung."
)


def _vote(client: TestClient, runtime: Runtime, paper_id: int, step: int, **vote: Any) -> Any:
    return client.post(
        f"{API}/papers/{paper_id}/votes",
        json={"consultation_id": step, "version": version_of(runtime, "paper", paper_id), **vote},
        headers=login(client, "sitzungsdienst"),
    )


def _replay_seed(client: TestClient, runtime: Runtime) -> PaperInCouncil:
    paper = paper_in_fva(client, runtime)
    counted = {"present": 9, "yes": 9, "no": 0, "abstain": 0}
    fva = _vote(client, runtime, paper.id, paper.fva_step, held_on=FVA_DAY, **counted)
    assert fva.status_code == 201, fva.text
    council = _vote(
        client,
        runtime,
        paper.id,
        paper.council_step,
        held_on=COUNCIL_DAY,
        unanimous=True,
        resolution_number="SR/0456/24",
        decision_text=DECISION_TEXT,
    )
    assert council.status_code == 201, council.text
    return paper


def _local_day(value: str) -> str:
    return to_local(datetime.fromisoformat(value)).date().isoformat()


def test_replayed_decision_dated_by_entry(client: TestClient, demo: Runtime) -> None:
    paper = _replay_seed(client, demo)
    staff = login(client, "ag.leitung")

    history = client.get(f"{API}/measures/{paper.measure_id}/history", headers=staff).json()
    decided = {e["event"]: e for e in history if e["event"] in ("fva_empfehlen", "beschliessen")}
    assert _local_day(decided["fva_empfehlen"]["at"]) == FVA_DAY
    assert _local_day(decided["beschliessen"]["at"]) == COUNCIL_DAY
    for entry in decided.values():
        assert datetime.fromisoformat(entry["recorded_at"]) == DEMO_NOW
    assert decided["beschliessen"]["data"]["beschlusstext"] == DECISION_TEXT

    measure = client.get(f"{API}/measures/{paper.measure_id}", headers=staff).json()
    (deadline,) = [d for d in measure["open_deadlines"] if d["name"] == "haushaltsplanung"]
    # The first registration day of the budget calendar after 28.02.2024, not now + 3 months.
    assert _local_day(deadline["due_at"]) == "2024-09-30"

    paper_history = client.get(f"{API}/papers/{paper.id}/history", headers=staff).json()
    assert _local_day(paper_history[-1]["at"]) == COUNCIL_DAY


def test_the_audit_event_is_sealed_on_entry_and_names_the_session(
    client: TestClient, demo: Runtime
) -> None:
    paper = _replay_seed(client, demo)
    dsb = login(client, "datenschutz")
    found = client.get(
        f"{API}/audit/events",
        params={
            "entity_type": "measure",
            "entity_id": paper.measure_id,
            "purpose": "Prüfung der Beschlusskontrolle",
        },
        headers=dsb,
    )
    assert found.status_code == 200, found.text
    events = [
        e for e in found.json()["items"] if (e.get("context") or {}).get("event") == "beschliessen"
    ]
    assert len(events) == 1
    assert datetime.fromisoformat(events[0]["ts"]) == DEMO_NOW
    assert _local_day(events[0]["context"]["at"]) == COUNCIL_DAY


def test_future_vote_accepted(client: TestClient, demo: Runtime) -> None:
    paper = paper_in_fva(client, demo)
    tomorrow = _vote(client, demo, paper.id, paper.fva_step, held_on="2026-09-02", unanimous=True)
    problem = assert_problem(tomorrow, 422, "abstimmung-ungueltig")
    assert "02.09.2026" in problem["detail"] and "noch nicht stattgefunden" in problem["detail"]
    assert (
        client.get(f"{API}/papers/{paper.id}", headers=login(client, "sitzungsdienst")).json()[
            "votes"
        ]
        == []
    )


def test_the_paper_shows_its_beschlusstext_on_the_web_and_in_the_api(
    client: TestClient, demo: Runtime
) -> None:
    paper = _replay_seed(client, demo)
    office = login(client, "sitzungsdienst")
    shown = client.get(f"{API}/papers/{paper.id}", headers=office).json()
    assert [v["decision_text"] for v in shown["votes"]] == [None, DECISION_TEXT]
    page = signed_in(demo, "sitzungsdienst").get(f"/vorlagen/{paper.id}")
    assert page.status_code == 200
    assert "Beschlusstext" in page.text and DECISION_TEXT in page.text


def test_the_sitzungsdienst_corrects_a_count_with_a_reason(
    client: TestClient, demo: Runtime
) -> None:
    paper = _replay_seed(client, demo)
    office = login(client, "sitzungsdienst")
    fva_vote = client.get(f"{API}/papers/{paper.id}", headers=office).json()["votes"][0]
    url = f"{API}/papers/{paper.id}/votes/{fva_vote['id']}"

    corrected = client.patch(
        url,
        json={"reason": "Laut Niederschrift 8 Ja-Stimmen, 1 Enthaltung.", "yes": 8, "abstain": 1},
        headers=office,
    )
    assert corrected.status_code == 200, corrected.text
    assert (corrected.json()["yes"], corrected.json()["abstain"]) == (8, 1)
    assert corrected.json()["outcome"] == "angenommen"
    history = client.get(f"{API}/papers/{paper.id}/history", headers=office).json()
    assert history[-1]["event"] == "abstimmung_berichtigen"
    assert history[-1]["comment"] == "Laut Niederschrift 8 Ja-Stimmen, 1 Enthaltung."
    assert history[-1]["data"] == {"ja": 8, "enthaltung": 1}

    turned = client.patch(url, json={"reason": "Verzählt.", "yes": 2, "no": 6}, headers=office)
    problem = assert_problem(turned, 409, "berichtigung-aendert-ergebnis")
    assert "neu beschließen" in problem["detail"]

    unexplained = client.patch(url, json={"reason": " ", "yes": 7}, headers=office)
    assert unexplained.status_code == 422, unexplained.text
    lead = client.patch(url, json={"reason": "x", "yes": 7}, headers=login(client, "ag.leitung"))
    assert lead.status_code == 403


def test_im_haushalt_einplanen_creates_the_haushaltsansatz_for_the_finanzplanung(
    client: TestClient, demo: Runtime
) -> None:
    paper = _replay_seed(client, demo)
    with demo.write() as c:
        fire_measure(
            demo,
            c,
            actor(demo, "kaemmerei"),
            paper.measure_id,
            "finanzieren",
            data={
                "haushaltsjahr": 2025,
                "betrag_einmalig": "185000",
                "betrag_laufend": "12000",
                "produktkonto": "11.1.04 / 783100",
            },
        )
    lines = budget.read_measure_lines(demo, actor(demo, "kaemmerei"), paper.measure_id)
    assert [(r.fiscal_year, r.one_off_planned, r.recurring_planned) for r in lines] == [
        (2025, Decimal("185000.00"), Decimal("12000.00")),
        (2026, None, Decimal("12000.00")),
        (2027, None, Decimal("12000.00")),
        (2028, None, Decimal("12000.00")),
    ]
    assert {r.product_account for r in lines} == {"11.1.04 / 783100"}


def test_the_budget_calendar_is_the_bodys(client: TestClient, demo: Runtime) -> None:
    from service.bodies.settings import BodySettings
    from service.deadlines.budget_calendar import next_registration

    decided = datetime.fromisoformat("2024-02-28T18:00:00+01:00")
    assert next_registration(decided, BodySettings()) == date(2024, 9, 30)
    autumn = datetime.fromisoformat("2024-10-01T18:00:00+02:00")
    assert next_registration(autumn, BodySettings()) == date(2025, 9, 30)
    own = BodySettings(budget_registration_day="15.06")
    assert next_registration(decided, own) == date(2024, 6, 15)


def test_the_paper_page_corrects_a_vote_with_a_reason(client: TestClient, demo: Runtime) -> None:
    paper = _replay_seed(client, demo)
    office = signed_in(demo, "sitzungsdienst")
    page = f"/vorlagen/{paper.id}"
    fva_vote = client.get(f"{API}/papers/{paper.id}", headers=login(client, "sitzungsdienst"))
    action = f"{page}/abstimmungen/{fva_vote.json()['votes'][0]['id']}/berichtigung"

    turned = post_form(office, page, action, {"ja": "3", "nein": "6", "begruendung": "Verzählt."})
    assert turned.status_code == 409
    assert "neu beschließen" in turned.text

    done = post_form(
        office, page, action, {"ja": "8", "enthaltung": "1", "begruendung": "Laut Niederschrift."}
    )
    assert done.status_code == 303, done.text
    shown = office.get(page).text
    assert "Abstimmung berichtigt (21.02.2024)" in shown and "Laut Niederschrift." in shown
