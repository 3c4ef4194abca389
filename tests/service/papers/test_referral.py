"""A paper referred back goes through its committees again and then back to the council.

Defect of a review: after ``zurückverweisen`` a paper could not run its Beratungsfolge again:
its steps kept their results, and a new Vorberatung behind the still open Entscheidung was
refused. The earlier round stays in the record: its votes, its results and its history.
"""

from __future__ import annotations

from fastapi.testclient import TestClient

from service.runtime import Runtime
from tests.service.browser import post_form, signed_in
from tests.service.council_support import API, committee_id, login
from tests.service.papers.support import (
    measure_state,
    paper_as_office,
    paper_in_fva,
    plan_step,
    send_paper,
    version_of,
    vote_in_fva,
    vote_unanimously,
)


def test_a_paper_referred_back_goes_through_its_committees_again(
    client: TestClient, demo: Runtime
) -> None:
    paper = paper_in_fva(client, demo)
    vote_in_fva(client, demo, paper)
    referred = client.post(
        f"{API}/papers/{paper.id}/transitions",
        json={
            "event": "zurueckverweisen",
            "version": version_of(demo, "paper", paper.id),
            "comment": "Die Kosten der Eigenbetriebe sind neu zu schätzen.",
        },
        headers=login(client, "sitzungsdienst"),
    )
    assert referred.status_code == 200, referred.text
    shown = paper_as_office(client, paper.id)
    assert shown["state"] == "entwurf"
    # The first round keeps what happened in it; the Stadtrat's step says what it did.
    assert [c["result"] for c in shown["consultations"]] == ["angenommen", "zurueckverwiesen"]
    assert measure_state(client, paper.measure_id) == "ag_pruefung"

    # The revised paper goes to the FVA and then to the Stadtrat again.
    fva, council = committee_id(demo, "fva"), committee_id(demo, "stadtrat")
    again = [
        plan_step(client, paper.id, fva, "vorberatung"),
        plan_step(client, paper.id, council, "entscheidung"),
    ]
    assert [a.status_code for a in again] == [201, 201], [a.text for a in again]
    fva_again, council_again = (a.json()["id"] for a in again)
    send_paper(client, demo, paper.id, "2026-09-01")
    assert measure_state(client, paper.measure_id) == "fva_beratung"

    advised = vote_unanimously(client, demo, paper.id, fva_again, held_on="2026-09-01")
    assert advised.status_code == 201, advised.text
    assert advised.json()["paper"]["to_state"] == "entscheidung"
    decided = vote_unanimously(client, demo, paper.id, council_again, held_on="2026-09-01")
    assert decided.status_code == 201, decided.text
    assert decided.json()["paper"]["to_state"] == "beschlossen"
    assert measure_state(client, paper.measure_id) == "haushaltsplanung"

    shown = paper_as_office(client, paper.id)
    assert [c["result"] for c in shown["consultations"]] == [
        "angenommen",
        "zurueckverwiesen",
        "angenommen",
        "angenommen",
    ]
    assert [(v["committee_id"], v["held_on"]) for v in shown["votes"]] == [
        (fva, "2026-08-26"),
        (fva, "2026-09-01"),
        (council, "2026-09-01"),
    ]
    history = client.get(
        f"{API}/papers/{paper.id}/history", headers=login(client, "sitzungsdienst")
    ).json()
    assert [e["event"] for e in history] == [
        "in_vorberatung_geben",
        "empfehlen",
        "zurueckverweisen",
        "in_vorberatung_geben",
        "empfehlen",
        "beschliessen",
    ]


def test_a_paper_the_fva_refers_back_is_planned_anew_on_its_page(
    client: TestClient, demo: Runtime
) -> None:
    paper = paper_in_fva(client, demo)
    web = signed_in(demo, "sitzungsdienst")
    page = f"/vorlagen/{paper.id}"
    referred = post_form(
        web,
        page,
        f"{page}/schritte",
        {
            "ereignis": "zurueckverweisen",
            "version": str(version_of(demo, "paper", paper.id)),
            "kommentar": "Die Wirtschaftlichkeit ist nachzuweisen.",
        },
    )
    assert referred.status_code == 303, referred.text
    # The FVA referred the paper back; the Stadtrat's step it never reached is dropped.
    shown = web.get(page).text
    assert "<td>zurückverwiesen</td>" in shown
    assert "<td>entfallen (Vorlage zurückverwiesen)</td>" in shown

    for committee, role in (("fva", "vorberatung"), ("stadtrat", "entscheidung")):
        planned = post_form(
            web,
            page,
            f"{page}/beratungsfolge",
            {"gremium": str(committee_id(demo, committee)), "rolle": role},
        )
        assert planned.status_code == 303, planned.text
    steps = paper_as_office(client, paper.id)["consultations"]
    assert [(s["position"], s["role"], s["result"]) for s in steps] == [
        (1, "vorberatung", "zurueckverwiesen"),
        (2, "entscheidung", "entfallen"),
        (3, "vorberatung", None),
        (4, "entscheidung", None),
    ]
